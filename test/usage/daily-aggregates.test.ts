import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageQuery } from '../../src/core/ports.js';
import { histogramBucket, mergeHistograms, percentileFromHistogram } from '../../src/usage/latency-histogram.js';
import { MIGRATIONS, runMigrations } from '../../src/usage/migrations.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import type { SqlUsageStore } from '../../src/usage/sql-usage-store.js';
import { upsertRecordStatement } from '../../src/usage/usage-rows.js';
import { LIBSQL_ENGINE, STORE_ENGINES } from '../support/store-engines.js';
import { crashThenCompleteHalf, DAY, HOUR, randomLedger, seeded, sinkLogger, T0, tempDir } from './usage-fixtures.js';

const TENANTS = [undefined, 'discord:1', 'discord:10', 'slack:T1', 'console:local', 'discord:2'];

/** Random windows: ragged edges, whole days, daily and weekly series, one tenant or all. */
function randomQueries(seed: number, count: number, spanDays: number): UsageQuery[] {
  const rnd = seeded(seed);
  const out: UsageQuery[] = [];
  for (let i = 0; i < count; i++) {
    const from = T0 - DAY + Math.floor(rnd() * spanDays * DAY);
    const ragged = rnd() < 0.7;
    const start = ragged ? from : Math.floor(from / DAY) * DAY;
    const days = 1 + Math.floor(rnd() * spanDays);
    const to = start + days * DAY + (ragged ? Math.floor(rnd() * DAY) : 0);
    const tenantId = TENANTS[Math.floor(rnd() * TENANTS.length)];
    out.push({ from: start, to, bucketMs: rnd() < 0.8 ? DAY : 7 * DAY, ...(tenantId ? { tenantId } : {}) });
  }
  return out;
}

async function assertSameAsRowScan(store: SqlUsageStore, queries: UsageQuery[]): Promise<void> {
  for (const q of queries) {
    assert.deepEqual(await store.summarize(q), await store.summarizeRowScan(q), JSON.stringify(q));
  }
}

for (const engine of STORE_ENGINES) {
  describe(`daily aggregates: the same summaries as the row scan (${engine.name})`, { skip: engine.skip }, () => {
    it('on random data through the whole row lifecycle (open, completed, interrupted, completed late)', async () => {
      const tmp = await tempDir();
      const url = await engine.url();
      const store = await openUsageStore({ url });
      const raw = engine.raw(url);
      try {
        const ledger = randomLedger(900, T0, 12 * DAY, 11);
        const rnd = seeded(5);
        const interrupted: string[] = [];
        for (const r of ledger) {
          const roll = rnd();
          if (r.outcome !== 'refused' && roll < 0.3) {
            const { outcome: _o, errorCode: _e, mode: _m, ...open } = r;
            await store.open({ ...open, completionTokens: 0, totalTokens: r.promptTokens });
            if (roll < 0.1) continue; // left open: never counted
            if (roll < 0.2) interrupted.push(r.id);
            else await store.record(r);
          } else {
            await store.record(r);
          }
        }
        // A crash: rows opened and never completed become 'interrupted' (half of them completed after all).
        await crashThenCompleteHalf(raw, store, ledger, interrupted);
        await assertSameAsRowScan(store, randomQueries(3, 60, 12));

        // Retention and forgetting keep them equal too.
        await store.rollUp(T0 + 4 * DAY + 5 * HOUR);
        await store.forget('discord:10');
        await assertSameAsRowScan(store, randomQueries(4, 40, 12));
        const left = await raw.execute("SELECT COUNT(*) AS n FROM usage_agg WHERE tenant_id = 'discord:10'");
        assert.equal(Number(left.rows[0]?.['n']), 0);
      } finally {
        await raw.close();
        await store.close();
        await tmp.dispose();
      }
    });

    it('gives histogram percentiles past the exact limit, as the buckets of the rows say', async () => {
      const store = await engine.open();
      try {
        const ledger = randomLedger(500, T0, 6 * DAY, 21);
        for (const r of ledger) await store.record(r);
        const q = { tenantId: 'slack:T1', from: T0 + 7 * HOUR, to: T0 + 5 * DAY + 3 * HOUR, bucketMs: DAY };
        const timed = ledger.filter(
          (r) => r.tenantId === q.tenantId && r.at >= q.from && r.at < q.to && r.outcome !== 'refused',
        );
        const hist = (values: number[]) =>
          mergeHistograms(values.map((v) => ({ bucket: histogramBucket(v), count: 1 })));
        const latency = hist(timed.map((r) => r.latencyMs));
        const queue = hist(timed.map((r) => r.queueMs));
        const s = await store.summarize(q, { exactPercentilesUpTo: 0 });
        assert.equal(s.p50LatencyMs, percentileFromHistogram(latency, 50));
        assert.equal(s.p95LatencyMs, percentileFromHistogram(latency, 95));
        assert.equal(s.p50QueueMs, percentileFromHistogram(queue, 50));
        assert.equal(s.p95QueueMs, percentileFromHistogram(queue, 95));
        const exact = await store.summarizeRowScan(q);
        assert.deepEqual(
          { ...s, p50LatencyMs: 0, p95LatencyMs: 0, p50QueueMs: 0, p95QueueMs: 0 },
          {
            ...exact,
            p50LatencyMs: 0,
            p95LatencyMs: 0,
            p50QueueMs: 0,
            p95QueueMs: 0,
          },
        );
      } finally {
        await store.close();
      }
    });
  });
}

// why: PostgreSQL ledgers start with migration 8 in place, so only the embedded one ever backfills.
describe('daily aggregates: backfill', () => {
  const engine = LIBSQL_ENGINE;
  it('are backfilled from the rows already there when the migration runs', async () => {
    const tmp = await tempDir();
    const url = await engine.url();
    const old = engine.raw(url);
    try {
      await runMigrations(old, {
        clock: { now: () => T0 },
        logger: sinkLogger(),
        // why: the rows below are written by today's writer, which needs migration 10's columns; migration 10 only
        // adds columns, so taking it early leaves the database as migration 8 found it in every other respect.
        migrations: MIGRATIONS.filter((m) => m.version <= 7 || m.version === 10),
      });
      const owner = { id: 'old', host: 'elsewhere', pid: 1 };
      const ledger = randomLedger(400, T0, 8 * DAY, 31);
      await old.batch(ledger.map((r) => upsertRecordStatement(r, owner)));
      const first = ledger[0];
      assert.ok(first);
      await old.execute(upsertRecordStatement({ ...first, id: 'still-open', outcome: 'open' }, owner));
    } finally {
      old.close();
    }
    const store = await openUsageStore({ url });
    try {
      assert.ok(store.appliedMigrations.includes(8));
      await assertSameAsRowScan(store, randomQueries(8, 40, 8));
    } finally {
      await store.close();
      await tmp.dispose();
    }
  });
});
