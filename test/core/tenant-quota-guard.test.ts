import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { QuotaStore } from '../../src/core/ports.js';
import { TenantQuotaGuard } from '../../src/core/tenant-quota-guard.js';
import type { QuotaUsage, TenantQuota } from '../../src/core/types.js';

/** A QuotaStore over a list of spends, so the guard's periods can be checked against known sums. */
class ListQuotaStore implements QuotaStore {
  readonly overrides = new Map<string, TenantQuota>();
  readonly spends: { tenantId: string; at: number; tokens: number; costUsd: number }[] = [];
  async getQuota(tenantId: string) {
    return this.overrides.get(tenantId);
  }
  async setQuota(tenantId: string, quota: TenantQuota) {
    this.overrides.set(tenantId, quota);
  }
  async clearQuota(tenantId: string) {
    return this.overrides.delete(tenantId);
  }
  async usedSince(tenantId: string, from: number): Promise<QuotaUsage> {
    const rows = this.spends.filter((s) => s.tenantId === tenantId && s.at >= from);
    return {
      requests: rows.length,
      tokens: rows.reduce((n, r) => n + r.tokens, 0),
      costUsd: rows.reduce((n, r) => n + r.costUsd, 0),
    };
  }
}

const NOON = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('TenantQuotaGuard', () => {
  test('no limits: always ok, and the report says none is set', async () => {
    const guard = new TenantQuotaGuard(new ListQuotaStore(), {}, { now: () => NOON });
    assert.deepEqual(await guard.check('discord:1'), { ok: true });
    assert.equal(await guard.describe('discord:1'), 'Quota: none set');
  });

  test('a daily request limit refuses at the limit and resets at UTC midnight', async () => {
    const store = new ListQuotaStore();
    let now = NOON;
    const guard = new TenantQuotaGuard(store, { requestsPerDay: 2 }, { now: () => now });
    store.spends.push({ tenantId: 'discord:1', at: NOON - 13 * 3_600_000, tokens: 10, costUsd: 0 }); // yesterday
    store.spends.push({ tenantId: 'discord:1', at: NOON - 1000, tokens: 10, costUsd: 0 });
    assert.equal((await guard.check('discord:1')).ok, true);
    store.spends.push({ tenantId: 'discord:1', at: NOON - 500, tokens: 10, costUsd: 0 });
    const refused = await guard.check('discord:1');
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.retryAfterMs, 12 * 3_600_000);
      assert.match(
        refused.message,
        /This server has used today's allowance .*2 of 2 requests today.*midnight UTC, in 12 hours/,
      );
    }
    assert.equal((await guard.check('discord:2')).ok, true, 'another tenant is not affected');
    now = Date.UTC(2026, 10, 25, 0, 0, 1);
    assert.equal((await guard.check('discord:1')).ok, true, 'a new UTC day');
  });

  test('a per-tenant override replaces the default field by field', async () => {
    const store = new ListQuotaStore();
    store.overrides.set('slack:T1', { usdPerMonth: 1 });
    const guard = new TenantQuotaGuard(store, { requestsPerDay: 100, usdPerMonth: 5 }, { now: () => NOON });
    assert.deepEqual(await guard.limitsFor('slack:T1'), { requestsPerDay: 100, usdPerMonth: 1 });
    store.spends.push({ tenantId: 'slack:T1', at: Date.UTC(2026, 10, 2), tokens: 5, costUsd: 1.2 });
    const refused = await guard.check('slack:T1');
    assert.equal(refused.ok, false);
    if (!refused.ok)
      assert.match(refused.message, /This workspace has used this month's allowance .*\$1\.20 of \$1\.00/);
    assert.equal(await guard.describe('slack:T1'), 'Quota (UTC): 0 of 100 requests today; $1.20 of $1.00 this month');
  });

  test("a daily dollar limit counts only today's spend and says when it resets", async () => {
    const store = new ListQuotaStore();
    const guard = new TenantQuotaGuard(store, { usdPerDay: 0.5 }, { now: () => NOON });
    store.spends.push({ tenantId: 'discord:1', at: NOON - 13 * 3_600_000, tokens: 10, costUsd: 3 }); // yesterday
    store.spends.push({ tenantId: 'discord:1', at: NOON - 1000, tokens: 10, costUsd: 0.25 });
    assert.equal((await guard.check('discord:1')).ok, true);
    assert.equal(await guard.describe('discord:1'), 'Quota (UTC): $0.25 of $0.50 today');
    store.spends.push({ tenantId: 'discord:1', at: NOON - 500, tokens: 10, costUsd: 0.3 });
    const refused = await guard.check('discord:1');
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.retryAfterMs, 12 * 3_600_000);
      assert.match(refused.message, /today's allowance .*\$0\.55 of \$0\.50 today.*midnight UTC/);
    }
  });

  test('an admission reads the overrides once, and the usage inside the tenant lock', async () => {
    const reads: string[] = [];
    let locked = false;
    class LockingStore extends ListQuotaStore {
      override async getQuota(tenantId: string) {
        reads.push(`quota${locked ? ' (locked)' : ''}`);
        return super.getQuota(tenantId);
      }
      override async usedSince(tenantId: string, from: number) {
        reads.push(`usage${locked ? ' (locked)' : ''}`);
        return super.usedSince(tenantId, from);
      }
      async admitting<T>(_tenantId: string, step: () => Promise<T>): Promise<T> {
        locked = true;
        try {
          return await step();
        } finally {
          locked = false;
        }
      }
    }
    const store = new LockingStore();
    store.overrides.set('slack:T1', { requestsPerDay: 1 });
    const guard = new TenantQuotaGuard(store, {}, { now: () => NOON });
    const admit = async () => {
      assert.ok(locked, 'the row is written inside the lock');
      store.spends.push({ tenantId: 'slack:T1', at: NOON, tokens: 0, costUsd: 0 });
    };
    assert.equal((await guard.checkAndAdmit('slack:T1', 'workspace', admit)).ok, true);
    // why: one read per setter (operator, tenant admin); usage once, under the lock.
    assert.deepEqual(reads, ['quota', 'quota', 'usage (locked)']);
    const refused = await guard.checkAndAdmit('slack:T1', undefined, admit);
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.match(refused.message, /This workspace has used today's allowance .*1 of 1 requests/);
    assert.equal(store.spends.length, 1, 'a refused request writes no row');
  });
});
