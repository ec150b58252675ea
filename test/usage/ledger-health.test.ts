/**
 * Issue 19.8: a ledger that cannot write is visible on /healthz (degraded, then 503), and the records kept for a
 * retry are bounded: the oldest are dropped, counted and logged in full.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClient } from '@libsql/client';
import { startHealthServer } from '../../src/adapters/http/health-server.js';
import { twinHealth } from '../../src/cli/twin-health.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { makeRecord, sinkLogger, tempDir } from './usage-fixtures.js';

// why: a trigger from a second connection makes the real INSERTs fail inside SQLite, as a broken database would.
const BREAK = `CREATE TRIGGER break_writes BEFORE INSERT ON usage_records BEGIN SELECT RAISE(ABORT, 'disk says no'); END`;

async function brokenStore(maxPending: number) {
  const tmp = await tempDir();
  const url = `file:${join(tmp.dir, 'twin.db')}`;
  const logger = sinkLogger();
  // why: long backoff, so no retry round runs while the test looks at the buffer.
  const store = await LibsqlUsageStore.open({ url, logger, retry: { baseMs: 60_000, maxPending, drainAttempts: 1 } });
  const raw = createClient({ url });
  await raw.execute(BREAK);
  return {
    store,
    logger,
    async dispose() {
      await raw.execute('DROP TRIGGER break_writes');
      raw.close();
      await store.close();
      await tmp.dispose();
    },
  };
}

describe('ledger health', () => {
  it('bounds the records kept for a retry: the oldest are dropped, counted and logged', async () => {
    const { store, logger, dispose } = await brokenStore(3);
    try {
      const records = [1, 2, 3, 4, 5].map(() => makeRecord());
      for (const r of records) await store.record(r);
      assert.equal(store.pendingWrites, 3);
      assert.equal(store.droppedWrites, 2);
      const dropped = logger.entries.filter((e) => e.obj['event'] === 'usage.record_dropped');
      assert.deepEqual(
        dropped.map((e) => (e.obj['record'] as { id: string }).id),
        [records[0]!.id, records[1]!.id],
      );
      assert.ok(dropped.every((e) => e.level === 'error'));
    } finally {
      await dispose();
    }
  });

  it('/healthz reports degraded with the records waiting, and 503 past the threshold', async () => {
    const { store, dispose } = await brokenStore(1_000);
    const health = twinHealth({
      stopping: () => false,
      twin: { inFlightCount: 0, online: true },
      usage: store,
      unhealthyPending: 3,
    });
    const server = await startHealthServer(0, health, '127.0.0.1');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    const get = async () => {
      const res = await fetch(url);
      return { code: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      assert.deepEqual(await get(), {
        code: 200,
        body: { status: 'ok', inFlight: 0, online: true, usageRecordsWaiting: 0, usageRecordsDropped: 0 },
      });
      await store.record(makeRecord());
      const one = await get();
      assert.equal(one.code, 200, 'one record waiting is a blip: keep serving');
      assert.equal(one.body['status'], 'degraded');
      assert.equal(one.body['usageRecordsWaiting'], 1);
      await store.record(makeRecord());
      await store.record(makeRecord());
      const many = await get();
      assert.equal(many.code, 503);
      assert.equal(many.body['status'], 'degraded');
      assert.equal(many.body['usageRecordsWaiting'], 3);
    } finally {
      server.close();
      await dispose();
    }
  });
});
