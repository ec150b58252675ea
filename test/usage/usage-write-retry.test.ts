import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTwinError } from '../../src/core/errors.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import type { SqlClient } from '../../src/usage/sql-client.js';
import { collectRecords } from '../../src/usage/usage-export.js';
import { STORE_ENGINES, type StoreEngine } from '../support/store-engines.js';
import { waitFor } from '../support/wait-for.js';
import { DAY, makeRecord, sinkLogger, T0 } from './usage-fixtures.js';

async function withFileStore(
  engine: StoreEngine,
  run: (ctx: { url: string; raw: SqlClient; logger: ReturnType<typeof sinkLogger> }) => Promise<void>,
): Promise<void> {
  const url = await engine.url();
  await (await openUsageStore({ url })).close();
  const raw = engine.raw(url);
  try {
    await run({ url, raw, logger: sinkLogger() });
  } finally {
    await raw.close();
  }
}

async function rowCount(raw: SqlClient): Promise<number> {
  return Number((await raw.execute('SELECT COUNT(*) AS n FROM usage_records')).rows[0]?.['n']);
}

for (const engine of STORE_ENGINES) {
  describe(`Usage store write retries (${engine.name})`, { skip: engine.skip }, () => {
    it('keeps a failed write, retries it with backoff, and writes it once the database recovers', async () => {
      await withFileStore(engine, async ({ url, raw, logger }) => {
        const store = await openUsageStore({ url, logger, retry: { baseMs: 5, maxMs: 20 } });
        try {
          await raw.execute(engine.breakWrites);
          const r = makeRecord();
          await store.record(r); // resolves: the record is kept, not lost
          assert.equal(store.pendingWrites, 1);
          assert.ok(logger.entries.some((e) => e.level === 'warn' && e.obj['event'] === 'usage.write_failed'));
          await waitFor(() => logger.entries.some((e) => e.obj['event'] === 'usage.retry_failed'));
          assert.equal(await store.usedSince('discord:1', T0).then((u) => u.requests), 1); // quota still sees it
          await raw.execute(engine.repairWrites);
          await waitFor(() => store.pendingWrites === 0);
          assert.ok(logger.entries.some((e) => e.obj['event'] === 'usage.flushed'));
          assert.equal(await rowCount(raw), 1);
          assert.deepEqual(await collectRecords(store.exportRecords({ from: T0, to: T0 + DAY })), [r]);
        } finally {
          await store.close();
        }
      });
    });

    it('flushes kept records on close, so a restart loses nothing', async () => {
      await withFileStore(engine, async ({ url, raw, logger }) => {
        // A long backoff: only close() can write the kept records.
        const store = await openUsageStore({ url, logger, retry: { baseMs: 60_000 } });
        await raw.execute(engine.breakWrites);
        const records = [makeRecord({ at: T0 + 1 }), makeRecord({ at: T0 + 2 })];
        await Promise.all(records.map((r) => store.record(r)));
        assert.equal(store.pendingWrites, 2);
        await raw.execute(engine.repairWrites);
        await store.close();
        await assert.rejects(store.record(makeRecord()), (err) => isTwinError(err) && err.code === 'storage');

        const reopened = await openUsageStore({ url });
        try {
          assert.deepEqual(await collectRecords(reopened.exportRecords({ from: T0, to: T0 + DAY })), records);
        } finally {
          await reopened.close();
        }
      });
    });

    it('on close, reports and logs in full the records it could not write', async () => {
      await withFileStore(engine, async ({ url, raw, logger }) => {
        const store = await openUsageStore({ url, logger, retry: { baseMs: 1, drainAttempts: 2 } });
        await raw.execute(engine.breakWrites);
        const r = makeRecord();
        await store.record(r);
        await assert.rejects(store.close(), (err) => isTwinError(err) && err.code === 'storage');
        const lost = logger.entries.filter((e) => e.obj['event'] === 'usage.record_lost');
        assert.equal(lost.length, 1);
        assert.equal(lost[0]?.level, 'error');
        assert.deepEqual(lost[0]?.obj['record'], r);
        await raw.execute(engine.repairWrites);
      });
    });

    it('forget drops kept records of that tenant too', async () => {
      await withFileStore(engine, async ({ url, raw }) => {
        const store = await openUsageStore({ url, retry: { baseMs: 60_000 } });
        await raw.execute(engine.breakWrites);
        await store.record(makeRecord({ tenantId: 'discord:1' }));
        await store.record(makeRecord({ tenantId: 'discord:10' }));
        await raw.execute(engine.repairWrites);
        assert.equal(await store.forget('discord:1'), 0);
        assert.equal(store.pendingWrites, 1);
        await store.close();
        assert.deepEqual(
          (await raw.execute('SELECT tenant_id FROM usage_records')).rows.map((row) => row['tenant_id']),
          ['discord:10'],
        );
      });
    });
  });
}
