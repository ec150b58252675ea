/**
 * The dashboard's grouped reads (issue 20): requests per tenant, and what a tenant spent for its quota, read from
 * the daily aggregates, agree with a scan of the raw rows, on both engines, for windows with ragged edges, whole
 * days, the current day still being written, rows left open or interrupted, and days rolled up by retention.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TenantUsage } from '../../src/core/types.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import type { SqlClient } from '../../src/usage/sql-client.js';
import type { SqlUsageStore } from '../../src/usage/sql-usage-store.js';
import { byBusiest } from '../../src/usage/usage-by-tenant.js';
import { STORE_ENGINES } from '../support/store-engines.js';
import { crashThenCompleteHalf, DAY, HOUR, makeRecord, randomLedger, seeded, T0 } from './usage-fixtures.js';

const TENANTS = ['discord:1', 'discord:10', 'slack:T1', 'console:local', 'nobody:here'];
/** "Now": halfway through the twelfth day, which holds rows like any other. */
const NOW = T0 + 11 * DAY + 12 * HOUR;

interface Window {
  from: number;
  to: number;
  tenantId?: string;
}

/** Windows ending now (7 and 30 days, as the dashboard asks), ragged ones, one inside a day, one tenant or all. */
function windows(seed: number): Window[] {
  const rnd = seeded(seed);
  const out: Window[] = [
    { from: NOW - 7 * DAY, to: NOW },
    { from: NOW - 30 * DAY, to: NOW },
    { from: T0 + 11 * DAY, to: NOW },
    { from: T0 + 3 * DAY + 2 * HOUR, to: T0 + 3 * DAY + 9 * HOUR },
    { from: NOW - 30 * DAY, to: NOW, tenantId: 'discord:1' },
  ];
  for (let i = 0; i < 12; i++) {
    const from = T0 - DAY + Math.floor(rnd() * 12 * DAY);
    const to = Math.min(NOW, from + Math.floor(rnd() * 8 * DAY) + HOUR);
    const tenantId = rnd() < 0.4 ? TENANTS[Math.floor(rnd() * TENANTS.length)] : undefined;
    out.push({ from, to, ...(tenantId ? { tenantId } : {}) });
  }
  return out;
}

/** The row scan: each tenant's summary read from every raw row (summarizeRowScan), as the table would list it. */
async function scannedByTenant(store: SqlUsageStore, w: Window): Promise<TenantUsage[]> {
  const out: TenantUsage[] = [];
  for (const tenantId of w.tenantId ? [w.tenantId] : TENANTS) {
    const s = await store.summarizeRowScan({ tenantId, from: w.from, to: w.to, bucketMs: DAY });
    if (s.requests === 0) continue;
    out.push({
      tenantId,
      requests: s.requests,
      answered: s.answered,
      failed: s.failed,
      refused: s.refused,
      tokens: s.totalTokens,
      costUsd: s.costUsd,
    });
  }
  return out.sort(byBusiest);
}

/** What the quota query read before the aggregates: every spending raw row since `from`, and rolled-up days. */
async function scannedSpend(raw: SqlClient, tenantId: string, from: number) {
  const rs = await raw.execute({
    sql: `SELECT SUM(requests) AS requests, SUM(total_tokens) AS tokens, CAST(SUM(cost_pico) AS TEXT) AS cost FROM (
      SELECT 1 AS requests, total_tokens, cost_pico FROM usage_records
        WHERE tenant_id = :tenant AND at >= :from AND outcome <> 'refused'
      UNION ALL
      SELECT requests, total_tokens, cost_pico FROM usage_daily
        WHERE tenant_id = :tenant AND day >= :from AND outcome <> 'refused') AS spent`,
    args: { tenant: tenantId, from },
  });
  const row = rs.rows[0];
  return {
    requests: Number(row?.['requests'] ?? 0),
    tokens: Number(row?.['tokens'] ?? 0),
    costUsd: Number(BigInt((row?.['cost'] as string | null) ?? 0)) / 1e12,
  };
}

async function assertAgree(store: SqlUsageStore, raw: SqlClient, seed: number): Promise<number> {
  let compared = 0;
  for (const w of windows(seed)) {
    const grouped = await store.usageByTenant({ ...w, limit: 50 });
    assert.deepEqual(grouped, await scannedByTenant(store, w), JSON.stringify(w));
    assert.deepEqual(
      await store.usageByTenant({ ...w, limit: 2 }),
      grouped.slice(0, 2),
      `limit 2: ${JSON.stringify(w)}`,
    );
    compared += grouped.length;
    // The dashboard's summary leaves out what it does not show; the rest is the full summary's.
    const q = { ...w, bucketMs: DAY };
    const full = await store.summarize(q);
    const lean = await store.summarize(q, { leaveOut: ['queue', 'users', 'channels'] });
    assert.deepEqual(lean, { ...full, p50QueueMs: 0, p95QueueMs: 0, topUsers: [], topChannels: [] }, JSON.stringify(w));
  }
  for (const tenantId of TENANTS) {
    // The quota periods (today, this month) and a ragged start.
    for (const from of [T0 + 11 * DAY, T0, T0 - 5 * DAY, T0 + 2 * DAY + 7 * HOUR]) {
      assert.deepEqual(
        await store.usedSince(tenantId, from),
        await scannedSpend(raw, tenantId, from),
        `${tenantId} ${from}`,
      );
    }
  }
  return compared;
}

for (const engine of STORE_ENGINES) {
  describe(`usage by tenant and quota spend: the same as the row scan (${engine.name})`, { skip: engine.skip }, () => {
    it('agrees before and after a roll-up, with today, open, interrupted and completed-late rows', async () => {
      const url = await engine.url();
      const store = await openUsageStore({ url, clock: { now: () => NOW } });
      const raw = engine.raw(url);
      try {
        const ledger = randomLedger(900, T0, NOW - T0, 23);
        const rnd = seeded(9);
        const interrupted: string[] = [];
        for (const r of ledger) {
          const roll = rnd();
          if (r.outcome !== 'refused' && roll < 0.3) {
            const { outcome: _o, errorCode: _e, mode: _m, ...open } = r;
            await store.open({ ...open, completionTokens: 0, totalTokens: r.promptTokens });
            // why: left open, it spends quota but is no request yet; the last hour's ones stay open (not abandoned).
            if (roll < 0.1) continue;
            if (roll < 0.2) interrupted.push(r.id);
            else await store.record(r);
          } else {
            await store.record(r);
          }
        }
        // Today's rows, written now, in the day the aggregates are still being kept for.
        for (let i = 0; i < 5; i++) {
          await store.record(makeRecord({ tenantId: 'slack:T1', platform: 'slack', at: NOW - (i + 1) * 60_000 }));
        }
        await crashThenCompleteHalf(raw, store, ledger, interrupted);
        const open = await raw.execute("SELECT COUNT(*) AS n FROM usage_records WHERE outcome = 'open'");
        assert.ok(Number(open.rows[0]?.['n']) > 0, 'some rows are still open');
        assert.ok((await assertAgree(store, raw, 3)) > 40, 'the windows held tenants to compare');

        await store.rollUp(T0 + 4 * DAY + 5 * HOUR);
        const rolled = await raw.execute('SELECT COUNT(*) AS n FROM usage_daily');
        assert.ok(Number(rolled.rows[0]?.['n']) > 0, 'days were rolled up');
        await assertAgree(store, raw, 4);
      } finally {
        await raw.close();
        await store.close();
      }
    });
  });
}
