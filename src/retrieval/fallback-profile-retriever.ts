/**
 * Upstash in front, the embedded index behind: when the primary fails or is too slow, that request is answered
 * from the fallback, so a vector-store outage never costs an answer. One warning per outage (not per request),
 * one info line when the primary answers again. While an outage lasts, the primary is tried again at most every
 * `retryAfterMs`, so people do not each wait out its timeout.
 */
import { isTwinError, TwinError } from '../core/errors.js';
import { type Clock, type Logger, type ProfileRetriever, type RetrieveOptions, systemClock } from '../core/ports.js';
import type { RetrievedChunk } from '../core/types.js';

export interface FallbackRetrieverOptions {
  /** Longest wait for the primary, in ms, on top of its own timeout. Default 5000. */
  timeoutMs?: number;
  /** During an outage, how long to answer from the fallback before trying the primary again. Default 15000. */
  retryAfterMs?: number;
  clock?: Clock;
}

interface Outage {
  since: number;
  /** Requests started after this sequence number may report recovery. */
  afterSeq: number;
  lastTry: number;
  served: number;
  error: TwinError;
}

export class FallbackProfileRetriever implements ProfileRetriever {
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly clock: Clock;
  private outage: Outage | undefined;
  private seq = 0;

  constructor(
    private readonly primary: ProfileRetriever,
    private readonly fallback: ProfileRetriever,
    private readonly logger: Logger,
    options: FallbackRetrieverOptions = {},
  ) {
    this.name = `${primary.name}+${fallback.name}`;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retryAfterMs = options.retryAfterMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Whether the primary is currently considered down. */
  get degraded(): boolean {
    return this.outage !== undefined;
  }

  async retrieve(question: string, options: RetrieveOptions): Promise<RetrievedChunk[]> {
    const seq = ++this.seq;
    const outage = this.outage;
    if (outage && this.clock.now() - outage.lastTry < this.retryAfterMs) {
      outage.served++;
      return this.fallback.retrieve(question, options);
    }
    if (outage) outage.lastTry = this.clock.now();
    try {
      const result = await this.withTimeout(question, options);
      this.recovered(seq);
      return result;
    } catch (err) {
      if (options.signal?.aborted) throw err;
      this.failed(seq, err);
      return this.fallback.retrieve(question, options);
    }
  }

  private async withTimeout(question: string, options: RetrieveOptions): Promise<RetrievedChunk[]> {
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TwinError('retrieval', `${this.primary.name} retrieval took longer than ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([this.primary.retrieve(question, { ...options, signal }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(seq: number, err: unknown): void {
    const error = isTwinError(err) ? err : new TwinError('retrieval', String(err), { cause: err });
    const now = this.clock.now();
    if (this.outage) {
      this.outage.served++;
      this.outage.error = error;
      return;
    }
    this.outage = { since: now, afterSeq: seq, lastTry: now, served: 1, error };
    this.logger.warn(
      {
        event: 'retrieval_fallback',
        primary: this.primary.name,
        fallback: this.fallback.name,
        code: error.code,
        error: error.message,
      },
      `${this.primary.name} retrieval failed; answering from the ${this.fallback.name} index until it recovers`,
    );
  }

  private recovered(seq: number): void {
    const outage = this.outage;
    // why: a request that began before the outage and finished late says nothing about recovery.
    if (!outage || seq <= outage.afterSeq) return;
    this.outage = undefined;
    this.logger.info(
      {
        event: 'retrieval_recovered',
        primary: this.primary.name,
        downMs: this.clock.now() - outage.since,
        servedByFallback: outage.served,
      },
      `${this.primary.name} retrieval recovered`,
    );
  }
}
