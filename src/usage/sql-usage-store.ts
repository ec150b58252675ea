/**
 * The usage ledger on a SQL database, the same on both engines (sql-client.ts): one row per request, kept across
 * restarts; versioned migrations; writes that never lose a record; summaries, export, retention roll-up,
 * forgetting a tenant, per-tenant quota overrides, and the adapters' key-value state. `LibsqlUsageStore` and
 * `PostgresUsageStore` open it on their engine; `openUsageStore` picks one from DATABASE_URL.
 */
import { TwinError } from '../core/errors.js';
import type { ArmStats } from '../core/experiments/readout.js';
import type { Clock, FeedbackQuery, FeedbackStore, Logger, UsageQuery, UsageStore } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import type { FeedbackEntry, FeedbackSummary, TenantUsage, UsageRecord, UsageSummary } from '../core/types.js';
import { type ArmStatsQuery, readArmStats } from './arm-stats.js';
import { CoalescedWrites } from './coalesced-writes.js';
import { interruptAbandoned, PROCESS_OWNER } from './interrupt-abandoned.js';
import { picoToUsd, toPicoUsd } from './pico-usd.js';
import { QuotaTable, spendsQuota } from './quota-table.js';
import type { QuotaSetter, QuotaUsage, TenantQuota, TenantQuotaEntry } from './quota-types.js';
import { RetryingRecordWriter, type RetryOptions } from './retrying-record-writer.js';
import { AGGREGATE_TABLES, rollUpLedger } from './roll-up-ledger.js';
import type { SqlClient, SqlStatement } from './sql-client.js';
import { type FeedbackRow, SqlFeedbackStore } from './sql-feedback-store.js';
import { SqlKeyValueStore } from './sql-key-value-store.js';
import { type SummaryOptions, summarizeLedger } from './summarize-ledger.js';
import { summarizeLedgerRows } from './summarize-ledger-rows.js';
import { TenantLocks } from './tenant-locks.js';
import { readUsageByTenant, type TenantUsageQuery } from './usage-by-tenant.js';
import { type LedgerRow, readRecordPage, upsertRecordStatement } from './usage-rows.js';

/** What every ledger takes, whatever its engine. */
export interface UsageStoreOptions {
  logger?: Logger;
  clock?: Clock;
  /** Entries in topFailures, topUsers and topChannels. Default 5. */
  topLimit?: number;
  /** Backoff of the retry buffer for failed writes. */
  retry?: RetryOptions;
  /**
   * Age past which a row still open is abandoned whoever opened it (set it past the longest a request can run);
   * rows opened by a dead process on this host are marked at once. Default 1 hour.
   */
  abandonedAfterMs?: number;
}

/** The window of an export: [from, to), one tenant or all. */
export interface ExportQuery {
  tenantId?: string;
  from: number;
  to: number;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

const EXPORT_PAGE = 500;

export function storageError(err: unknown, what: string): TwinError {
  if (err instanceof TwinError) return err;
  return new TwinError('storage', `Usage database: ${what} failed`, { cause: err });
}

/** What an engine adds to the common store: upkeep after a roll-up and at close, and a lock across processes. */
export interface EngineHooks {
  /** After a roll-up and before closing (SQLite folds its write-ahead log back). */
  compact?(): Promise<void>;
  /** Runs `work` while no other process runs work under the same key (PostgreSQL's advisory locks). */
  exclusive?<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export class SqlUsageStore implements UsageStore, FeedbackStore {
  readonly #client: SqlClient;
  readonly #hooks: EngineHooks;
  readonly #locks = new TenantLocks();
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #topLimit: number;
  readonly #writer: RetryingRecordWriter;
  readonly #quotas: QuotaTable;
  readonly #abandonedAfterMs: number;
  /** Durable adapter state in the same database (Slack installations, answered event ids). */
  readonly keyValues: SqlKeyValueStore;
  readonly #feedback: SqlFeedbackStore;
  #closing = false;
  #closed: Promise<void> | undefined;

  /** Migration versions this `open` applied (empty when the database was already current). */
  readonly appliedMigrations: readonly number[];

  protected constructor(client: SqlClient, options: UsageStoreOptions, applied: number[], hooks: EngineHooks = {}) {
    this.#client = client;
    this.#hooks = hooks;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#topLimit = options.topLimit ?? 5;
    this.appliedMigrations = applied;
    this.#abandonedAfterMs = options.abandonedAfterMs ?? 3_600_000;
    this.#quotas = new QuotaTable(client, this.#clock);
    // why SQLite only: there each statement runs synchronously on the event loop and each commit was a large share
    // of the bot's CPU under load (coalesced-writes.ts); PostgreSQL works off the loop and keeps its own path.
    const coalesced = client.dialect === 'sqlite' ? new CoalescedWrites(client) : undefined;
    const write = (statement: SqlStatement) => (coalesced ? coalesced.write(statement) : client.execute(statement));
    this.keyValues = new SqlKeyValueStore(client, this.#clock, { write });
    this.#feedback = new SqlFeedbackStore(client);
    this.#writer = new RetryingRecordWriter(
      async (r) => {
        await write(upsertRecordStatement(r, PROCESS_OWNER));
      },
      this.#logger,
      options.retry,
    );
  }

  /** Which engine holds the ledger: 'sqlite' (embedded or libsql server) or 'postgres'. */
  get dialect(): SqlClient['dialect'] {
    return this.#client.dialect;
  }

  /** The engine and its version, e.g. "PostgreSQL 15.14" or "SQLite 3.45.1" (for `twinbot doctor`). */
  async engineVersion(): Promise<string> {
    const pg = this.#client.dialect === 'postgres';
    const rs = await this.#guard(
      'reading the version',
      this.#client.execute(pg ? 'SHOW server_version' : 'SELECT sqlite_version() AS v'),
    );
    const row = rs.rows[0] ?? {};
    return `${pg ? 'PostgreSQL' : 'SQLite'} ${String(row[pg ? 'server_version' : 'v'] ?? '?').split(' ')[0]}`;
  }

  /** The schema versions recorded in the database, oldest first. */
  async schemaVersions(): Promise<number[]> {
    const rs = await this.#guard(
      'reading the schema version',
      this.#client.execute('SELECT version FROM schema_migrations ORDER BY version'),
    );
    return rs.rows.map((r) => Number(r['version']));
  }

  /**
   * Adds one request to the ledger, or completes the row `open` wrote for it; idempotent by `id`. Resolves once
   * the row is written, or kept in memory for a retry when the database fails (logged; written later or on
   * `close()`). Throws only after `close()`.
   */
  record(record: UsageRecord): Promise<void> {
    return this.#write(record);
  }

  /**
   * Writes (or updates) the row of an admitted request still being answered, so a crash cannot lose what it
   * spent: the row counts for quotas at once, and is marked 'interrupted' if this process dies before `record`.
   */
  open(record: Omit<UsageRecord, 'outcome' | 'errorCode' | 'mode'>): Promise<void> {
    return this.#write({ ...record, outcome: 'open' });
  }

  async #write(row: LedgerRow): Promise<void> {
    if (this.#closing) {
      this.#logger.error({ event: 'usage.record_lost', record: row }, 'usage record arrived after the store closed');
      throw new TwinError('storage', 'The usage store is closed');
    }
    await this.#writer.write(row);
  }

  /**
   * Marks rows left open by a dead process 'interrupted' (see interrupt-abandoned.ts); returns how many. Runs on
   * open and before every summary, so reports see interrupted requests without waiting for a timer.
   */
  async interruptAbandoned(): Promise<number> {
    const marked = await this.#guard(
      'marking interrupted requests',
      interruptAbandoned(this.#client, {
        owner: PROCESS_OWNER,
        now: this.#clock.now(),
        abandonedAfterMs: this.#abandonedAfterMs,
      }),
    );
    if (marked > 0) {
      this.#logger.warn(
        { event: 'usage.interrupted', rows: marked },
        'requests left open by a stopped process marked interrupted',
      );
    }
    return marked;
  }

  /** Records kept in memory after a failed write, waiting for a retry. */
  get pendingWrites(): number {
    return this.#writer.pendingCount;
  }

  /** Records given up since start because the retry buffer was full (each logged in full at error level). */
  get droppedWrites(): number {
    return this.#writer.droppedCount;
  }

  /** Retries kept records now; returns how many are still kept. */
  flush(): Promise<number> {
    return this.#writer.flush();
  }

  /**
   * The summary of [from, to) for one tenant (exact id match) or all. Latency and queue figures cover answered
   * and failed requests; percentiles are nearest-rank (exact over raw rows, histogram-based within ~2.2% once
   * rolled-up days are in the window, or past 10 000 timed requests); whole UTC days come from daily aggregates
   * kept as rows are written, partial days at the window's edges from the rows; successRate is 1 when nothing was answered or failed; series buckets
   * start at multiples of bucketMs since the epoch (UTC-aligned for hours and days) and include empty ones.
   */
  async summarize(query: UsageQuery, options?: SummaryOptions): Promise<UsageSummary> {
    await this.#catchUp();
    try {
      return await summarizeLedger(this.#client, query, this.#topLimit, options);
    } catch (err) {
      throw storageError(err, 'summary');
    }
  }

  /**
   * The same summary read the old way, scanning every raw row of the window instead of the daily aggregates:
   * the reference the aggregates are checked against (tests) and measured against (`npm run bench -- ledger`).
   */
  async summarizeRowScan(query: UsageQuery): Promise<UsageSummary> {
    await this.#catchUp();
    try {
      return await summarizeLedgerRows(this.#client, query, this.#topLimit);
    } catch (err) {
      throw storageError(err, 'summary');
    }
  }

  /**
   * Requests, outcomes, tokens and cost per tenant over [from, to), busiest first, read like `summarize` (daily
   * aggregates for whole days, raw rows for the partial ones, rolled-up days too), so one tenant's row agrees with
   * its summary.
   */
  async usageByTenant(query: TenantUsageQuery): Promise<TenantUsage[]> {
    await this.#catchUp();
    return this.#guard('usage by tenant', readUsageByTenant(this.#client, query));
  }

  /** Per arm of one experiment over [from, to), for `twinbot experiment report` (see arm-stats.ts). */
  async armStats(query: ArmStatsQuery): Promise<ArmStats[]> {
    await this.#catchUp();
    return this.#guard('experiment readout', readArmStats(this.#client, query));
  }

  /** The raw records of [from, to), oldest first, read a page at a time (rolled-up days have no records). */
  async *exportRecords(query: ExportQuery): AsyncIterable<UsageRecord> {
    await this.#catchUp();
    let after: UsageRecord | undefined;
    for (;;) {
      const page = await this.#guard('export', readRecordPage(this.#client, query, after, EXPORT_PAGE));
      yield* page;
      after = page.at(-1);
      if (after === undefined || page.length < EXPORT_PAGE) return;
    }
  }

  /**
   * Retention: rolls every whole UTC day before `olderThan` into daily aggregates in one transaction and
   * returns the number of raw rows rolled up. Summaries keep their totals; see `summarize` for percentiles.
   */
  async rollUp(olderThan: number): Promise<number> {
    await this.#catchUp();
    try {
      const rows = await rollUpLedger(this.#client, olderThan);
      if (rows > 0) {
        this.#logger.info({ event: 'usage.rolled_up', rows, olderThan }, 'usage rows rolled up');
        await this.#compact();
      }
      return rows;
    } catch (err) {
      throw storageError(err, 'roll-up');
    }
  }

  /**
   * Removes every record, daily aggregate and 👍/👎 (with its reason) of one tenant (exact id), including records
   * still waiting for a retry. Returns the number of rows removed (raw records, daily aggregate rows and votes).
   * Quotas stay.
   */
  async forget(tenantId: string): Promise<number> {
    await this.#writer.settle();
    const kept = this.#writer.discardTenant(tenantId);
    try {
      const args = { tenant: tenantId };
      const results = await this.#client.batch([
        // why: first the live aggregates, so the delete triggers find nothing to subtract row by row.
        ...AGGREGATE_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE tenant_id = :tenant`, args })),
        { sql: 'DELETE FROM usage_records WHERE tenant_id = :tenant', args },
        { sql: 'DELETE FROM usage_daily WHERE tenant_id = :tenant', args },
        { sql: 'DELETE FROM usage_daily_hist WHERE tenant_id = :tenant', args },
        { sql: 'DELETE FROM answer_feedback WHERE tenant_id = :tenant', args },
      ]);
      const [records, daily, , votes] = results.slice(AGGREGATE_TABLES.length);
      const removed = (records?.rowsAffected ?? 0) + (daily?.rowsAffected ?? 0) + (votes?.rowsAffected ?? 0);
      this.#logger.info({ event: 'usage.forgotten', tenant: tenantId, removed, kept }, 'tenant usage forgotten');
      return removed;
    } catch (err) {
      throw storageError(err, 'forget');
    }
  }

  /**
   * The tenant of a request, from its ledger row (or its record still waiting for a retry); undefined when there is
   * no such request, e.g. it was rolled up into daily aggregates.
   */
  async requestTenant(requestId: string): Promise<string | undefined> {
    await this.#writer.settle();
    const pending = this.#writer.pendingRecords().find((r) => r.id === requestId);
    if (pending) return pending.tenantId;
    return this.#guard('reading a request', this.#feedback.requestTenant(requestId));
  }

  /** Stores (or changes) one person's vote on one answer. */
  saveFeedback(entry: FeedbackEntry): Promise<void> {
    return this.#guard('saving feedback', this.#feedback.saveFeedback(entry));
  }

  /** Votes given in [from, to) for one tenant (exact id) or all, and the newest 👎 reasons. */
  summarizeFeedback(query: FeedbackQuery): Promise<FeedbackSummary> {
    return this.#guard('feedback summary', this.#feedback.summarizeFeedback(query));
  }

  /** Every vote given in [from, to), oldest first (the export's feedback section). */
  exportFeedback(query: ExportQuery): Promise<FeedbackRow[]> {
    return this.#guard('feedback export', this.#feedback.exportFeedback(query));
  }

  /** Stores (replaces) a tenant's quota override by `setBy`. Limits must be >= 0; counts must be whole numbers. */
  setQuota(tenantId: string, quota: TenantQuota, setBy: QuotaSetter = 'operator'): Promise<void> {
    return this.#guard('setting a quota', this.#quotas.set(tenantId, quota, setBy));
  }

  /** A tenant's quota override by `setBy`, or undefined when it has none. */
  getQuota(tenantId: string, setBy: QuotaSetter = 'operator'): Promise<TenantQuota | undefined> {
    return this.#guard('reading a quota', this.#quotas.get(tenantId, setBy));
  }

  /** Removes a tenant's quota override by `setBy`; true when there was one. */
  clearQuota(tenantId: string, setBy: QuotaSetter = 'operator'): Promise<boolean> {
    return this.#guard('clearing a quota', this.#quotas.clear(tenantId, setBy));
  }

  /** Every stored quota override by `setBy`, by tenant id. */
  listQuotas(setBy: QuotaSetter = 'operator'): Promise<TenantQuotaEntry[]> {
    return this.#guard('listing quotas', this.#quotas.list(setBy));
  }

  /**
   * What a tenant spent from `from` (epoch ms, inclusive) on: answered and failed requests, their total tokens
   * and cost; refusals spend nothing. Counts records still waiting for a retry too. Rolled-up days count when
   * their UTC midnight is at or after `from` (quota periods start at midnight, so nothing is split).
   */
  async usedSince(tenantId: string, from: number): Promise<QuotaUsage> {
    await this.#writer.settle();
    const used = await this.#guard('quota usage', this.#quotas.spentSince(tenantId, from));
    const pending = this.#writer
      .pendingRecords()
      .filter((r) => r.tenantId === tenantId && r.at >= from && spendsQuota(r.outcome));
    // why: a row written at admission whose completion waits for a retry is in both places; count it once.
    const landed =
      pending.length === 0
        ? new Map()
        : await this.#guard('quota usage', this.#quotas.spentByIds(pending.map((r) => r.id)));
    for (const r of pending) {
      const old = landed.get(r.id);
      used.requests += old ? 0 : 1;
      used.tokens += r.totalTokens - (old?.tokens ?? 0);
      used.pico += toPicoUsd(r.costUsd) - (old?.pico ?? 0n);
    }
    return { requests: used.requests, tokens: used.tokens, costUsd: picoToUsd(used.pico) };
  }

  /**
   * Runs `work` (a quota check and, when it passes, the write of the admitted request's row) while no other
   * admission of the same tenant runs, in this process or, on PostgreSQL, in any replica. So a tenant at 99 of 100
   * requests cannot be admitted twice by two replicas reading 99 at once.
   */
  admitting<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const exclusive = this.#hooks.exclusive;
    const across = exclusive ? () => exclusive(`twinbot quota ${tenantId}`, work) : work;
    return this.#locks.run(tenantId, across);
  }

  /**
   * Stops taking records, waits for writes in flight, flushes kept records (a few attempts with backoff), then
   * closes the database. Rejects with a `storage` TwinError if some records could not be written (each is
   * logged in full at error level). Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    const lost = await this.#writer.drain();
    await this.#compact();
    await this.#client.close();
    if (lost.length > 0) {
      throw new TwinError('storage', `${lost.length} usage record(s) could not be written; they are in the log`);
    }
  }

  /** The engine's upkeep (see EngineHooks.compact); best effort, a failure is only logged. */
  async #compact(): Promise<void> {
    try {
      await this.#hooks.compact?.();
    } catch (err) {
      this.#logger.debug({ event: 'usage.checkpoint_failed', err }, 'usage database checkpoint skipped');
    }
  }

  /** Awaits a database call, turning its failure into a `storage` TwinError. */
  async #guard<T>(what: string, call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (err) {
      throw storageError(err, what);
    }
  }

  /** Makes reads include every record already handed to `record()`, and requests a dead process left open. */
  async #catchUp(): Promise<void> {
    await this.#writer.settle();
    if (this.#writer.pendingCount > 0) await this.#writer.flush();
    await this.interruptAbandoned();
  }
}
