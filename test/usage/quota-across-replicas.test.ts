/**
 * A tenant's daily limit holds when several replicas admit its requests at once: the quota check and the write of
 * the admitted row are one step per tenant, across processes on PostgreSQL (an advisory lock) and within a process
 * on both engines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TenantQuotaGuard } from '../../src/core/tenant-quota-guard.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import { PostgresUsageStore } from '../../src/usage/postgres-usage-store.js';
import type { SqlUsageStore } from '../../src/usage/sql-usage-store.js';
import { STORE_ENGINES } from '../support/store-engines.js';
import { makeRecord, T0 } from './usage-fixtures.js';

const LIMIT = 5;
const clock = { now: () => T0 + 3_600_000 };

/** Fires `n` admissions of one tenant spread over the stores, all at once; returns how many were admitted. */
async function race(stores: SqlUsageStore[], n: number): Promise<number> {
  const guards = stores.map((s) => new TenantQuotaGuard(s, { requestsPerDay: LIMIT }, clock));
  const results = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const store = stores[i % stores.length] as SqlUsageStore;
      const guard = guards[i % guards.length] as TenantQuotaGuard;
      const { outcome: _o, ...row } = makeRecord({ at: clock.now(), tenantId: 'slack:T1' });
      return guard.checkAndAdmit('slack:T1', 'workspace', () => store.open(row));
    }),
  );
  return results.filter((r) => r.ok).length;
}

for (const engine of STORE_ENGINES) {
  describe(`quota admission (${engine.name})`, { skip: engine.skip }, () => {
    it('admits exactly the limit when many requests of one tenant arrive at once', async () => {
      const store = await engine.open({ clock });
      try {
        assert.equal(await race([store], 20), LIMIT);
        assert.equal((await store.usedSince('slack:T1', T0)).requests, LIMIT);
      } finally {
        await store.close();
      }
    });
  });
}

const postgres = STORE_ENGINES.find((e) => e.name === 'postgres');
describe('quota admission across replicas (postgres)', { skip: postgres?.skip }, () => {
  it('two replicas (two pools) racing one tenant admit exactly the limit, not twice it', async () => {
    const url = await (postgres as (typeof STORE_ENGINES)[number]).url();
    const a = await openUsageStore({ url, clock });
    const b = await openUsageStore({ url, clock });
    try {
      assert.equal(await race([a, b], 24), LIMIT);
      assert.equal((await a.usedSince('slack:T1', T0)).requests, LIMIT);
      assert.equal((await b.usedSince('slack:T1', T0)).requests, LIMIT);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('many tenants admitted at once never hold every pooled connection (their checks still get one)', async () => {
    const url = await (postgres as (typeof STORE_ENGINES)[number]).url();
    const store = await PostgresUsageStore.open({ url, clock, max: 3, connectTimeoutMs: 3_000 });
    try {
      const guard = new TenantQuotaGuard(store, { requestsPerDay: LIMIT }, clock);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const { outcome: _o, ...row } = makeRecord({ at: clock.now(), tenantId: `slack:T${i}` });
          return guard.checkAndAdmit(row.tenantId, 'workspace', () => store.open(row));
        }),
      );
      assert.deepEqual(
        results.map((r) => r.ok),
        Array(12).fill(true),
      );
    } finally {
      await store.close();
    }
  });
});
