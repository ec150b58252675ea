import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Client, createClient } from '@libsql/client';
import { isTwinError } from '../../src/core/errors.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { collectRecords } from '../../src/usage/usage-export.js';
import { waitFor } from '../support/wait-for.js';
import { DAY, makeRecord, sinkLogger, T0, tempDir } from './usage-fixtures.js';

// why: a trigger added from a second connection makes the store's real INSERTs fail inside SQLite, the way a
// broken database would, without touching our own code.
const BREAK = `CREATE TRIGGER break_writes BEFORE INSERT ON usage_records BEGIN SELECT RAISE(ABORT, 'disk says no'); END`;
const REPAIR = 'DROP TRIGGER break_writes';

async function withFileStore(
  run: (ctx: { url: string; raw: Client; logger: ReturnType<typeof sinkLogger> }) => Promise<void>,
): Promise<void> {
  const tmp = await tempDir();
  const url = `file:${join(tmp.dir, 'twin.db')}`;
  await (await LibsqlUsageStore.open({ url })).close();
  const raw = createClient({ url });
  try {
    await run({ url, raw, logger: sinkLogger() });
  } finally {
    raw.close();
    await tmp.dispose();
  }
}

async function rowCount(raw: Client): Promise<number> {
  return Number((await raw.execute('SELECT COUNT(*) AS n FROM usage_records')).rows[0]?.['n']);
}

describe('LibsqlUsageStore write retries', () => {
  it('keeps a failed write, retries it with backoff, and writes it once the database recovers', async () => {
    await withFileStore(async ({ url, raw, logger }) => {
      const store = await LibsqlUsageStore.open({ url, logger, retry: { baseMs: 5, maxMs: 20 } });
      try {
        await raw.execute(BREAK);
        const r = makeRecord();
        await store.record(r); // resolves: the record is kept, not lost
        assert.equal(store.pendingWrites, 1);
        assert.ok(logger.entries.some((e) => e.level === 'warn' && e.obj['event'] === 'usage.write_failed'));
        await waitFor(() => logger.entries.some((e) => e.obj['event'] === 'usage.retry_failed'));
        assert.equal(await store.usedSince('discord:1', T0).then((u) => u.requests), 1); // quota still sees it
        await raw.execute(REPAIR);
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
    await withFileStore(async ({ url, raw, logger }) => {
      // A long backoff: only close() can write the kept records.
      const store = await LibsqlUsageStore.open({ url, logger, retry: { baseMs: 60_000 } });
      await raw.execute(BREAK);
      const records = [makeRecord({ at: T0 + 1 }), makeRecord({ at: T0 + 2 })];
      await Promise.all(records.map((r) => store.record(r)));
      assert.equal(store.pendingWrites, 2);
      await raw.execute(REPAIR);
      await store.close();
      await assert.rejects(store.record(makeRecord()), (err) => isTwinError(err) && err.code === 'storage');

      const reopened = await LibsqlUsageStore.open({ url });
      try {
        assert.deepEqual(await collectRecords(reopened.exportRecords({ from: T0, to: T0 + DAY })), records);
      } finally {
        await reopened.close();
      }
    });
  });

  it('on close, reports and logs in full the records it could not write', async () => {
    await withFileStore(async ({ url, raw, logger }) => {
      const store = await LibsqlUsageStore.open({ url, logger, retry: { baseMs: 1, drainAttempts: 2 } });
      await raw.execute(BREAK);
      const r = makeRecord();
      await store.record(r);
      await assert.rejects(store.close(), (err) => isTwinError(err) && err.code === 'storage');
      const lost = logger.entries.filter((e) => e.obj['event'] === 'usage.record_lost');
      assert.equal(lost.length, 1);
      assert.equal(lost[0]?.level, 'error');
      assert.deepEqual(lost[0]?.obj['record'], r);
      await raw.execute(REPAIR);
    });
  });

  it('forget drops kept records of that tenant too', async () => {
    await withFileStore(async ({ url, raw }) => {
      const store = await LibsqlUsageStore.open({ url, retry: { baseMs: 60_000 } });
      await raw.execute(BREAK);
      await store.record(makeRecord({ tenantId: 'discord:1' }));
      await store.record(makeRecord({ tenantId: 'discord:10' }));
      await raw.execute(REPAIR);
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
