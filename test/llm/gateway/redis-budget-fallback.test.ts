/**
 * When Redis goes away each replica keeps answering on its own share of the limits (limit / TWIN_REPLICAS), says so
 * once, and says once more when Redis is back, where the budgets are shared again. A real redis-server is stopped
 * and restarted on the same port; the replica's time is a FakeClock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RedisAccountBudget } from '../../../src/llm/gateway/redis-account-budget.js';
import { createLogger } from '../../../src/logging.js';
import { connectRedis } from '../../../src/redis-connection.js';
import { FakeClock } from '../../support/fake-clock.js';
import { freePort } from '../../support/free-port.js';
import { LogSink } from '../../support/log-sink.js';
import { hasRedisServer, spawnRedisServer } from '../../support/redis-process.js';
import { waitFor } from '../../support/wait-for.js';

const MODEL = 'openai/gpt-oss-20b';
const LIMITS = { rpm: 30, tpm: 100_000, rpd: 1_000, tpd: 1_000_000 };

describe('the shared budget when Redis goes away', {
  skip: hasRedisServer() ? false : 'no redis-server binary',
}, () => {
  test('falls back to a third of the limits with 3 replicas, logs it once, and shares again once Redis is back', async () => {
    const port = await freePort();
    let server = await spawnRedisServer(port);
    const sink = new LogSink();
    const logger = createLogger('debug', sink);
    const connection = connectRedis(server.url, logger, { commandTimeoutMs: 300 });
    const clock = new FakeClock();
    const budget = new RedisAccountBudget({
      redis: connection,
      limits: { [MODEL]: LIMITS },
      replicas: 3,
      clock,
      logger,
      keyPrefix: `fallback:${process.pid}:`,
      retryMs: 1_000,
    });
    try {
      await waitFor(() => connection.ready, 'the connection');
      for (let i = 0; i < 5; i++) assert.ok('lease' in (await budget.take(MODEL, 10)));
      assert.equal(budget.state().mode, 'shared');

      await server.stop();
      await waitFor(() => !connection.ready, 'the client to see Redis gone');
      const admitted = [];
      for (let i = 0; i < 15; i++) admitted.push(await budget.take(MODEL, 10));
      // Its share: 30 / 3 = 10 a minute, taken from a share of its own (the 5 shared calls are not in it).
      assert.equal(admitted.filter((a) => 'lease' in a).length, 10);
      assert.ok(admitted.every((a) => !('lease' in a) || a.lease.store === 'local'));
      assert.deepEqual(budget.state(), { mode: 'local', replicas: 3 });
      assert.equal(sink.events('llm.budget_local').length, 1, 'said once');
      const said = String(sink.events('llm.budget_local')[0]?.['msg']);
      assert.match(said, /own share of the Groq limits \(1\/3, TWIN_REPLICAS\) and keeps answering/);

      server = await spawnRedisServer(port);
      await waitFor(() => connection.ready, 'the client to reconnect');
      // Within retryMs the replica stays on its share without asking Redis.
      assert.ok(!('lease' in (await budget.take(MODEL, 10))));
      clock.advance(1_000);
      const back = await budget.take(MODEL, 10);
      assert.ok('lease' in back && back.lease.store === 'shared', 'shared again');
      assert.equal(budget.state().mode, 'shared');
      assert.equal(sink.events('llm.budget_shared').length, 1, 'said once that Redis is back');
      assert.equal(sink.events('llm.budget_local').length, 1);
      // The restarted Redis started empty: the shared budget is full again less this call.
      assert.equal((await budget.read(MODEL)).rpm, LIMITS.rpm - 1);
    } finally {
      await connection.close();
      await server.stop();
    }
  });
});
