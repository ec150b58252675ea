import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageSummary } from '../../src/core/types.js';
import { collectRecords } from '../../src/usage/usage-export.js';
import { STORE_ENGINES } from '../support/store-engines.js';
import { referenceSummary } from './reference-summary.js';
import { DAY, makeRecord, randomLedger, T0 } from './usage-fixtures.js';

/** Everything a roll-up must keep exactly: all but the four percentiles. */
function totals(s: UsageSummary): Omit<UsageSummary, 'p50LatencyMs' | 'p95LatencyMs' | 'p50QueueMs' | 'p95QueueMs'> {
  const { p50LatencyMs: _a, p95LatencyMs: _b, p50QueueMs: _c, p95QueueMs: _d, ...rest } = s;
  return rest;
}

const within = (actual: number, exact: number, share: number) =>
  assert.ok(Math.abs(actual - exact) <= Math.max(1, exact * share), `${actual} not within ${share} of ${exact}`);

for (const engine of STORE_ENGINES) {
  describe(`Usage store.rollUp (${engine.name})`, { skip: engine.skip }, () => {
    const ledger = randomLedger(1500, T0, 60 * DAY, 11);
    const queries = [undefined, 'discord:1', 'discord:10', 'slack:T1', 'console:local'].flatMap((tenantId) =>
      [
        { from: T0, to: T0 + 60 * DAY, bucketMs: DAY },
        { from: T0 + 10 * DAY, to: T0 + 40 * DAY, bucketMs: DAY },
        { from: T0 + 30 * DAY, to: T0 + 37 * DAY, bucketMs: DAY },
        { from: T0 + 35 * DAY, to: T0 + 60 * DAY, bucketMs: 7 * DAY },
      ].map((q) => (tenantId === undefined ? q : { ...q, tenantId })),
    );

    it('keeps every total, byModel, top lists and daily series; percentiles stay within a bucket', async () => {
      const store = await engine.open();
      try {
        for (const r of ledger) await store.record(r);
        const before = await Promise.all(queries.map((q) => store.summarize(q)));
        for (const [i, q] of queries.entries()) assert.deepEqual(before[i], referenceSummary(ledger, q));

        // A cutoff mid-day rolls up whole UTC days only: everything before T0 + 35 days.
        const cutoff = T0 + 35 * DAY + 5 * 3_600_000;
        const rolled = await store.rollUp(cutoff);
        assert.equal(rolled, ledger.filter((r) => r.at < T0 + 35 * DAY).length);
        const raw = await collectRecords(store.exportRecords({ from: 0, to: T0 + 61 * DAY }));
        assert.equal(raw.length, ledger.length - rolled);
        assert.ok(raw.every((r) => r.at >= T0 + 35 * DAY));

        for (const [i, q] of queries.entries()) {
          const after = await store.summarize(q);
          const exact = before[i] as UsageSummary;
          assert.deepEqual(totals(after), totals(exact), JSON.stringify(q));
          within(after.p50LatencyMs, exact.p50LatencyMs, 0.023);
          within(after.p95LatencyMs, exact.p95LatencyMs, 0.023);
          within(after.p50QueueMs, exact.p50QueueMs, 0.023);
          within(after.p95QueueMs, exact.p95QueueMs, 0.023);
        }
        assert.equal(await store.rollUp(cutoff), 0);
      } finally {
        await store.close();
      }
    });

    it('merges a late record into a day already rolled up, keeping the latest name', async () => {
      const store = await engine.open();
      try {
        await store.record(makeRecord({ at: T0 + 100, userId: 'u1', userName: 'First' }));
        await store.record(makeRecord({ at: T0 + 300, userId: 'u1', userName: 'Third' }));
        assert.equal(await store.rollUp(T0 + 2 * DAY), 2);
        // A record from the same day arrives late (a retried write), older than the latest name.
        await store.record(makeRecord({ at: T0 + 200, userId: 'u1', userName: 'Second' }));
        assert.equal(await store.rollUp(T0 + 2 * DAY), 1);
        const s = await store.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY });
        assert.equal(s.requests, 3);
        assert.equal(s.totalTokens, 450);
        assert.deepEqual(s.topUsers, [{ key: 'u1', label: 'Third', count: 3 }]);
        assert.deepEqual(s.series, [{ start: T0, requests: 3, tokens: 450 }]);
      } finally {
        await store.close();
      }
    });
  });
}
