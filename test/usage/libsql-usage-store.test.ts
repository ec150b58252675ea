import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTwinError } from '../../src/core/errors.js';
import { MIGRATIONS } from '../../src/usage/migrations.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import { sumCostUsd } from '../../src/usage/pico-usd.js';
import { collectRecords } from '../../src/usage/usage-export.js';
import { LIBSQL_ENGINE, STORE_ENGINES } from '../support/store-engines.js';
import { referenceSummary } from './reference-summary.js';
import { DAY, HOUR, makeRecord, randomLedger, T0, tempDir } from './usage-fixtures.js';

const ALL_VERSIONS = MIGRATIONS.map((m) => m.version);

describe('LibsqlUsageStore: database and migrations', () => {
  const engine = LIBSQL_ENGINE;
  it('creates the folder, migrates once, and loses nothing across a restart', async () => {
    const tmp = await tempDir();
    try {
      const url = `file:${join(tmp.dir, 'nested', 'deeper', 'twin.db')}`;
      const records = [
        makeRecord(),
        makeRecord({ at: T0 + 1, userName: 'Ada, "the" admin' }),
        makeRecord({ at: T0 + 2 }),
      ];
      const first = await openUsageStore({ url });
      assert.deepEqual(first.appliedMigrations, ALL_VERSIONS);
      for (const r of records) await first.record(r);
      await first.close();

      const second = await openUsageStore({ url });
      try {
        assert.deepEqual(second.appliedMigrations, []);
        const summary = await second.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY });
        assert.equal(summary.requests, 3);
        assert.deepEqual(await collectRecords(second.exportRecords({ from: 0, to: T0 + DAY })), records);
      } finally {
        await second.close();
      }

      const raw = engine.raw(url);
      const versions = await raw.execute('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        versions.rows.map((r) => Number(r['version'])),
        ALL_VERSIONS,
      );
      await raw.close();
    } finally {
      await tmp.dispose();
    }
  });

  it('says which database it could not open, and why', async () => {
    await assert.rejects(
      openUsageStore({ url: 'file:/dev/null/twin.db' }),
      (err) => isTwinError(err) && err.code === 'storage' && err.message.includes('file:/dev/null/twin.db'),
    );
  });

  it('refuses a database migrated by a newer twinbot', async () => {
    const tmp = await tempDir();
    try {
      const url = await engine.url();
      await (await openUsageStore({ url })).close();
      const raw = engine.raw(url);
      await raw.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
      await raw.close();
      await assert.rejects(openUsageStore({ url }), (err) => isTwinError(err) && err.code === 'storage');
    } finally {
      await tmp.dispose();
    }
  });

  it('lets two stores open a fresh file at once, migrating it exactly once', async () => {
    const tmp = await tempDir();
    try {
      const url = await engine.url();
      const [a, b] = await Promise.all([openUsageStore({ url }), openUsageStore({ url })]);
      assert.deepEqual(
        [...a.appliedMigrations, ...b.appliedMigrations].sort((x, y) => x - y),
        ALL_VERSIONS,
      );
      await a.record(makeRecord());
      assert.equal((await b.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY })).requests, 1);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await tmp.dispose();
    }
  });

  it('writes a record once even when it is recorded twice', async () => {
    const store = await engine.open();
    const r = makeRecord();
    await store.record(r);
    await store.record(r);
    assert.equal((await store.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY })).requests, 1);
    await store.close();
  });
});

for (const engine of STORE_ENGINES) {
  describe(`Usage store: summaries match the rows (${engine.name})`, { skip: engine.skip }, () => {
    const ledger = randomLedger(800, T0, 30 * DAY);

    it('matches hand sums for every tenant, all tenants, and several windows', async () => {
      const store = await engine.open();
      try {
        for (const r of ledger) await store.record(r);
        const queries = [
          { from: T0, to: T0 + 30 * DAY, bucketMs: DAY },
          { from: T0 + 3 * DAY, to: T0 + 10 * DAY, bucketMs: DAY },
          { from: T0 + 5 * DAY + 7 * HOUR + 123, to: T0 + 6 * DAY + 7 * HOUR + 123, bucketMs: HOUR },
        ];
        for (const q of queries) {
          for (const tenantId of [undefined, 'discord:1', 'discord:10', 'slack:T1', 'console:local', 'discord:2']) {
            const query = { ...q, ...(tenantId === undefined ? {} : { tenantId }) };
            assert.deepEqual(await store.summarize(query), referenceSummary(ledger, query), JSON.stringify(query));
          }
        }
      } finally {
        await store.close();
      }
    });

    it('sums cost exactly in pico-dollars, within rounding of a naive float sum', async () => {
      const store = await engine.open();
      try {
        for (const r of ledger) await store.record(r);
        const s = await store.summarize({ from: 0, to: T0 + 31 * DAY, bucketMs: 31 * DAY });
        assert.equal(s.costUsd, sumCostUsd(ledger.map((r) => r.costUsd)));
        let naive = 0;
        for (const r of ledger) naive += r.costUsd;
        assert.ok(Math.abs(s.costUsd - naive) < 1e-9, `${s.costUsd} vs ${naive}`);
        assert.equal(
          s.byModel.reduce((n, m) => n + m.requests, 0),
          ledger.filter((r) => r.model !== undefined).length,
        );
        assert.equal(
          s.series.reduce((n, b) => n + b.requests, 0),
          ledger.length,
        );
      } finally {
        await store.close();
      }
    });

    it('never mixes tenants with similar ids', async () => {
      const store = await engine.open();
      try {
        await store.record(makeRecord({ tenantId: 'discord:1', userId: 'alice' }));
        await store.record(makeRecord({ tenantId: 'discord:10', userId: 'bob', totalTokens: 999 }));
        await store.record(makeRecord({ tenantId: 'discord:100', userId: 'carol' }));
        await store.record(makeRecord({ tenantId: 'discord:1 ', userId: 'dave' }));
        const s = await store.summarize({ tenantId: 'discord:1', from: T0, to: T0 + DAY, bucketMs: HOUR });
        assert.equal(s.requests, 1);
        assert.equal(s.totalTokens, 150);
        assert.deepEqual(
          s.topUsers.map((u) => u.key),
          ['alice'],
        );
        const exported = await collectRecords(store.exportRecords({ tenantId: 'discord:1', from: T0, to: T0 + DAY }));
        assert.deepEqual(
          exported.map((r) => r.userId),
          ['alice'],
        );
        assert.equal((await store.usedSince('discord:1', T0)).requests, 1);
        const none = await store.summarize({ tenantId: 'discord:', from: T0, to: T0 + DAY, bucketMs: HOUR });
        assert.equal(none.requests, 0);
      } finally {
        await store.close();
      }
    });
  });
}

for (const engine of STORE_ENGINES) {
  describe(`Usage store: windows, buckets and percentiles (${engine.name})`, { skip: engine.skip }, () => {
    it('counts [from, to) at UTC midnights and aligns buckets to UTC', async () => {
      const store = await engine.open();
      try {
        for (const at of [T0 - 1, T0, T0 + HOUR - 1, T0 + HOUR, T0 + DAY - 1, T0 + DAY]) {
          await store.record(makeRecord({ at }));
        }
        const day = await store.summarize({ tenantId: 'discord:1', from: T0, to: T0 + DAY, bucketMs: HOUR });
        assert.equal(day.requests, 4);
        assert.equal(day.series.length, 24);
        assert.equal(day.series[0]?.start, T0);
        assert.equal(new Date(day.series[0]?.start ?? 0).toISOString(), '2026-11-01T00:00:00.000Z');
        assert.deepEqual(
          day.series.filter((b) => b.requests > 0).map((b) => [b.start, b.requests]),
          [
            [T0, 2],
            [T0 + HOUR, 1],
            [T0 + 23 * HOUR, 1],
          ],
        );
        // A window that starts mid-hour gets buckets on whole UTC hours, the first one partly before `from`.
        const offset = await store.summarize({ from: T0 + 30 * 60_000, to: T0 + 2 * HOUR, bucketMs: HOUR });
        assert.deepEqual(
          offset.series.map((b) => [b.start, b.requests]),
          [
            [T0, 1],
            [T0 + HOUR, 1],
          ],
        );
        const week = await store.summarize({ from: T0 - 3 * DAY, to: T0 + 4 * DAY, bucketMs: DAY });
        assert.deepEqual(
          week.series.map((b) => b.requests),
          [0, 0, 1, 4, 1, 0, 0],
        );
      } finally {
        await store.close();
      }
    });

    it('uses nearest-rank percentiles over answered and failed requests, not refusals', async () => {
      const store = await engine.open();
      try {
        const empty = await store.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY });
        assert.deepEqual(
          [empty.requests, empty.successRate, empty.avgLatencyMs, empty.p50LatencyMs, empty.p95QueueMs],
          [0, 1, 0, 0, 0],
        );
        for (let i = 1; i <= 20; i++) {
          await store.record(
            makeRecord({
              at: T0 + i,
              latencyMs: i * 100,
              queueMs: 21 - i,
              outcome: i % 5 === 0 ? 'failed' : 'answered',
            }),
          );
        }
        await store.record(
          makeRecord({ at: T0 + 50, latencyMs: 0, queueMs: 0, outcome: 'refused', errorCode: 'busy' }),
        );
        const s = await store.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY });
        assert.equal(s.p50LatencyMs, 1000); // rank ceil(0.5 * 20) = 10
        assert.equal(s.p95LatencyMs, 1900); // rank ceil(0.95 * 20) = 19
        assert.equal(s.p50QueueMs, 10);
        assert.equal(s.p95QueueMs, 19);
        assert.equal(s.avgLatencyMs, 1050);
        assert.equal(s.successRate, 16 / 20);
        assert.deepEqual(s.topFailures, [
          { key: 'unknown', count: 4 },
          { key: 'busy', count: 1 },
        ]);
        const refusedOnly = await store.summarize({ from: T0 + 50, to: T0 + 51, bucketMs: DAY });
        assert.deepEqual([refusedOnly.requests, refusedOnly.successRate, refusedOnly.p95LatencyMs], [1, 1, 0]);
      } finally {
        await store.close();
      }
    });

    it('labels a user with the latest name seen in the window', async () => {
      const store = await engine.open();
      try {
        await store.record(makeRecord({ at: T0 + 1, userId: 'u9', userName: 'Old name' }));
        await store.record(makeRecord({ at: T0 + 3, userId: 'u9' }));
        await store.record(makeRecord({ at: T0 + 2, userId: 'u9', userName: 'New name' }));
        const s = await store.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY });
        assert.deepEqual(s.topUsers, [{ key: 'u9', label: 'New name', count: 3 }]);
      } finally {
        await store.close();
      }
    });

    it('rejects a window or bucket that cannot be summarized', async () => {
      const store = await engine.open();
      try {
        await assert.rejects(store.summarize({ from: T0, to: T0 + DAY, bucketMs: 0 }), isTwinError);
        await assert.rejects(store.summarize({ from: T0, to: T0 + 30 * DAY, bucketMs: 1 }), isTwinError);
        await assert.rejects(store.summarize({ from: T0 + 1, to: T0, bucketMs: DAY }), isTwinError);
      } finally {
        await store.close();
      }
    });
  });
}
