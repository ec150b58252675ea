/** What only the PostgreSQL ledger has: a server that may be away, claims between replicas, lost connections. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isTwinError } from '../../src/core/errors.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import { PostgresUsageStore } from '../../src/usage/postgres-usage-store.js';
import { freePort } from '../support/free-port.js';
import { postgresForTests } from '../support/postgres-server.js';
import { waitFor } from '../support/wait-for.js';
import { makeRecord, sinkLogger, T0 } from './usage-fixtures.js';

const server = await postgresForTests();

describe('PostgreSQL ledger', { skip: server.skip }, () => {
  it('says which server it could not reach, and what to check, without the password', async () => {
    const port = await freePort();
    const password = 'pg-pass-never-shown';
    await assert.rejects(
      PostgresUsageStore.open({ url: `postgres://twin:${password}@127.0.0.1:${port}/twin`, connectTimeoutMs: 2_000 }),
      (err) => {
        assert.ok(isTwinError(err) && err.code === 'storage');
        assert.match(
          err.message,
          new RegExp(`could not reach PostgreSQL at 127\\.0\\.0\\.1:${port}: .+ — check DATABASE_URL`),
        );
        assert.ok(!err.message.includes(password));
        return true;
      },
    );
  });

  it('two replicas claiming overlapping keys at once: exactly one wins, and the loser leaves no key behind', async () => {
    const url = await server.newDatabaseUrl();
    const a = await openUsageStore({ url });
    const b = await openUsageStore({ url });
    try {
      for (let round = 0; round < 20; round++) {
        const [x, y] = await Promise.all([
          a.keyValues.setIfAllAbsent('claims', [`e${round}`, `t${round}`], 'a', 60_000),
          b.keyValues.setIfAllAbsent('claims', [`t${round}`, `e${round}`], 'b', 60_000),
        ]);
        assert.equal(Number(x) + Number(y), 1, `round ${round}: one winner`);
        const winner = x ? 'a' : 'b';
        assert.equal(await a.keyValues.get('claims', `e${round}`), winner);
        assert.equal(await b.keyValues.get('claims', `t${round}`), winner);
      }
      const [p, q] = await Promise.all([
        a.keyValues.setIfAbsent('claims', 'one', 'a'),
        b.keyValues.setIfAbsent('claims', 'one', 'b'),
      ]);
      assert.equal(Number(p) + Number(q), 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('survives the server dropping its connections: logs it, reconnects, and loses no record', async () => {
    // why: a database of its own, so the kill below reaches only this test's connections: on CI the server is shared
    // by every test file running at the time (TWIN_TEST_DATABASE_URL), each in its own schema of one database.
    const pg = (await import('pg')).default;
    const database = `twin_kill_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server.serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const address = new URL(server.serverUrl);
    address.pathname = `/${database}`;
    const url = address.toString();
    const logger = sinkLogger();
    const store = await openUsageStore({ url, logger });
    try {
      await store.record(makeRecord({ at: T0 }));
      // Every connection of the store's pool ends, as in a server restart or failover.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
      await waitFor(() => logger.entries.some((e) => e.obj['event'] === 'usage.postgres_connection_lost'));
      await store.record(makeRecord({ at: T0 + 1 }));
      assert.equal(store.pendingWrites, 0);
      assert.equal((await store.usedSince('discord:1', T0)).requests, 2);
    } finally {
      await store.close();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });
});
