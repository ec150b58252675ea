import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTwinError } from '../../src/core/errors.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import { sumCostUsd } from '../../src/usage/pico-usd.js';
import { STORE_ENGINES } from '../support/store-engines.js';
import { DAY, makeRecord, T0 } from './usage-fixtures.js';

for (const engine of STORE_ENGINES) {
  describe(`Usage store quotas (${engine.name})`, { skip: engine.skip }, () => {
    it('sets, reads, lists, replaces and clears overrides, and keeps them across a restart', async () => {
      const url = await engine.url();
      let now = T0;
      const clock = { now: () => now };
      const store = await openUsageStore({ url, clock });
      assert.equal(await store.getQuota('discord:1'), undefined);
      await store.setQuota('discord:1', { requestsPerDay: 100, usdPerMonth: 2.5 });
      now += 1000;
      await store.setQuota('slack:T1', { tokensPerMonth: 1_000_000 });
      assert.deepEqual(await store.getQuota('discord:1'), { requestsPerDay: 100, usdPerMonth: 2.5 });
      assert.equal(await store.getQuota('discord:10'), undefined);
      // A set replaces the whole override.
      await store.setQuota('discord:1', { tokensPerDay: 5000, requestsPerMonth: 0 });
      await store.close();

      const reopened = await openUsageStore({ url, clock });
      try {
        assert.deepEqual(await reopened.listQuotas(), [
          { tenantId: 'discord:1', quota: { tokensPerDay: 5000, requestsPerMonth: 0 }, updatedAt: T0 + 1000 },
          { tenantId: 'slack:T1', quota: { tokensPerMonth: 1_000_000 }, updatedAt: T0 + 1000 },
        ]);
        assert.equal(await reopened.clearQuota('discord:1'), true);
        assert.equal(await reopened.clearQuota('discord:1'), false);
        assert.equal(await reopened.getQuota('discord:1'), undefined);
      } finally {
        await reopened.close();
      }
    });

    it('rejects limits that are negative, not finite, or fractional counts, naming the field', async () => {
      const store = await engine.open();
      try {
        for (const bad of [{ requestsPerDay: -1 }, { tokensPerDay: 1.5 }, { usdPerMonth: Number.NaN }]) {
          await assert.rejects(
            store.setQuota('discord:1', bad),
            (err) => isTwinError(err) && err.code === 'config' && err.message.includes(Object.keys(bad)[0] as string),
          );
        }
        await store.setQuota('discord:1', { usdPerMonth: 0.75 });
        assert.deepEqual(await store.getQuota('discord:1'), { usdPerMonth: 0.75 });
      } finally {
        await store.close();
      }
    });

    it('usedSince counts answered and failed requests from a moment on, including rolled-up days', async () => {
      const store = await engine.open();
      try {
        const rows = [
          makeRecord({ at: T0 - 1, costUsd: 1 }),
          makeRecord({ at: T0, costUsd: 0.1 }),
          makeRecord({ at: T0 + 5, outcome: 'failed', errorCode: 'timeout', totalTokens: 40, costUsd: 0.2 }),
          makeRecord({ at: T0 + 6, outcome: 'refused', errorCode: 'over_quota', totalTokens: 0, costUsd: 0 }),
          makeRecord({ at: T0 + DAY + 9, costUsd: 0.3 }),
          makeRecord({ at: T0 + 7, tenantId: 'discord:10', costUsd: 5 }),
        ];
        for (const r of rows) await store.record(r);
        const expected = { requests: 3, tokens: 150 + 40 + 150, costUsd: sumCostUsd([0.1, 0.2, 0.3]) };
        assert.deepEqual(await store.usedSince('discord:1', T0), expected);
        assert.deepEqual(await store.usedSince('discord:1', T0 + DAY), { requests: 1, tokens: 150, costUsd: 0.3 });
        await store.rollUp(T0 + DAY + 10);
        assert.deepEqual(await store.usedSince('discord:1', T0), expected);
        assert.deepEqual(await store.usedSince('discord:2', T0), { requests: 0, tokens: 0, costUsd: 0 });
      } finally {
        await store.close();
      }
    });
  });
}

for (const engine of STORE_ENGINES) {
  describe(`Usage store.forget (${engine.name})`, { skip: engine.skip }, () => {
    it("removes one tenant's records and aggregates and nothing else", async () => {
      const store = await engine.open();
      try {
        for (let i = 0; i < 4; i++) await store.record(makeRecord({ at: T0 + i * DAY, tenantId: 'discord:1' }));
        for (let i = 0; i < 3; i++) await store.record(makeRecord({ at: T0 + i * DAY, tenantId: 'discord:10' }));
        await store.setQuota('discord:1', { requestsPerDay: 10 });
        await store.rollUp(T0 + 2 * DAY);
        // discord:1 now has 2 daily aggregate rows and 2 raw rows.
        assert.equal(await store.forget('discord:1'), 4);
        const window = { from: T0, to: T0 + 5 * DAY, bucketMs: DAY };
        assert.equal((await store.summarize({ ...window, tenantId: 'discord:1' })).requests, 0);
        assert.equal((await store.summarize({ ...window, tenantId: 'discord:10' })).requests, 3);
        assert.equal((await store.summarize(window)).requests, 3);
        assert.equal(await store.forget('discord:1'), 0);
        assert.deepEqual(await store.getQuota('discord:1'), { requestsPerDay: 10 });
      } finally {
        await store.close();
      }
    });
  });
}
