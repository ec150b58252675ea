/**
 * Issue 20.4's ledger benchmark: a file ledger of 10 000, 100 000 and 1 000 000 rows (45 days, 5 tenants, 200
 * users, 30 channels), then for each size: the 30-day report of one tenant read from the daily aggregates
 * ("after") and by the old row scan ("before"), the longest the event loop was held during each, and record()
 * per second with the aggregate triggers and without them. `npm run bench -- ledger 10000 100000` picks sizes.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import pg from 'pg';
import type { Logger } from '../src/core/ports.js';
import type { UsageRecord } from '../src/core/types.js';
import { PROCESS_OWNER } from '../src/usage/interrupt-abandoned.js';
import { LibsqlSqlClient } from '../src/usage/libsql-sql-client.js';
import { LibsqlUsageStore } from '../src/usage/libsql-usage-store.js';
import { MIGRATIONS, runMigrations } from '../src/usage/migrations.js';
import { PgSqlClient } from '../src/usage/pg-sql-client.js';
import { PostgresUsageStore } from '../src/usage/postgres-usage-store.js';
import type { SqlUsageStore } from '../src/usage/sql-usage-store.js';
import { debianBinaries, startCluster } from '../test/support/postgres-server.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { fillLedger } from './ledger-fill.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const DAY = 86_400_000;
const SIZES = [10_000, 100_000, 1_000_000];
const TENANTS = ['discord:100', 'discord:200', 'slack:T300', 'slack:T400', 'api:bench'];
const MODELS = ['openai/gpt-oss-20b', 'openai/gpt-oss-120b', 'llama-3.1-8b-instant'];
const RECORDS_TIMED = 2_000;
const REPORT_RUNS = 5;
/** Questions being answered while the reports run: their rows are open, as in a live bot. */
const IN_FLIGHT = 8;
/**
 * The baseline of the interrupted-row marking: its statement before the `+at` change (interrupt-abandoned.ts),
 * which SQLite ran through the index on `at`, walking every row older than the cut-off.
 */
const OLD_INTERRUPT_SQL =
  "UPDATE usage_records SET outcome = 'interrupted', error_code = 'interrupted' WHERE outcome = 'open' AND owner_id IS NOT ? AND at < ?";

export function makeRecord(rnd: () => number, i: number, at: number): UsageRecord {
  const roll = rnd();
  const outcome = roll < 0.85 ? 'answered' : roll < 0.95 ? 'failed' : 'refused';
  const prompt = outcome === 'refused' ? 0 : 400 + Math.floor(rnd() * 1600);
  const completion = outcome === 'answered' ? Math.floor(rnd() * 500) : 0;
  const tenantId = TENANTS[Math.floor(rnd() * TENANTS.length)] as string;
  const user = Math.floor(rnd() * 200);
  return {
    id: `b-${i}`,
    at,
    platform: tenantId.startsWith('slack') ? 'slack' : tenantId.startsWith('api') ? 'api' : 'discord',
    tenantId,
    channelId: `c${Math.floor(rnd() * 30)}`,
    userId: `u${user}`,
    userName: `User ${user}`,
    command: 'ask-twin',
    ...(outcome === 'refused' ? {} : { model: MODELS[Math.floor(rnd() * MODELS.length)] as string }),
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt + completion,
    latencyMs: outcome === 'refused' ? 0 : 300 + Math.floor(rnd() * rnd() * 8_000),
    queueMs: outcome === 'refused' ? 0 : Math.floor(rnd() * rnd() * 2_000),
    attempts: outcome === 'refused' ? 0 : 1 + Math.floor(rnd() * rnd() * 3),
    outcome,
    ...(outcome === 'failed' ? { errorCode: 'timeout' } : outcome === 'refused' ? { errorCode: 'over_quota' } : {}),
    costUsd: prompt * 7.5e-8 + completion * 3e-7,
  } as UsageRecord;
}

interface Timed {
  ms: number;
  blockedMs: number;
}

/**
 * Median time of a few runs, and the longest the event loop went without a turn during any of them (a setImmediate
 * ticker: the local libsql client runs statements synchronously, so a query holds the loop for its whole time).
 */
async function timeReport(run: () => Promise<unknown>, runs = REPORT_RUNS): Promise<Timed> {
  const times: number[] = [];
  let last = performance.now();
  let blockedMs = 0;
  let ticking = true;
  const tick = () => {
    const t = performance.now();
    blockedMs = Math.max(blockedMs, t - last);
    last = t;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  ticking = false;
  tick();
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, blockedMs };
}

async function recordsPerSecond(store: SqlUsageStore, now: number, seed: number): Promise<number> {
  const rnd = seededRandom(seed);
  const t0 = performance.now();
  for (let i = 0; i < RECORDS_TIMED; i++) {
    await store.record({ ...makeRecord(rnd, i, now - Math.floor(rnd() * DAY)), id: `new-${seed}-${i}` });
  }
  return RECORDS_TIMED / ((performance.now() - t0) / 1000);
}

interface SizeFigures {
  rows: number;
  fillS: number;
  migrateS: number;
  windowRows: number;
  after: Timed;
  before: Timed;
  markBefore: Timed;
  markAfter: Timed;
  recordAfter: number;
  recordBefore: number;
}

async function measure(n: number): Promise<SizeFigures> {
  const path = join(tmpdir(), `twinbot-ledger-bench-${process.pid}-${n}.db`);
  const url = `file:${path}`;
  const now = Date.now();
  try {
    // why: the rows go into a ledger of schema 7 (no aggregates yet), as an existing database would be; opening the
    // store then runs migration 8, whose backfill builds the aggregates (timed: what an upgrade costs).
    const old = new LibsqlSqlClient(createClient({ url }));
    await runMigrations(old, {
      clock: { now: () => now },
      logger: silent,
      // why: today's writer fills it, and needs migration 10's columns (added columns only, nothing else changes).
      migrations: MIGRATIONS.filter((m) => m.version <= 7 || m.version === 10),
    });
    await old.close();
    const f0 = performance.now();
    await fillLedger(new LibsqlSqlClient(createClient({ url })), n, now, makeRecord);
    const fillS = (performance.now() - f0) / 1000;
    const m0 = performance.now();
    const store = await LibsqlUsageStore.open({ url });
    const migrateS = (performance.now() - m0) / 1000;
    try {
      const query = { tenantId: 'slack:T300', from: now - 30 * DAY, to: now, bucketMs: DAY };
      const rnd = seededRandom(3);
      for (let i = 0; i < IN_FLIGHT; i++) {
        const { outcome, errorCode, mode, ...open } = { ...makeRecord(rnd, i, now), id: `in-flight-${i}` };
        await store.open(open);
      }
      const raw = createClient({ url });
      const markBefore = await timeReport(
        () => raw.execute({ sql: OLD_INTERRUPT_SQL, args: [PROCESS_OWNER.id, now - 3_600_000] }),
        n > 100_000 ? 1 : 3,
      );
      const markAfter = await timeReport(() => store.interruptAbandoned());
      const after = await timeReport(() => store.summarize(query));
      const before = await timeReport(() => store.summarizeRowScan(query));
      const windowRows = (await store.summarize(query)).requests;
      const recordAfter = await recordsPerSecond(store, now, 1);
      for (const t of ['usage_agg_insert', 'usage_agg_update_old', 'usage_agg_update_new', 'usage_agg_delete']) {
        await raw.execute(`DROP TRIGGER ${t}`);
      }
      raw.close();
      const recordBefore = await recordsPerSecond(store, now, 2);
      return { rows: n, fillS, migrateS, windowRows, after, before, markBefore, markAfter, recordAfter, recordBefore };
    } finally {
      await store.close();
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
  }
}

interface PostgresFigures {
  rows: number;
  fillS: number;
  windowRows: number;
  after: Timed;
  before: Timed;
  record: number;
}

/** The same ledger in PostgreSQL (a fresh schema per size): the reports and record() through the pool. */
async function measurePostgres(serverUrl: string, n: number): Promise<PostgresFigures> {
  const schema = `bench_${process.pid}_${n}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const now = Date.now();
  try {
    const store = await PostgresUsageStore.open({ url: url.toString(), statementTimeoutMs: 120_000 });
    try {
      const f0 = performance.now();
      await fillLedger(new PgSqlClient(new pg.Pool({ connectionString: url.toString(), max: 1 })), n, now, makeRecord);
      const fillS = (performance.now() - f0) / 1000;
      // why: autovacuum gathers statistics on a table that grew this much within a minute or so; a bulk fill then
      // an immediate report would time plans made without any, which a running deployment never sees.
      await admin.query(`ANALYZE ${schema}.usage_records, ${schema}.usage_agg, ${schema}.usage_agg_users`);
      const query = { tenantId: 'slack:T300', from: now - 30 * DAY, to: now, bucketMs: DAY };
      const after = await timeReport(() => store.summarize(query));
      const before = await timeReport(() => store.summarizeRowScan(query));
      const windowRows = (await store.summarize(query)).requests;
      const record = await recordsPerSecond(store, now, 1);
      return { rows: n, fillS, windowRows, after, before, record };
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

/** TWIN_TEST_DATABASE_URL, or a throwaway cluster from Debian's binaries, or none (the table says why). */
async function benchPostgres(): Promise<{ url: string; stop: () => void } | undefined> {
  const given = process.env.TWIN_TEST_DATABASE_URL;
  if (given) return { url: given, stop() {} };
  const bin = debianBinaries();
  return bin ? startCluster(bin) : undefined;
}

const ms = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));

export async function runLedgerBench(args: string[]): Promise<string> {
  const sizes = args.length > 0 ? args.map(Number).filter((n) => n > 0) : SIZES;
  const lines = [
    '### Ledger: 30-day report of one tenant, and record()',
    '',
    'A file ledger over 45 days, 5 tenants; the report is `summarize` of one tenant over the last 30 days with daily ' +
      `series (median of 5), with ${IN_FLIGHT} questions in flight (their rows open). "before" is the row scan, ` +
      '"after" the daily aggregates; "loop held" is the longest the event loop went without a turn during the ' +
      'reports. Each report first marks rows a dead process left open: "marking" times that step alone, by the ' +
      'statement before the `+at` change and now. record() per second is sequential, awaited, with the aggregate ' +
      'triggers ("after") and with them dropped ("before").',
    '',
    '| ledger rows | rows in the report | report before (row scan) | report after (aggregates) | speed-up | loop held before / after | marking before / after (loop held) | record()/s before / after | migration 8 (backfill) | target |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of sizes) {
    const f = await measure(n);
    const met = f.after.ms < 200 && f.after.blockedMs <= 50 ? 'met' : 'NOT met';
    lines.push(
      `| ${f.rows.toLocaleString('en')} | ${f.windowRows.toLocaleString('en')} | ${ms(f.before.ms)} ms | ` +
        `${ms(f.after.ms)} ms | ${(f.before.ms / f.after.ms).toFixed(0)}x | ${ms(f.before.blockedMs)} / ` +
        `${ms(f.after.blockedMs)} ms | ${ms(f.markBefore.ms)} / ${ms(f.markAfter.ms)} ms ` +
        `(${ms(f.markBefore.blockedMs)} / ${ms(f.markAfter.blockedMs)} ms) | ${f.recordBefore.toFixed(0)} / ${f.recordAfter.toFixed(0)} | ` +
        `${f.migrateS.toFixed(1)} s | ` +
        `< 200 ms, loop < 50 ms: ${met} |`,
    );
    process.stderr.write(`ledger bench: ${n} rows done (fill ${f.fillS.toFixed(1)} s)\n`);
  }
  lines.push(...(await postgresTable(sizes)));
  return lines.join('\n');
}

/** The PostgreSQL table: the same ledger and report, up to 100 000 rows unless sizes are given. */
async function postgresTable(sizes: number[]): Promise<string[]> {
  const lines = [
    '',
    '### Ledger in PostgreSQL: the same report, and record()',
    '',
    'The same rows in PostgreSQL on 127.0.0.1 (a pool, one connection per query; the daily aggregates kept by ' +
      'plpgsql triggers); record() per second sequential and awaited, triggers on, compared with the file ledger above.',
    '',
  ];
  const server = await benchPostgres();
  if (!server) return [...lines, 'Skipped: no TWIN_TEST_DATABASE_URL and no Debian postgresql binaries.'];
  try {
    lines.push(
      '| ledger rows | rows in the report | report before (row scan) | report after (aggregates) | speed-up | record()/s | target |',
      '|---|---|---|---|---|---|---|',
    );
    for (const n of sizes.filter((s) => s <= 100_000)) {
      const f = await measurePostgres(server.url, n);
      const met = f.after.ms < 200 ? 'met' : 'NOT met';
      lines.push(
        `| ${f.rows.toLocaleString('en')} | ${f.windowRows.toLocaleString('en')} | ${ms(f.before.ms)} ms | ` +
          `${ms(f.after.ms)} ms | ${(f.before.ms / f.after.ms).toFixed(0)}x | ${f.record.toFixed(0)} | ` +
          `report < 200 ms: ${met} |`,
      );
      process.stderr.write(`ledger bench (PostgreSQL): ${n} rows done (fill ${f.fillS.toFixed(1)} s)\n`);
    }
  } finally {
    server.stop();
  }
  return lines;
}
