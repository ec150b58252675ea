/**
 * Retrieval from Upstash Vector: the question goes as raw text to `query-data` in the profile's namespace and
 * Upstash embeds it with the index's model. Scores are Upstash's 0..1 similarity ((1 + cosine) / 2 for a cosine
 * index), so unrelated text still scores near 0.5 and the minimum score sits well above that.
 */
import { TwinError } from '../core/errors.js';
import type { ProfileRetriever, RetrieveOptions } from '../core/ports.js';
import type { Chunk, RetrievedChunk } from '../core/types.js';
import { DEFAULT_ID_PREFIX, fromChunkVector } from './chunk-vector.js';
import {
  callUpstash,
  checkNamespace,
  expectShape,
  openNamespace,
  type UpstashConnectionOptions,
} from './upstash-connection.js';

/**
 * Default minimum score. With Upstash's built-in embedding models a question and the passage that answers it
 * typically score above 0.8 and unrelated text 0.6-0.75; tune per index with `twinbot search`.
 */
export const DEFAULT_UPSTASH_MIN_SCORE = 0.75;
export const DEFAULT_UPSTASH_TIMEOUT_MS = 3000;
/** Upstash answers at most this many results per query. */
const MAX_TOP_K = 1000;

export interface UpstashRetrieverOptions extends UpstashConnectionOptions {
  /** Minimum Upstash score (0..1) for a chunk to be retrieved. Default 0.75. */
  minScore?: number;
  /** Longest wait for one query, in ms. Default 3000: past it the fallback answers. */
  timeoutMs?: number;
  /** Prefix of the vector ids sync wrote. Default "twin:". */
  idPrefix?: string;
  /**
   * The chunks of the loaded profile: only a result with one of their ids and the same content hash is returned.
   * why: an index ingested under other settings (salary shared, an older profile) must not serve what the profile
   * as loaded now leaves out. Required so no caller can forget it.
   */
  allowedChunks: readonly Pick<Chunk, 'id' | 'hash'>[];
}

export class UpstashProfileRetriever implements ProfileRetriever {
  readonly name = 'upstash';
  readonly minScore: number;
  private readonly options: UpstashRetrieverOptions;
  private readonly timeoutMs: number;
  private readonly idPrefix: string;
  private readonly allowed: ReadonlyMap<string, string>;

  constructor(options: UpstashRetrieverOptions) {
    checkNamespace(options.namespace);
    this.options = { ...options };
    this.minScore = options.minScore ?? DEFAULT_UPSTASH_MIN_SCORE;
    if (!(this.minScore >= 0 && this.minScore <= 1)) {
      throw new TwinError('config', `the Upstash minimum score must be between 0 and 1, got ${this.minScore}`);
    }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_UPSTASH_TIMEOUT_MS;
    this.idPrefix = options.idPrefix ?? DEFAULT_ID_PREFIX;
    this.allowed = new Map(options.allowedChunks.map((c) => [c.id, c.hash]));
  }

  async retrieve(question: string, options: RetrieveOptions): Promise<RetrievedChunk[]> {
    const hits = await this.search(question, options.topK, options.signal);
    return hits
      .filter((hit) => hit.accepted || options.includeWeak === true)
      .map(({ chunk, score, accepted }) => ({
        chunk,
        score,
        reasons: [{ kind: 'semantic' as const }],
        ...(!accepted && { weak: true }),
      }));
  }

  /** The best `topK` chunks with their scores, below the minimum score or not (for `twinbot search`). */
  async search(
    question: string,
    topK: number,
    signal?: AbortSignal,
  ): Promise<(RetrievedChunk & { accepted: boolean })[]> {
    if (question.trim().length === 0 || topK <= 0) return [];
    const action = `querying namespace "${this.options.namespace}"`;
    const ns = openNamespace(this.options, this.timeoutMs, signal);
    const raw = await callUpstash(this.options, action, this.timeoutMs, signal, () =>
      ns.query({ data: question, topK: Math.min(topK, MAX_TOP_K), includeMetadata: true, includeData: true }),
    );
    const results = expectShape<{ id: string | number; score: number; data?: string; metadata?: unknown }[]>(
      raw,
      Array.isArray,
      this.options.url,
      action,
    );
    const hits: (RetrievedChunk & { accepted: boolean })[] = [];
    for (const result of results) {
      // why: a namespace may hold vectors twinbot did not write; only ours have the metadata to rebuild a chunk.
      if (!String(result.id).startsWith(this.idPrefix)) continue;
      const chunk = fromChunkVector(result);
      if (!chunk || typeof result.score !== 'number') continue;
      if (this.allowed.get(chunk.id) !== chunk.hash) continue;
      hits.push({ chunk, score: result.score, accepted: result.score >= this.minScore });
    }
    return hits.sort((a, b) => b.score - a.score);
  }
}
