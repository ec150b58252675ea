/** The operator's commands on a PostgreSQL ledger: `migrate`, `doctor` (PostgreSQL and Redis), `usage`, as run. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MIGRATIONS } from '../../src/usage/migrations.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import { freePort } from '../support/free-port.js';
import { postgresForTests } from '../support/postgres-server.js';
import { redisForTests } from '../support/redis-server.js';
import { runCli, tempWorkdir } from '../support/run-cli.js';
import { makeRecord } from '../usage/usage-fixtures.js';

const server = await postgresForTests();
const redis = await redisForTests();
const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

describe('operator commands on PostgreSQL', { skip: server.skip ?? redis.skip }, () => {
  test('migrate applies every migration once, then says the schema is current', async () => {
    const url = await server.newDatabaseUrl();
    const first = await runCli(['migrate'], { DATABASE_URL: url }, tempWorkdir());
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(
      first.stdout,
      new RegExp(
        `PostgreSQL at 127\\.0\\.0\\.1:\\d+/postgres: applied ${MIGRATIONS.length} migration\\(s\\), now at schema version ${LATEST}`,
      ),
    );
    assert.match(first.stdout, /8 {2}daily aggregates kept as records are written/);
    const again = await runCli(['migrate'], { DATABASE_URL: url }, tempWorkdir());
    assert.equal(again.code, 0);
    assert.match(again.stdout, new RegExp(`schema version ${LATEST}, up to date \\(nothing to apply\\)`));
  });

  test('doctor reports PostgreSQL (version, schema) and Redis; usage reads the same ledger', async () => {
    const url = await server.newDatabaseUrl();
    const store = await openUsageStore({ url });
    const now = Date.now();
    await store.record(makeRecord({ at: now - 60_000, tenantId: 'slack:T1', platform: 'slack' }));
    await store.close();
    const ok = await runCli(['doctor'], { DATABASE_URL: url, REDIS_URL: redis.url }, tempWorkdir());
    assert.match(
      ok.stdout,
      new RegExp(`✓ Usage database: PostgreSQL at .*, PostgreSQL \\d+\\.\\d+, schema version ${LATEST}; 1 requests`),
    );
    assert.match(ok.stdout, /✓ Redis: Redis \d+\.\d+\.\d+ at 127\.0\.0\.1:\d+ answers PING/);
    const usage = await runCli(['usage', '--json'], { DATABASE_URL: url }, tempWorkdir());
    assert.equal(usage.code, 0, usage.stderr);
    assert.deepEqual(
      (JSON.parse(usage.stdout) as { tenantId: string }[]).map((r) => r.tenantId),
      ['slack:T1'],
    );
  });

  test('doctor names what it cannot reach, without passwords', async () => {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    const r = await runCli(
      ['doctor'],
      {
        DATABASE_URL: `postgres://twin:pg-secret-word@127.0.0.1:${pgPort}/twin`,
        REDIS_URL: `redis://:redis-secret-word@127.0.0.1:${redisPort}`,
      },
      tempWorkdir(),
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      new RegExp(`✗ Usage database: could not reach PostgreSQL at 127\\.0\\.0\\.1:${pgPort}: .* — check DATABASE_URL`),
    );
    assert.match(
      r.stdout,
      new RegExp(`✗ Redis: could not reach Redis at 127\\.0\\.0\\.1:${redisPort}: .* — check REDIS_URL`),
    );
    assert.doesNotMatch(r.stdout + r.stderr, /pg-secret-word|redis-secret-word/);
  });
});
