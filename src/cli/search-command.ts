/**
 * `twinbot search "question"`: what the twin would retrieve for a question, with scores, for tuning a profile.
 * Retrievers that can explain themselves (a `search` method) also show the candidates below the minimum score.
 */
import type { ProfileRetriever } from '../core/ports.js';
import type { Chunk, MatchReason } from '../core/types.js';
import { describeReason } from '../retrieval/guided-profile-retriever.js';

/** One candidate as a retriever's `search` reports it. */
export interface SearchHitLike {
  chunk: Chunk;
  score: number;
  /** False for candidates below the minimum score (the twin would not use them). */
  accepted?: boolean;
  /** The question's words the chunk matched (embedded index). */
  matched?: string[];
  /** Why it was picked: question type, named thing, words (the guided retriever). */
  reasons?: MatchReason[];
}

/** A retriever, optionally with a `search` that returns candidates below its minimum score too. */
export type SearchableRetriever = ProfileRetriever & {
  search?(question: string, topK: number): SearchHitLike[] | Promise<SearchHitLike[]>;
};

export interface SearchOptions {
  retriever: SearchableRetriever;
  question: string;
  topK: number;
  json: boolean;
  out: NodeJS.WritableStream;
}

const SNIPPET_CHARS = 110;

/** Prints the ranking (or JSON) and returns the hits. */
export async function runSearch(opts: SearchOptions): Promise<SearchHitLike[]> {
  const { retriever, question, out } = opts;
  const topK = Math.max(1, Math.floor(opts.topK));
  const hits: SearchHitLike[] = retriever.search
    ? await retriever.search(question, topK)
    : (await retriever.retrieve(question, { topK })).map((r) => ({ ...r, accepted: true }));

  if (opts.json) {
    const results = hits.map((h, i) => ({
      rank: i + 1,
      id: h.chunk.id,
      title: h.chunk.title,
      score: h.score,
      accepted: h.accepted !== false,
      ...(h.matched ? { matched: h.matched } : {}),
      ...(h.reasons ? { why: h.reasons.map(describeReason) } : {}),
      text: h.chunk.text,
    }));
    out.write(`${JSON.stringify({ question, retriever: retriever.name, topK, results }, null, 2)}\n`);
    return hits;
  }

  out.write(`Retriever: ${retriever.name}. Question: ${oneLine(question)}\n`);
  if (hits.length === 0) {
    out.write('Nothing in the profile matches this question: the twin would say its profile does not cover it.\n');
    return hits;
  }
  if (!hits.some((h) => h.accepted !== false)) {
    out.write(
      'No chunk reaches the minimum score: offline the twin would say its profile does not cover it; with a model, ' +
        'the model judges these candidates (a question not addressed to the twin is declined without asking it).\n',
    );
  }
  const idWidth = Math.max(...hits.map((h) => h.chunk.id.length));
  for (const [i, h] of hits.entries()) {
    const mark = h.accepted === false ? '  (below the minimum score)' : '';
    const matched =
      h.reasons && h.reasons.length > 0
        ? `  [${h.reasons.map(describeReason).join('; ')}]`
        : h.matched && h.matched.length > 0
          ? `  [matched: ${h.matched.join(', ')}]`
          : '';
    out.write(
      `${String(i + 1).padStart(2)}. ${h.score.toFixed(3)}  ${h.chunk.id.padEnd(idWidth)}  ${oneLine(h.chunk.title)}${mark}${matched}\n`,
    );
    out.write(`    ${snippet(h.chunk.text)}\n`);
  }
  return hits;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The start of a text, cut at a word boundary. */
export function snippet(text: string, max = SNIPPET_CHARS): string {
  const flat = oneLine(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
