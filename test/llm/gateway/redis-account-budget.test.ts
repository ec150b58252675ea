/**
 * The shared budget script's maths against a real Redis (test/support/redis-server.ts): two RedisAccountBudgets on
 * one server stand for two replicas; time is a FakeClock passed to the script, so nothing waits on the wall clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccountAdmission, AccountLease } from '../../../src/llm/gateway/account-budget.js';
import { RedisAccountBudget } from '../../../src/llm/gateway/redis-account-budget.js';
import { connectRedis, type RedisConnection } from '../../../src/redis-connection.js';
import { FakeClock } from '../../support/fake-clock.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const MODEL = 'openai/gpt-oss-20b';
const LIMITS = { rpm: 10, tpm: 1_000, rpd: 100, tpd: 10_000 };
const WINDOW = 60_000;

const started = await startTestRedis();
const skip = 'skip' in started ? started.skip : false;

describe('the shared budget script', { skip }, () => {
  const redis = started as TestRedis;
  let connection: RedisConnection;
  let n = 0;
  before(async () => {
    connection = connectRedis(redis.url, silentLogger);
    await waitFor(() => connection.ready, 'Redis to accept the connection');
  });
  after(async () => {
    await connection.close();
    await redis.stop();
  });

  /** Two replicas' budgets on one fresh key, sharing one clock. */
  const replicas = (limits = LIMITS) => {
    const clock = new FakeClock();
    const keyPrefix = `test:${process.pid}:${++n}:`;
    const make = () =>
      new RedisAccountBudget({
        redis: connection,
        limits: { [MODEL]: limits },
        replicas: 2,
        clock,
        keyPrefix,
        logger: silentLogger,
      });
    return { clock, a: make(), b: make() };
  };
  const leaseOf = (admission: AccountAdmission): AccountLease => {
    assert.ok('lease' in admission, `admitted: ${JSON.stringify(admission)}`);
    return admission.lease;
  };

  test('requests per minute are shared: two replicas admit 10 in all, then wait one refill', async () => {
    const { a, b } = replicas();
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).take(MODEL, 10)));
    assert.equal(results.filter((r) => 'lease' in r).length, 10);
    const refused = results.find((r) => !('lease' in r)) as { minuteWaitMs: number; dayWaitMs: number };
    // One refill, after the 500 ms the bucket waits before refilling once a call was taken from it full.
    assert.deepEqual(refused, { minuteWaitMs: 500 + WINDOW / LIMITS.rpm, dayWaitMs: 0 });
    assert.equal(a.state().mode, 'shared');
  });

  test('the buckets refill continuously with the clock, a full one only after the arrival allowance', async () => {
    const { clock, a, b } = replicas();
    for (let i = 0; i < 10; i++) leaseOf(await a.take(MODEL, 10));
    // The bucket was full at the first call: it refills from 500 ms later (the default arrival allowance).
    clock.advance(500 + WINDOW / LIMITS.rpm - 1);
    assert.deepEqual(await b.take(MODEL, 10), { minuteWaitMs: 1, dayWaitMs: 0 });
    clock.advance(1);
    leaseOf(await b.take(MODEL, 10));
    const left = await a.read(MODEL);
    assert.equal(left.rpm, 0);
    assert.equal(left.tpm, 1_000 - 110 + (1_000 * (WINDOW / LIMITS.rpm)) / WINDOW);
  });

  test('tokens cost the estimate; the wait is the refill of what is missing', async () => {
    const { a, b } = replicas();
    leaseOf(await a.take(MODEL, 700));
    const refused = await b.take(MODEL, 400);
    // 100 tokens missing at 1 000 a minute: 6 s, once the bucket taken from full starts refilling (500 ms).
    assert.deepEqual(refused, { minuteWaitMs: 6_500, dayWaitMs: 0 });
  });

  test('settling gives back what the call did not use; cancelling gives back the request too', async () => {
    const { a, b } = replicas();
    const lease = leaseOf(await a.take(MODEL, 700));
    a.settle(lease, 250);
    a.settle(lease, 0); // once per lease
    await waitFor(async () => (await b.read(MODEL)).tpm === 750, 'the refund to reach Redis');
    const second = leaseOf(await b.take(MODEL, 600));
    b.cancel(second);
    await waitFor(async () => (await a.read(MODEL)).rpm === 9, 'the cancel to reach Redis');
    const left = await a.read(MODEL);
    assert.equal(left.tpm, 750);
    assert.equal(left.rpd, 99);
    assert.equal(left.tpd, 10_000 - 250);
  });

  test("Groq's remaining tokens lower the shared level, less the calls admitted after the one that saw them", async () => {
    const { a, b } = replicas();
    const first = leaseOf(await a.take(MODEL, 100));
    leaseOf(await b.take(MODEL, 150));
    // Groq says 400 were left when it answered `first`; b's call came after, so 250 remain now.
    a.clamp(first, { tokensRemaining: 400, requestsRemaining: 50 });
    await waitFor(async () => (await b.read(MODEL)).tpm === 250, 'the clamp to reach Redis');
    assert.equal((await b.read(MODEL)).rpd, 49);
    // A higher figure never raises the level.
    a.clamp(first, { tokensRemaining: 900 });
    leaseOf(await a.take(MODEL, 10));
    assert.equal((await b.read(MODEL)).tpm, 240);
  });

  test("a 429's retry-after seen by one replica closes the model for the other", async () => {
    const { clock, a, b } = replicas();
    a.closeUntil(MODEL, clock.now() + 5_000);
    await waitFor(async () => (await b.read(MODEL)).closedUntil > 0, 'the gate to reach Redis');
    assert.deepEqual(await b.take(MODEL, 10), { minuteWaitMs: 5_000, dayWaitMs: 0 });
    clock.advance(5_000);
    leaseOf(await b.take(MODEL, 10));
  });

  test('a spent day budget is a day wait, told apart from a minute wait', async () => {
    const { clock, a, b } = replicas({ rpm: 100, tpm: 100_000, rpd: 3, tpd: 1_000_000 });
    for (let i = 0; i < 3; i++) leaseOf(await a.take(MODEL, 10));
    assert.deepEqual(await b.take(MODEL, 10), { minuteWaitMs: 0, dayWaitMs: 500 + (WINDOW * 1_440) / 3 });
    b.exhaustUntil(MODEL, clock.now() + 100_000_000);
    await waitFor(async () => (await a.read(MODEL)).exhaustedUntil > 0, 'the day gate to reach Redis');
    assert.deepEqual(await a.take(MODEL, 10), { minuteWaitMs: 0, dayWaitMs: 100_000_000 });
    clock.advance(100_000_000);
    leaseOf(await a.take(MODEL, 10));
  });
});
