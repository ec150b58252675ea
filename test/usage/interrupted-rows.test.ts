/**
 * Issue 19.9 in the store: rows written at admission, completed once, and marked 'interrupted' only when the
 * process that opened them is surely gone; reports count interrupted rows as failed, quotas count every spend once.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClient } from '@libsql/client';
import type { UsageRecord } from '../../src/core/types.js';
import { interruptStatements, PROCESS_OWNER } from '../../src/usage/interrupt-abandoned.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import { collectRecords } from '../../src/usage/usage-export.js';
import { upsertRecordStatement } from '../../src/usage/usage-rows.js';
import { STORE_ENGINES, type StoreEngine } from '../support/store-engines.js';
import { DAY, HOUR, makeRecord, T0, tempDir } from './usage-fixtures.js';

const open = (r: UsageRecord) => ({ ...r, outcome: 'open' as const });

/** A pid that surely runs no process any more: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

async function withFile(engine: StoreEngine, run: (url: string) => Promise<void>) {
  await run(await engine.url());
}

for (const engine of STORE_ENGINES) {
  describe(`rows written at admission (${engine.name})`, { skip: engine.skip }, () => {
    it('marks only rows whose process is gone: dead pid on this host, or older than the abandonment age', async () => {
      await withFile(engine, async (url) => {
        const clock = { now: () => T0 + HOUR };
        await (await openUsageStore({ url, clock })).close();
        const raw = engine.raw(url);
        const rows = {
          mine: makeRecord({ at: T0 }),
          dead: makeRecord({ at: T0 + HOUR - 1_000 }),
          liveHere: makeRecord({ at: T0 + HOUR - 1_000 }),
          otherHostRecent: makeRecord({ at: T0 + HOUR - 1_000 }),
          otherHostOld: makeRecord({ at: T0 }),
        };
        const here = PROCESS_OWNER.host;
        const owners = {
          mine: PROCESS_OWNER,
          dead: { id: 'dead', host: here, pid: deadPid() },
          liveHere: { id: 'parent', host: here, pid: process.ppid },
          otherHostRecent: { id: 'far', host: 'elsewhere', pid: 1 },
          otherHostOld: { id: 'far-old', host: 'elsewhere', pid: 1 },
        };
        for (const [name, r] of Object.entries(rows)) {
          await raw.execute(upsertRecordStatement(open(r), owners[name as keyof typeof owners]));
        }
        const store = await openUsageStore({ url, clock, abandonedAfterMs: 30 * 60_000 });
        try {
          const outcome = async (r: UsageRecord) =>
            (await raw.execute({ sql: 'SELECT outcome FROM usage_records WHERE id = ?', args: [r.id] })).rows[0]?.[
              'outcome'
            ];
          assert.equal(await outcome(rows.mine), 'open', "this process's own rows are still being answered");
          assert.equal(await outcome(rows.dead), 'interrupted');
          assert.equal(await outcome(rows.liveHere), 'open', 'a live process on this host is still answering');
          assert.equal(await outcome(rows.otherHostRecent), 'open', 'another replica may still be answering');
          assert.equal(await outcome(rows.otherHostOld), 'interrupted', 'past the abandonment age');
        } finally {
          await store.close();
          await raw.close();
        }
      });
    });

    it('counts an interrupted row as failed with its tokens, leaves open rows out of reports, and quotas count both', async () => {
      await withFile(engine, async (url) => {
        const store = await openUsageStore({ url, clock: { now: () => T0 + HOUR } });
        const raw = engine.raw(url);
        try {
          const interrupted = makeRecord({ at: T0, promptTokens: 300, completionTokens: 20, totalTokens: 320 });
          const running = makeRecord({ at: T0 + 1, promptTokens: 0, completionTokens: 0, totalTokens: 0 });
          await store.open(interrupted);
          await store.record(makeRecord({ at: T0 + 2 }));
          await store.open(running);
          // why: a row opened by another (dead) process; the store marks it on the next read.
          assert.equal(await store.interruptAbandoned(), 0, 'its own open rows are never marked');
          await raw.execute({
            sql: "UPDATE usage_records SET owner_pid = ?, owner_id = 'gone' WHERE id = ?",
            args: [deadPid(), interrupted.id],
          });

          const summary = await store.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY });
          assert.equal(summary.requests, 2, 'the running request is not in the report yet');
          assert.equal(summary.answered, 1);
          assert.equal(summary.failed, 1);
          assert.deepEqual(summary.topFailures, [{ key: 'interrupted', count: 1 }]);
          assert.equal(summary.totalTokens, 150 + 320);
          const exported = await collectRecords(store.exportRecords({ from: T0, to: T0 + DAY }));
          assert.deepEqual(
            exported.map((r) => r.outcome),
            ['interrupted', 'answered'],
          );

          const used = await store.usedSince('discord:1', T0);
          assert.equal(used.requests, 3, 'quotas count the running request too');
          assert.equal(used.tokens, 320 + 150);

          await store.record({
            ...running,
            outcome: 'answered',
            totalTokens: 99,
            promptTokens: 90,
            completionTokens: 9,
          });
          const done = await store.summarize({ from: T0, to: T0 + DAY, bucketMs: DAY });
          assert.equal(done.answered, 2, 'the open row was completed, not added');
          assert.equal(done.requests, 3);
        } finally {
          await raw.close();
          await store.close();
        }
      });
    });

    it('counts a request once for quotas while its completion waits for a retry', async () => {
      await withFile(engine, async (url) => {
        const store = await openUsageStore({ url, retry: { baseMs: 60_000, drainAttempts: 1 } });
        const raw = engine.raw(url);
        try {
          const r = makeRecord({ at: T0 });
          await store.open({ ...r, promptTokens: 100, completionTokens: 0, totalTokens: 100 });
          await raw.execute(engine.breakWrites);
          await store.record(r);
          assert.equal(store.pendingWrites, 1);
          assert.deepEqual(
            { ...(await store.usedSince('discord:1', T0)), costUsd: 0 },
            { requests: 1, tokens: 150, costUsd: 0 },
          );
          await raw.execute(engine.repairWrites);
          assert.equal(await store.flush(), 0);
          const rows = await raw.execute('SELECT outcome, total_tokens FROM usage_records');
          assert.deepEqual(
            rows.rows.map((x) => [x['outcome'], Number(x['total_tokens'])]),
            [['answered', 150]],
          );
        } finally {
          await raw.close();
          await store.close();
        }
      });
    });
  });
}

describe('marking interrupted rows on the embedded database', () => {
  it('marks through the index of open rows, never a walk of the ledger by time', async () => {
    // why: with the index on `at`, each report walked every row older than the cut-off (seconds at a million rows)
    // whenever a question was in flight; the plan is what keeps it at a few open rows.
    const tmp = await tempDir();
    const url = `file:${join(tmp.dir, 'twin.db')}`;
    try {
      await (await LibsqlUsageStore.open({ url })).close();
      const raw = createClient({ url });
      try {
        for (const statement of interruptStatements(PROCESS_OWNER, T0, ['dead-a', 'dead-b'])) {
          const { sql, args } = statement as { sql: string; args: (string | number)[] };
          const plan = (await raw.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args })).rows.map((r) =>
            String(r['detail']),
          );
          assert.ok(
            plan.every((step) => step.includes('usage_records_open')),
            `${sql}\n${plan.join('\n')}`,
          );
        }
      } finally {
        raw.close();
      }
    } finally {
      await tmp.dispose();
    }
  });
});
