/**
 * `npm run eval`: how well each retriever finds the chunks that answer real questions about the sample profile,
 * and how often it retrieves nothing for questions the profile does not answer. Prints a markdown table:
 * recall@3 (share of the answering chunks in the top 3), hit@3 (at least one of them there), MRR (1 / rank of the
 * first), answered (on-profile questions that got any chunk) and refused (off-profile questions that got none).
 * Upstash is measured too when UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN are set: the sample is
 * synced into the namespace TWIN_EVAL_NAMESPACE (default "twinbot-eval") first. `--misses` lists the misses.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import type { ProfileRetriever, RetrieveOptions } from '../src/core/ports.js';
import type { Chunk, RetrievedChunk } from '../src/core/types.js';
import { loadProfile } from '../src/profile/index.js';
import { EmbeddedProfileRetriever } from '../src/retrieval/embedded-profile-retriever.js';
import { syncProfile } from '../src/retrieval/profile-sync.js';
import { UpstashProfileRetriever } from '../src/retrieval/upstash-profile-retriever.js';

interface EvalSet {
  profile: string;
  questions: { q: string; relevant: string[] }[];
  offProfile: string[];
}

interface Row {
  name: string;
  recall: number;
  hit: number;
  mrr: number;
  answered: number;
  refused: number;
  misses: string[];
}

const K = 3;
const root = fileURLToPath(new URL('../', import.meta.url));

/** Plain MiniSearch with its defaults: no boosts, no stemming, no synonyms, no minimum score. */
class BaselineRetriever implements ProfileRetriever {
  readonly name = 'baseline (MiniSearch defaults)';
  private readonly index = new MiniSearch<{ id: number; title: string; text: string; tags: string; category: string }>({
    fields: ['title', 'text', 'tags', 'category'],
  });

  constructor(private readonly chunks: Chunk[]) {
    this.index.addAll(
      chunks.map((c, id) => ({
        id,
        title: c.title,
        text: c.text,
        tags: c.metadata.tags.join(' '),
        category: c.metadata.category,
      })),
    );
  }

  async retrieve(question: string, options: RetrieveOptions): Promise<RetrievedChunk[]> {
    return this.index
      .search(question)
      .slice(0, options.topK)
      .map((r) => ({ chunk: this.chunks[r.id as number]!, score: r.score }));
  }
}

async function evaluate(retriever: ProfileRetriever, set: EvalSet): Promise<Row> {
  let recall = 0;
  let hit = 0;
  let mrr = 0;
  let answered = 0;
  let refused = 0;
  const misses: string[] = [];
  for (const { q, relevant } of set.questions) {
    const ids = (await retriever.retrieve(q, { topK: K })).map((r) => r.chunk.id);
    const found = relevant.filter((id) => ids.includes(id)).length;
    recall += found / relevant.length;
    if (found > 0) hit++;
    const first = ids.findIndex((id) => relevant.includes(id));
    if (first >= 0) mrr += 1 / (first + 1);
    if (ids.length > 0) answered++;
    if (found < relevant.length) misses.push(`  "${q}": got [${ids.join(', ')}], wanted [${relevant.join(', ')}]`);
  }
  for (const q of set.offProfile) {
    const got = await retriever.retrieve(q, { topK: K });
    if (got.length === 0) refused++;
    else misses.push(`  off-profile "${q}": got [${got.map((r) => r.chunk.id).join(', ')}]`);
  }
  const n = set.questions.length;
  return {
    name: retriever.name,
    recall: recall / n,
    hit: hit / n,
    mrr: mrr / n,
    answered: answered / n,
    refused: refused / set.offProfile.length,
    misses,
  };
}

function table(rows: Row[], set: EvalSet): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `Retrieval eval: ${set.questions.length} on-profile questions, ${set.offProfile.length} off-profile (${set.profile}), top ${K}`,
    '',
    '| retriever | recall@3 | hit@3 | MRR | answered (on-profile) | refused (off-profile) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.recall.toFixed(3)} | ${pct(r.hit)} | ${r.mrr.toFixed(3)} | ${pct(r.answered)} | ${pct(r.refused)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const set = JSON.parse(await readFile(new URL('./retrieval-eval-set.json', import.meta.url), 'utf8')) as EvalSet;
  const { profile } = await loadProfile(`${root}${set.profile}`);
  const retrievers: ProfileRetriever[] = [
    new BaselineRetriever(profile.chunks),
    new EmbeddedProfileRetriever(profile.chunks),
  ];

  const url = process.env.UPSTASH_VECTOR_REST_URL;
  const token = process.env.UPSTASH_VECTOR_REST_TOKEN;
  if (url && token) {
    const namespace = process.env.TWIN_EVAL_NAMESPACE ?? 'twinbot-eval';
    const synced = await syncProfile(profile, { url, token, namespace });
    process.stderr.write(
      `Synced the sample into Upstash namespace "${namespace}" (added ${synced.added}, updated ${synced.updated}).\n`,
    );
    retrievers.push(new UpstashProfileRetriever({ url, token, namespace, allowedChunks: profile.chunks }));
  } else {
    process.stderr.write('Upstash: not measured (set UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN).\n');
  }

  const rows: Row[] = [];
  for (const r of retrievers) rows.push(await evaluate(r, set));
  process.stdout.write(table(rows, set));
  if (process.argv.includes('--misses')) {
    for (const row of rows) process.stdout.write(`\nMisses of ${row.name}:\n${row.misses.join('\n') || '  none'}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
