/**
 * Two LlmGateways (two replicas) over the REAL groq-sdk against one strict fake Groq, admitted through one Redis.
 * The burst runs on virtual time: the gateways, the shared budget (its script gets their clock) and the fake Groq's
 * buckets share one FakeClock, moved to the next gateway timer only while no call is in flight, so the outcome
 * (429s, answers) does not depend on how busy the machine is. The Redis-killed case runs on real time: it counts
 * answers only.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LlmCall } from '../../../src/core/ports.js';
import { LlmGateway } from '../../../src/llm/gateway/llm-gateway.js';
import { RedisAccountBudget } from '../../../src/llm/gateway/redis-account-budget.js';
import { GroqLlmClient } from '../../../src/llm/groq-llm-client.js';
import { createLogger } from '../../../src/logging.js';
import { connectRedis, type RedisConnection } from '../../../src/redis-connection.js';
import { type FakeGroq, startFakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { FakeClock, FakeTimers } from '../../support/fake-clock.js';
import { freePort } from '../../support/free-port.js';
import { LogSink } from '../../support/log-sink.js';
import { hasRedisServer, type RedisProcess, spawnRedisServer } from '../../support/redis-process.js';
import { waitFor } from '../../support/wait-for.js';

const MODEL = 'openai/gpt-oss-20b';
const WINDOW_MS = 3_000;
const RPM = 8;
const LIMITS = { rpm: RPM, tpm: 10_000_000, rpd: 100_000, tpd: 100_000_000 };

interface Replica {
  gateway: LlmGateway;
  connection: RedisConnection;
  sink: LogSink;
}

function replica(
  fake: FakeGroq,
  redisUrl: string,
  prefix: string,
  time?: { clock: FakeClock; timers: FakeTimers },
): Replica {
  const sink = new LogSink();
  const logger = createLogger('info', sink);
  const connection = connectRedis(redisUrl, logger);
  const inner = new GroqLlmClient({
    apiKey: 'gsk_shared_budget_0123456789',
    baseURL: fake.url,
    model: MODEL,
    fallbackModels: [],
    temperature: 0.7,
    maxTokens: 100,
    stallTimeoutMs: 2_000,
    clock: time?.clock,
    logger,
  });
  const account = new RedisAccountBudget({
    redis: connection,
    limits: { [MODEL]: LIMITS },
    replicas: 2,
    windowMs: WINDOW_MS,
    clock: time?.clock,
    logger,
    keyPrefix: prefix,
    retryMs: 100,
    // why: the minute is shrunk, the network is not: a cold first call still takes the production allowance.
    arrivalMs: 500,
  });
  const gateway = new LlmGateway({
    inner,
    models: [MODEL],
    limits: { [MODEL]: LIMITS },
    maxTokens: 100,
    maxQueuePerTenant: 100,
    windowMs: WINDOW_MS,
    positionUpdateMs: 0,
    account,
    clock: time?.clock,
    timers: time?.timers,
    logger,
  });
  return { gateway, connection, sink };
}

async function ask(gateway: LlmGateway, i: number, clock: { now(): number } = Date): Promise<string> {
  const call: LlmCall = {
    tenantId: `slack:T${i % 3}`,
    messages: [{ role: 'user', content: `What do you work on? (${i})` }],
    deadline: clock.now() + 60_000,
  };
  let outcome = 'no done';
  for await (const event of gateway.stream(call)) if (event.type === 'done') outcome = 'done';
  return outcome;
}

describe('two gateways sharing the Groq budget in Redis', {
  skip: hasRedisServer() ? false : 'no redis-server',
}, () => {
  test('a burst of 3 minutes of requests over two replicas: no 429, every call answered', async () => {
    const clock = new FakeClock(Date.now());
    const timers = new FakeTimers(clock);
    const fake = await startFakeGroq({ limits: { rpm: RPM }, windowMs: WINDOW_MS, now: () => clock.now() });
    const server = await spawnRedisServer(await freePort());
    const prefix = `gw:${process.pid}:burst:`;
    const replicas = [
      replica(fake, server.url, prefix, { clock, timers }),
      replica(fake, server.url, prefix, { clock, timers }),
    ];
    try {
      await waitFor(() => replicas.every((r) => r.connection.ready), 'the connections');
      let finished = 0;
      const outcomes = Array.from({ length: 3 * RPM }, (_, i) =>
        ask((replicas[i % 2] as Replica).gateway, i, clock)
          .catch((err: Error) => `failed: ${err.message}`)
          .finally(() => finished++),
      );
      // Every call not finished waits in a queue: none is being admitted, none is on its way to Groq.
      const idle = () => finished + replicas.reduce((n, r) => n + r.gateway.gauges().queued, 0) === outcomes.length;
      // A budget's wake-up (within a window), not a call's deadline: what the queues wait for once the slots run.
      const refillDue = () => (timers.nextDelay ?? Number.POSITIVE_INFINITY) <= WINDOW_MS;
      while (finished < outcomes.length) {
        // why: time moves only while nothing is in flight, so no call is admitted at one time and arrives at another.
        await waitFor(() => finished === outcomes.length || (idle() && refillDue()), 'the calls in flight');
        if (finished < outcomes.length) timers.fire();
      }
      assert.deepEqual(new Set(await Promise.all(outcomes)), new Set(['done']));
      assert.equal(fake.requests.filter((r) => r.status === 429).length, 0);
      assert.equal(fake.requests.length, 3 * RPM);
      assert.deepEqual(replicas[0]?.gateway.gauges().account, { mode: 'shared', replicas: 2 });
    } finally {
      await stop(replicas, fake, server);
    }
  });

  test('Redis killed mid-burst: each replica goes on with its share, and no question is lost', async () => {
    const fake = await startFakeGroq({ limits: { rpm: RPM }, windowMs: WINDOW_MS });
    const server = await spawnRedisServer(await freePort());
    const prefix = `gw:${process.pid}:kill:`;
    const replicas = [replica(fake, server.url, prefix), replica(fake, server.url, prefix)];
    try {
      await waitFor(() => replicas.every((r) => r.connection.ready), 'the connections');
      const asked = Array.from({ length: 2 * RPM }, (_, i) => ask((replicas[i % 2] as Replica).gateway, i));
      await waitFor(() => fake.requests.length >= RPM, 'the first minute of calls');
      await server.stop();
      const outcomes = await Promise.all(asked);
      assert.deepEqual(new Set(outcomes), new Set(['done']), 'every question answered');
      for (const r of replicas) {
        assert.equal(r.gateway.gauges().account?.mode, 'local');
        assert.equal(r.sink.events('llm.budget_local').length, 1, 'said once per replica');
      }
    } finally {
      await stop(replicas, fake, server);
    }
  });
});

async function stop(replicas: Replica[], fake: FakeGroq, server: RedisProcess): Promise<void> {
  for (const r of replicas) {
    await r.gateway.close();
    await r.connection.close();
  }
  await fake.close();
  await server.stop();
}
