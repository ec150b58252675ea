/**
 * The usage ledger on an embedded SQL database (@libsql/client: a local file, :memory:, or a libsql server).
 * One row per request, kept across restarts; versioned migrations; writes that never lose a record; summaries,
 * export, retention roll-up, forgetting a tenant, and per-tenant quota overrides.
 */
import { type Client, createClient } from '@libsql/client';
import { TwinError } from '../core/errors.js';
import type { Clock, FeedbackQuery, FeedbackStore, Logger, UsageQuery, UsageStore } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import { scrubSecrets, stripUserInfo, userInfoSecrets } from '../core/scrub-secrets.js';
import type { FeedbackEntry, FeedbackSummary, UsageRecord, UsageSummary } from '../core/types.js';
import { ensureDatabaseDirectory, localDatabasePath, restrictDatabaseFile } from './database-url.js';
import { interruptAbandoned, PROCESS_OWNER } from './interrupt-abandoned.js';
import { type FeedbackRow, LibsqlFeedbackStore } from './libsql-feedback-store.js';
import { LibsqlKeyValueStore } from './libsql-key-value-store.js';
import { runMigrations } from './migrations.js';
import { picoToUsd, toPicoUsd } from './pico-usd.js';
import { QuotaTable, spendsQuota } from './quota-table.js';
import type { QuotaSetter, QuotaUsage, TenantQuota, TenantQuotaEntry } from './quota-types.js';
import { RetryingRecordWriter, type RetryOptions } from './retrying-record-writer.js';
import { AGGREGATE_TABLES, rollUpLedger } from './roll-up-ledger.js';
import { type SummaryOptions, summarizeLedger } from './summarize-ledger.js';
import { summarizeLedgerRows } from './summarize-ledger-rows.js';
import { type LedgerRow, readRecordPage, upsertRecordStatement } from './usage-rows.js';

export interface LibsqlUsageStoreOptions {
  /** `file:/abs/path/twin.db`, `file:relative.db`, `:memory:`, or a libsql/http URL. */
  url: string;
  /** For remote libsql servers only. */
  authToken?: string;
  logger?: Logger;
  clock?: Clock;
  /** Entries in topFailures, topUsers and topChannels. Default 5. */
  topLimit?: number;
  /** Backoff of the retry buffer for failed writes. */
  retry?: RetryOptions;
  /** How long a write waits for another process's lock on a local file before failing. Default 5 000 ms. */
  busyTimeoutMs?: number;
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

const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

const EXPORT_PAGE = 500;

/** Strips anything after `?` (libsql URLs may carry an authToken) and the user info before a URL goes into a message. */
const describeUrl = (url: string) => stripUserInfo(url.split('?')[0] ?? '');

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

function cannotOpen(url: string, err: unknown, authToken?: string): TwinError {
  if (err instanceof TwinError) return err;
  // why: libsql's own error text quotes the whole URL, password included ("...includes credentials: https://u:p@...").
  const why = scrubSecrets(reason(err), [...userInfoSecrets(url), authToken]);
  return new TwinError('storage', `Cannot open the usage database at ${describeUrl(url)}: ${why}`, { cause: err });
}

function storageError(err: unknown, what: string): TwinError {
  if (err instanceof TwinError) return err;
  return new TwinError('storage', `Usage database: ${what} failed`, { cause: err });
}

export class LibsqlUsageStore implements UsageStore, FeedbackStore {
  readonly #client: Client;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #topLimit: number;
  readonly #writer: RetryingRecordWriter;
  readonly #quotas: QuotaTable;
  readonly #localFile: boolean;
  readonly #abandonedAfterMs: number;
  /** Durable adapter state in the same database (Slack installations, answered event ids). */
  readonly keyValues: LibsqlKeyValueStore;
  readonly #feedback: LibsqlFeedbackStore;
  #closing = false;
  #closed: Promise<void> | undefined;

  /** Migration versions this `open` applied (empty when the database was already current). */
  readonly appliedMigrations: readonly number[];

  private constructor(client: Client, options: LibsqlUsageStoreOptions, applied: number[]) {
    this.#client = client;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#topLimit = options.topLimit ?? 5;
    this.appliedMigrations = applied;
    this.#localFile = localDatabasePath(options.url) !== undefined;
    this.#abandonedAfterMs = options.abandonedAfterMs ?? 3_600_000;
    this.#quotas = new QuotaTable(client, this.#clock);
    this.keyValues = new LibsqlKeyValueStore(client, this.#clock);
    this.#feedback = new LibsqlFeedbackStore(client);
    this.#writer = new RetryingRecordWriter(
      async (r) => {
        await this.#client.execute(upsertRecordStatement(r, PROCESS_OWNER));
      },
      this.#logger,
      options.retry,
    );
  }

  /** Opens (and on first use creates) the ledger: makes the folder of a file database, then migrates. */
  static async open(options: LibsqlUsageStoreOptions): Promise<LibsqlUsageStore> {
    const logger = options.logger ?? silentLogger;
    let client: Client;
    try {
      await ensureDatabaseDirectory(options.url);
      await restrictDatabaseFile(options.url);
      client = createClient({
        url: options.url,
        ...(options.authToken ? { authToken: options.authToken } : {}),
        timeout: options.busyTimeoutMs ?? 5_000,
      });
    } catch (err) {
      throw cannotOpen(options.url, err, options.authToken);
    }
    try {
      // why: WAL lets `twinbot usage` read while the bot writes, and keeps a crash from corrupting the file.
      if (localDatabasePath(options.url) !== undefined) {
        await client.execute('PRAGMA journal_mode = WAL');
        // why: the local client runs each statement synchronously on the event loop, and with the default FULL
        // every commit waited for an fsync there (3-5 ms per write, several writes per request). In WAL mode NORMAL
        // still survives a crash of the process; only a power loss may drop the last commits (never corruption).
        // The client reuses its one connection (we open no interactive transactions), so the pragma stays set.
        await client.execute('PRAGMA synchronous = NORMAL');
      }
      const applied = await runMigrations(client, { clock: options.clock ?? systemClock, logger });
      const store = new LibsqlUsageStore(client, options, applied);
      await store.interruptAbandoned();
      return store;
    } catch (err) {
      client.close();
      throw cannotOpen(options.url, err, options.authToken);
    }
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

  /** The raw records of [from, to), oldest first (rolled-up days are aggregates and have no records). */
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
        await this.#checkpoint();
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
      const results = await this.#client.batch(
        [
          // why: first the live aggregates, so the delete triggers find nothing to subtract row by row.
          ...AGGREGATE_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE tenant_id = :tenant`, args })),
          { sql: 'DELETE FROM usage_records WHERE tenant_id = :tenant', args },
          { sql: 'DELETE FROM usage_daily WHERE tenant_id = :tenant', args },
          { sql: 'DELETE FROM usage_daily_hist WHERE tenant_id = :tenant', args },
          { sql: 'DELETE FROM answer_feedback WHERE tenant_id = :tenant', args },
        ],
        'write',
      );
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
    await this.#checkpoint();
    this.#client.close();
    if (lost.length > 0) {
      throw new TwinError('storage', `${lost.length} usage record(s) could not be written; they are in the log`);
    }
  }

  /**
   * Folds the write-ahead log back into the database file and truncates it. Why: the log grows to the size of
   * the largest transaction (a roll-up) and libsql's close does not shrink it. Best effort: a reader in another
   * process may hold it, which is harmless.
   */
  async #checkpoint(): Promise<void> {
    if (!this.#localFile) return;
    try {
      await this.#client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
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
