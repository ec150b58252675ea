/**
 * Writes usage records so that none is lost: a write that fails is kept in memory and retried with capped
 * exponential backoff, and `drain()` (called by the store's `close()`) waits for writes in flight and
 * flushes what is left.
 */
import { asTwinError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import type { LedgerRow } from './usage-rows.js';

export interface RetryOptions {
  /** First retry delay; doubles per failed round. Default 250 ms. */
  baseMs?: number;
  /** Longest delay between retries. Default 30 000 ms. */
  maxMs?: number;
  /** Flush rounds `drain()` tries before giving up. Default 5 (with backoff capped at 1 s between them). */
  drainAttempts?: number;
  /** Most records kept for a retry; past it the oldest is dropped (logged in full, counted). Default 10 000. */
  maxPending?: number;
}

export class RetryingRecordWriter {
  readonly #write: (record: LedgerRow) => Promise<void>;
  readonly #logger: Logger;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #drainAttempts: number;
  readonly #maxPending: number;
  #dropped = 0;
  // why: keyed by id so a record retried and recorded again is still written once (writes are idempotent).
  readonly #pending = new Map<string, LedgerRow>();
  readonly #inFlight = new Set<Promise<void>>();
  #failedRounds = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<number> | undefined;
  #stopped = false;

  constructor(write: (record: LedgerRow) => Promise<void>, logger: Logger, options: RetryOptions = {}) {
    this.#write = write;
    this.#logger = logger;
    this.#baseMs = options.baseMs ?? 250;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#drainAttempts = options.drainAttempts ?? 5;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  /** Records given up because the retry buffer was full, since start. */
  get droppedCount(): number {
    return this.#dropped;
  }

  /** Records waiting for a retry. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The records waiting for a retry (for quota counts, which must not miss them). */
  pendingRecords(): LedgerRow[] {
    return [...this.#pending.values()];
  }

  /** Writes now; on failure keeps the record for a retry. Resolves once the record is written or kept. */
  async write(record: LedgerRow): Promise<void> {
    const attempt = this.#attempt(record);
    this.#inFlight.add(attempt);
    try {
      await attempt;
    } finally {
      this.#inFlight.delete(attempt);
    }
  }

  async #attempt(record: LedgerRow): Promise<void> {
    try {
      await this.#write(record);
      this.#written(record);
    } catch (err) {
      this.#keep(record);
      this.#logger.warn(
        { event: 'usage.write_failed', id: record.id, pending: this.#pending.size, err: asTwinError(err, 'storage') },
        'usage record kept for a retry',
      );
      this.#schedule();
    }
  }

  /**
   * Keeps a record for a retry. why: a database that stays down must not grow memory without end; past the bound
   * the oldest record goes to the log in full (so it can still be accounted for) and is counted.
   */
  #keep(record: LedgerRow): void {
    // why: a late progress write of a request must not replace its final record waiting for a retry.
    if (record.outcome === 'open' && (this.#pending.get(record.id)?.outcome ?? 'open') !== 'open') return;
    this.#pending.delete(record.id);
    this.#pending.set(record.id, record);
    while (this.#pending.size > this.#maxPending) {
      const [id, oldest] = this.#pending.entries().next().value as [string, LedgerRow];
      this.#pending.delete(id);
      this.#dropped++;
      this.#logger.error(
        { event: 'usage.record_dropped', record: oldest, dropped: this.#dropped, maxPending: this.#maxPending },
        'usage retry buffer full: oldest record dropped',
      );
    }
  }

  /** A write landed: an older state of the same row waiting for a retry is now void (the upsert keeps the newest). */
  #written(record: LedgerRow): void {
    const kept = this.#pending.get(record.id);
    if (kept && (record.outcome !== 'open' || kept.outcome === 'open')) this.#pending.delete(record.id);
  }

  #schedule(): void {
    if (this.#stopped || this.#timer) return;
    const delay = Math.min(this.#maxMs, this.#baseMs * 2 ** this.#failedRounds);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delay);
    // why: a retry timer alone must not keep a CLI process alive; the bot's shutdown calls drain().
    this.#timer.unref();
  }

  /** Tries every kept record once now; returns how many are still kept. */
  flush(): Promise<number> {
    this.#flushing ??= this.#flushOnce().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flushOnce(): Promise<number> {
    if (this.#pending.size === 0) return 0;
    let written = 0;
    let lastError: unknown;
    for (const record of [...this.#pending.values()]) {
      try {
        await this.#write(record);
        if (this.#pending.get(record.id) === record) this.#pending.delete(record.id);
        written++;
      } catch (err) {
        lastError = err;
      }
    }
    if (this.#pending.size === 0) {
      this.#failedRounds = 0;
      this.#logger.info({ event: 'usage.flushed', written }, 'kept usage records written');
    } else {
      this.#failedRounds++;
      this.#logger.warn(
        { event: 'usage.retry_failed', written, pending: this.#pending.size, err: asTwinError(lastError, 'storage') },
        'usage records still waiting for the database',
      );
      this.#schedule();
    }
    return this.#pending.size;
  }

  /** Drops kept records of one tenant (its ledger is being forgotten). Returns how many. */
  discardTenant(tenantId: string): number {
    let dropped = 0;
    for (const [id, r] of this.#pending) {
      if (r.tenantId === tenantId) {
        this.#pending.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Waits for writes in flight (including ones that start meanwhile). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * For shutdown: waits for writes in flight, stops the timer, and flushes until nothing is kept or the
   * attempts run out. Returns the records that could not be written (each also logged at error level).
   */
  async drain(): Promise<LedgerRow[]> {
    await this.settle();
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (let i = 0; i < this.#drainAttempts && this.#pending.size > 0; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, this.#baseMs * 2 ** (i - 1))));
      await this.flush();
      await this.settle();
    }
    clearTimeout(this.#timer);
    const lost = [...this.#pending.values()];
    for (const record of lost) {
      // why: the full record goes to the log so an operator can still account for it.
      this.#logger.error({ event: 'usage.record_lost', record }, 'usage record could not be written');
    }
    return lost;
  }
}
