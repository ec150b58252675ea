/**
 * The dashboard's benchmark (issue 20): a file ledger of 10 000, 100 000 and (when filling it is quick enough)
 * 1 000 000 rows over 45 days and 40 tenants, each with a default quota, then GET /dashboard and
 * /dashboard/data.json for the last 7 and 30 days, median and p95 over a few requests, served by this checkout
 * ("after") and by the code at a baseline commit ("before", extracted with git archive, code-versions.ts) from the
 * same database in the same run. `npm run bench -- dashboard [sizes...] [--baseline=<ref>]`.
 */

import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { DashboardDoor } from '../src/adapters/http/dashboard-door.js';
import { dashboardLedger } from '../src/cli/operator-view.js';
import type { Clock, Logger } from '../src/core/ports.js';
import { TenantQuotaGuard } from '../src/core/tenant-quota-guard.js';
import type { TenantQuota, UsageRecord } from '../src/core/types.js';
import { LibsqlSqlClient } from '../src/usage/libsql-sql-client.js';
import { LibsqlUsageStore } from '../src/usage/libsql-usage-store.js';
import { MIGRATIONS, runMigrations } from '../src/usage/migrations.js';
import { csvHeader, toCsvRow } from '../src/usage/usage-export.js';
import { baselineVersion, type CodeVersion } from './eval/code-versions.js';
import { fillLedger } from './ledger-fill.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const DAY = 86_400_000;
const SIZES = [10_000, 100_000, 1_000_000];
/** The commit before the dashboard read from the aggregates: its by-tenant table scanned the range's records. */
const BASELINE_REF = '7c6cd78';
const TOKEN = 'bench-dashboard-token';
const TENANTS = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `discord:${1000 + i}` : `slack:T${1000 + i}`));
const MODELS = ['openai/gpt-oss-20b', 'openai/gpt-oss-120b', 'llama-3.1-8b-instant'];
const FAILURES = ['timeout', 'llm_unavailable', 'busy'];
/** Every tenant is held to this, so the page's quota table has a row per tenant (a day and a month period). */
const QUOTA: TenantQuota = { requestsPerDay: 5_000, usdPerMonth: 50 };
/** Requests timed per page and range, after one to warm up; fewer for the baseline past 100 000 rows. */
const RUNS = 7;
const SLOW_RUNS = 3;
/** The largest ledger is filled only when the smaller fills say it takes less than this. */
const FILL_BUDGET_S = 120;

function makeRecord(rnd: () => number, i: number, at: number): UsageRecord {
  const roll = rnd();
  const outcome = roll < 0.85 ? 'answered' : roll < 0.95 ? 'failed' : 'refused';
  const prompt = outcome === 'refused' ? 0 : 400 + Math.floor(rnd() * 1600);
  const completion = outcome === 'answered' ? Math.floor(rnd() * 500) : 0;
  // why: a few busy tenants and a long tail, as real installs look.
  const tenantId = TENANTS[Math.floor(rnd() * rnd() * TENANTS.length)] as string;
  const user = Math.floor(rnd() * 200);
  return {
    id: `d-${i}`,
    at,
    platform: tenantId.startsWith('slack') ? 'slack' : 'discord',
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
    ...(outcome === 'failed'
      ? { errorCode: FAILURES[Math.floor(rnd() * FAILURES.length)] }
      : outcome === 'refused'
        ? { errorCode: 'over_quota' }
        : {}),
    costUsd: prompt * 7.5e-8 + completion * 3e-7,
  } as UsageRecord;
}

interface Served {
  url: string;
  close(): Promise<void>;
}

function serve(door: { handle(req: never, res: never): boolean }): Promise<Served> {
  const server: Server = createServer((req, res) => {
    if (!door.handle(req as never, res as never)) res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** This checkout's dashboard, wired as the bot wires it (operator-view.ts). */
async function currentDashboard(url: string, clock: Clock): Promise<Served & { store: LibsqlUsageStore }> {
  const store = await LibsqlUsageStore.open({ url, clock });
  const guard = new TenantQuotaGuard(store, QUOTA, clock);
  const door = new DashboardDoor({
    token: TOKEN,
    clock,
    logger: silent,
    csv: { header: csvHeader, row: (r) => toCsvRow(r, { guardFormulas: true }) },
    ledger: dashboardLedger(store, guard, clock),
  });
  const served = await serve(door);
  return {
    ...served,
    store,
    close: async () => {
      await served.close();
      await store.close();
    },
  };
}

/** The baseline's dashboard from its own modules, wired as its operator-view.ts did. */
async function baselineDashboard(version: CodeVersion, url: string, clock: Clock): Promise<Served> {
  const load = (path: string) => import(join(version.root, path));
  const { LibsqlUsageStore: Store } = await load('src/usage/libsql-usage-store.ts');
  const { TenantQuotaGuard: Guard } = await load('src/core/tenant-quota-guard.ts');
  const { quotaUse } = await load('src/core/quota-use.ts');
  const { DashboardDoor: Door } = await load('src/adapters/http/dashboard-door.ts');
  const exportCsv = await load('src/usage/usage-export.ts');
  const store = await Store.open({ url, clock });
  const guard = new Guard(store, QUOTA, clock);
  const door = new Door({
    token: TOKEN,
    clock,
    logger: silent,
    csv: { header: exportCsv.csvHeader, row: (r: UsageRecord) => exportCsv.toCsvRow(r, { guardFormulas: true }) },
    ledger: {
      summarize: (q: unknown) => store.summarize(q),
      exportRecords: (q: unknown) => store.exportRecords(q),
      quotaUse: (tenantId: string) => quotaUse(guard, store, tenantId, clock.now()),
    },
  });
  const served = await serve(door);
  return {
    ...served,
    close: async () => {
      await served.close();
      await store.close();
    },
  };
}

interface Timing {
  median: number;
  p95: number;
}

/** One request to warm up, then `runs` timed ones, each read to its last byte. */
async function timePage(base: string, path: string, runs: number): Promise<Timing> {
  const get = async () => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    await res.arrayBuffer();
  };
  await get();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await get();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const rank = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] as number;
  return { median: rank(50), p95: rank(95) };
}

interface SizeResult {
  rows: number;
  fillS: number;
  lines: string[];
}

async function measure(n: number, baseline: CodeVersion | undefined): Promise<SizeResult> {
  const path = join(tmpdir(), `twinbot-dashboard-bench-${process.pid}-${n}.db`);
  const url = `file:${path}`;
  const now = Date.now();
  const clock: Clock = { now: () => now };
  const lines: string[] = [];
  try {
    // why: as ledger-bench.ts: rows go into schema 7, and opening the store builds the aggregates (migration 8).
    const old = new LibsqlSqlClient(createClient({ url }));
    await runMigrations(old, {
      clock,
      logger: silent,
      migrations: MIGRATIONS.filter((m) => m.version <= 7 || m.version === 10),
    });
    await old.close();
    const f0 = performance.now();
    await fillLedger(new LibsqlSqlClient(createClient({ url })), n, now, makeRecord);
    const after = await currentDashboard(url, clock);
    const fillS = (performance.now() - f0) / 1000;
    const before = baseline && (await baselineDashboard(baseline, url, clock));
    try {
      const today = new Date(now).toISOString().slice(0, 10);
      for (const days of [7, 30]) {
        const from = new Date(Date.parse(today) - (days - 1) * DAY).toISOString().slice(0, 10);
        const range = `from=${from}&to=${today}`;
        const inRange = (
          await after.store.summarize({ from: Date.parse(from), to: Date.parse(today) + DAY, bucketMs: DAY })
        ).requests;
        for (const page of [
          { label: 'GET /dashboard', path: `/dashboard?${range}` },
          { label: 'GET /dashboard/data.json', path: `/dashboard/data.json?${range}` },
        ]) {
          const a = await timePage(after.url, page.path, RUNS);
          const b = before ? await timePage(before.url, page.path, n > 100_000 ? SLOW_RUNS : RUNS) : undefined;
          lines.push(
            `| ${n.toLocaleString('en')} | ${days} days | ${inRange.toLocaleString('en')} | ${page.label} | ` +
              `${b ? `${ms(b.median)} / ${ms(b.p95)} ms` : '—'} | ${ms(a.median)} / ${ms(a.p95)} ms | ` +
              `${b ? `${(b.median / a.median).toFixed(1)}x` : '—'} |`,
          );
        }
      }
      return { rows: n, fillS, lines };
    } finally {
      await before?.close();
      await after.close();
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
  }
}

const ms = (t: number) => (t < 10 ? t.toFixed(1) : t.toFixed(0));

export async function runDashboardBench(args: string[]): Promise<string> {
  const ref = args.find((a) => a.startsWith('--baseline='))?.slice(11) ?? BASELINE_REF;
  const asked = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const sizes = asked.length > 0 ? asked : SIZES;
  // why: the page's script, styles and uPlot are read from web/ when the door starts.
  const baseline = baselineVersion(ref, ['src', 'web', 'package.json']);
  const lines = [
    '## Dashboard: page time against ledger size',
    '',
    `A file ledger (libsql) over 45 days, ${TENANTS.length} tenants with a default quota (requests per day, dollars ` +
      `per month), 3 models; each page read ${RUNS} times after one warm-up (${SLOW_RUNS} for the baseline past ` +
      `100 000 rows), to its last byte, over HTTP on 127.0.0.1. Before: the code at ${ref} ` +
      `${typeof baseline === 'string' ? `(not available: ${baseline})` : '(git archive, same database, same run)'}; ` +
      'after: this checkout. Times are median / p95.',
    '',
    '| ledger rows | range | requests in range | page | before | after | speed-up |',
    '|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  let lastFill: { rows: number; s: number } | undefined;
  try {
    for (const n of sizes) {
      // why: a million-row fill on a shared machine can take minutes; the trend from the smaller sizes decides.
      const estimateS = lastFill ? (lastFill.s * n) / lastFill.rows : 0;
      if (asked.length === 0 && estimateS > FILL_BUDGET_S) {
        notes.push(
          `${n.toLocaleString('en')} rows skipped: filling it would take about ${estimateS.toFixed(0)} s ` +
            `(over ${FILL_BUDGET_S} s); run \`npm run bench -- dashboard ${n}\` to measure it anyway.`,
        );
        continue;
      }
      const result = await measure(n, typeof baseline === 'string' ? undefined : baseline);
      lines.push(...result.lines);
      lastFill = { rows: n, s: result.fillS };
      notes.push(`${n.toLocaleString('en')} rows filled and aggregated in ${result.fillS.toFixed(1)} s.`);
      process.stderr.write(`dashboard bench: ${n} rows done\n`);
    }
  } finally {
    if (typeof baseline !== 'string') baseline.dispose();
  }
  return [...lines, '', ...notes.map((n) => `- ${n}`)].join('\n');
}
