/**
 * Ledger writes handed over in one turn share one transaction (coalesced-writes.ts): every record lands, in the
 * order given, and one that the database refuses fails alone, kept for a retry, while the others land.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClient } from '@libsql/client';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { DAY, makeRecord, sinkLogger, T0, tempDir } from './usage-fixtures.js';

async function withFile(run: (url: string) => Promise<void>) {
  const tmp = await tempDir();
  try {
    await run(`file:${join(tmp.dir, 'twin.db')}`);
  } finally {
    await tmp.dispose();
  }
}

describe('coalesced ledger writes', () => {
  it('writes every record handed over in one turn, with the aggregates of each', async () => {
    await withFile(async (url) => {
      const store = await LibsqlUsageStore.open({ url });
      try {
        const records = Array.from({ length: 40 }, (_, i) => makeRecord({ at: T0 + i * 1000, tenantId: 'slack:T1' }));
        await Promise.all(records.map((r) => store.record(r)));
        const summary = await store.summarize({
          tenantId: 'slack:T1',
          from: T0 - DAY,
          to: T0 + 2 * DAY,
          bucketMs: DAY,
        });
        assert.equal(summary.requests, 40);
        assert.equal(store.pendingWrites, 0);
      } finally {
        await store.close();
      }
    });
  });

  it('lands the final record over the open row when both are handed over in the same turn', async () => {
    await withFile(async (url) => {
      const store = await LibsqlUsageStore.open({ url });
      const raw = createClient({ url });
      try {
        const record = makeRecord({ at: T0, outcome: 'answered' });
        const { outcome, errorCode, mode, ...open } = record;
        await Promise.all([store.open(open), store.record(record), store.open(open)]);
        const row = await raw.execute({ sql: 'SELECT outcome FROM usage_records WHERE id = ?', args: [record.id] });
        assert.equal(row.rows[0]?.['outcome'], 'answered');
      } finally {
        raw.close();
        await store.close();
      }
    });
  });

  it('fails only the record the database refuses; the others of its turn land', async () => {
    await withFile(async (url) => {
      const logger = sinkLogger();
      const store = await LibsqlUsageStore.open({ url, logger, retry: { baseMs: 60_000, maxMs: 60_000 } });
      const raw = createClient({ url });
      try {
        const bad = makeRecord({ at: T0 });
        await raw.execute(
          `CREATE TRIGGER refuse_one BEFORE INSERT ON usage_records WHEN NEW.id = '${bad.id}' ` +
            `BEGIN SELECT RAISE(ABORT, 'disk says no'); END`,
        );
        const good = Array.from({ length: 5 }, (_, i) => makeRecord({ at: T0 + i }));
        await Promise.all([...good.slice(0, 2), bad, ...good.slice(2)].map((r) => store.record(r)));
        const ids = (await raw.execute('SELECT id FROM usage_records ORDER BY id')).rows.map((r) => r['id']);
        assert.deepEqual(
          ids,
          good.map((r) => r.id),
        );
        assert.equal(store.pendingWrites, 1);
        assert.ok(logger.entries.some((e) => e.obj['event'] === 'usage.write_failed' && e.obj['id'] === bad.id));
        await raw.execute('DROP TRIGGER refuse_one');
      } finally {
        raw.close();
        await store.close();
      }
    });
  });
});
