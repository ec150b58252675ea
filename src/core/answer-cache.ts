/**
 * Remembers answers to the same question about the same profile version in the same arm, so a question asked ten
 * times in a busy channel spends the Groq budget once. Entries live in the KeyValueStore (the ledger's database
 * today, a shared store across replicas), so they survive restarts and every replica reuses them until the TTL
 * (TWIN_CACHE_TTL_S) passes; a small in-memory front spares the store a read for the hottest questions.
 *
 * What is cached, and for whom: only answers to a question on its own. Follow-ups (with conversation history) are
 * never cached, because their answer depends on that tenant's own conversation. A plain answer is shared across
 * tenants: it depends only on the profile, the question and the arm (model, temperature, prompt style), never on
 * who asked or where, so one tenant's answer is exactly what another would get.
 */
import { createHash } from 'node:crypto';
import type { Clock, KeyValueStore, Logger } from './ports.js';
import type { Answer } from './types.js';

/** The KeyValueStore namespace of cached answers. */
export const ANSWER_CACHE_NAMESPACE = 'answer-cache';

/** A cached answer and what making it spent, so a hit can say how many tokens it saved. */
export interface CachedAnswer {
  answer: Answer;
  /** Prompt + completion tokens the original answer spent at the model. */
  tokens: number;
}

export interface AnswerCacheOptions {
  clock: Clock;
  /** How long an entry is reused (TWIN_CACHE_TTL_S); 0 turns the cache off. */
  ttlMs: number;
  /** Where entries are kept across restarts and replicas; absent: this process's memory only. */
  store?: KeyValueStore;
  logger?: Logger;
  /** Entries kept in the in-memory front (the least recently used go first). Default 500. */
  maxMemoryEntries?: number;
}

/** What decides an answer besides the profile version and the question: the model setting or the arm. */
export interface CacheKeyParts {
  profileVersion: string;
  /**
   * Everything else the answer depends on, e.g. `groq:openai/gpt-oss-20b@0.7` or `offline`, and the arm (name, model,
   * temperature, style). Keys differ whenever it does, so a changed setting never reuses an old answer.
   */
  variant: string;
  question: string;
}

interface Stored {
  answer: Answer;
  tokens: number;
  expiresAt: number;
}

/** Lower case, punctuation and repeated spaces gone: "Where did you study?" and "where did you study" are one. */
export function normaliseQuestion(question: string): string {
  return question
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export class AnswerCache {
  private readonly memory = new Map<string, Stored>();
  private readonly maxMemory: number;

  constructor(private readonly options: AnswerCacheOptions) {
    this.maxMemory = options.maxMemoryEntries ?? 500;
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /**
   * `<profile version>:<digest of variant and normalised question>`. why a digest: a question may be long, and the
   * key goes into a database primary key or a Redis key; the version stays readable so old versions can be swept.
   */
  static key(parts: CacheKeyParts): string {
    const digest = createHash('sha256')
      .update(`${parts.variant}\u0000${normaliseQuestion(parts.question)}`)
      .digest('base64url');
    return `${parts.profileVersion}:${digest}`;
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    if (!this.enabled) return undefined;
    const now = this.options.clock.now();
    let entry = this.memory.get(key);
    if (entry && entry.expiresAt <= now) {
      this.memory.delete(key);
      entry = undefined;
    }
    if (!entry && this.options.store) entry = await this.fromStore(key, now);
    if (!entry) return undefined;
    // why: re-inserting makes it the newest in the Map's order, which is the eviction order; an entry read from the
    // store joins the front under the same bound as one written here.
    this.remember(key, entry);
    return { answer: entry.answer, tokens: entry.tokens };
  }

  async set(key: string, cached: CachedAnswer): Promise<void> {
    if (!this.enabled) return;
    const { notice: _notice, usage: _usage, ...answer } = cached.answer;
    const entry: Stored = { answer, tokens: cached.tokens, expiresAt: this.options.clock.now() + this.options.ttlMs };
    this.remember(key, entry);
    try {
      await this.options.store?.set(ANSWER_CACHE_NAMESPACE, key, JSON.stringify(entry), this.options.ttlMs);
    } catch (err) {
      // why: a cache that cannot be written costs a future model call, never this answer; the log says so.
      this.options.logger?.warn({ event: 'twin.cache_write_failed', err }, 'answer not cached in the shared store');
    }
  }

  private async fromStore(key: string, now: number): Promise<Stored | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.options.store?.get(ANSWER_CACHE_NAMESPACE, key);
    } catch (err) {
      // why: the store being down must not stop answers; the question goes to the model, and the log says why.
      this.options.logger?.warn({ event: 'twin.cache_read_failed', err }, 'answer cache unreadable; asking the model');
      return undefined;
    }
    if (raw === undefined) return undefined;
    try {
      const entry = JSON.parse(raw) as Stored;
      if (typeof entry.answer?.text !== 'string' || !(entry.expiresAt > now)) return undefined;
      return entry;
    } catch (err) {
      this.options.logger?.warn({ event: 'twin.cache_entry_unreadable', err }, 'cached answer unreadable; ignored');
      return undefined;
    }
  }

  private remember(key: string, entry: Stored): void {
    this.memory.delete(key);
    this.memory.set(key, entry);
    while (this.memory.size > this.maxMemory) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
    }
  }
}
