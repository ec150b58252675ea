/**
 * LlmGateway over the REAL groq-sdk (through GroqLlmClient) against the fake Groq on 127.0.0.1: retries and requeue
 * after 429, fallbacks, stalls, restarts, deadlines, auth, queue bounds and fairness. No assertion on speed.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TwinError } from '../../../src/core/errors.js';
import type { LlmCall, LlmEvent } from '../../../src/core/ports.js';
import type { LlmGateway } from '../../../src/llm/gateway/llm-gateway.js';
import { waitFor } from '../../support/wait-for.js';
import { closeGatewayRigs, gatewayRig, KEY, LIMITS, OSS20, OSS120 } from './gateway-rig.js';

afterEach(closeGatewayRigs);

function call(tenantId = 'discord:1', overrides: Partial<LlmCall> = {}): LlmCall {
  return {
    tenantId,
    messages: [
      { role: 'system', content: 'You are my digital twin. Answer in the first person.' },
      { role: 'user', content: `What do you work on? (${tenantId})` },
    ],
    deadline: Date.now() + 20_000,
    ...overrides,
  };
}

async function run(gateway: LlmGateway, c: LlmCall = call()): Promise<{ events: LlmEvent[]; error?: TwinError }> {
  const events: LlmEvent[] = [];
  try {
    for await (const event of gateway.stream(c)) events.push(event);
    return { events };
  } catch (err) {
    assert.ok(err instanceof TwinError, `expected a TwinError, got ${String(err)}`);
    return { events, error: err };
  }
}

const attempts = (events: LlmEvent[]) =>
  events.flatMap((e) => (e.type === 'attempt' ? [{ model: e.model, attempt: e.attempt, queueMs: e.queueMs }] : []));
const textAfterLastRestart = (events: LlmEvent[]) => {
  const last = events.map((e) => e.type).lastIndexOf('restart');
  return events
    .slice(last + 1)
    .map((e) => (e.type === 'delta' ? e.text : ''))
    .join('');
};

function rateLimitBody(scope: string, limit: number, retry: string) {
  return {
    error: {
      message: `Rate limit reached for model \`${OSS20}\` in organization \`org_x\` service tier \`on_demand\` on ${scope}: Limit ${limit}, Used ${limit}, Requested 1. Please try again in ${retry}.`,
      type: scope.includes('tokens') ? 'tokens' : 'requests',
      code: 'rate_limit_exceeded',
    },
  };
}

describe('LlmGateway', () => {
  it('streams an answer: attempt, limits, deltas, usage, done; settles the budget and logs the attempt', async () => {
    const { gateway, sink } = await gatewayRig();
    const { events, error } = await run(gateway);
    assert.equal(error, undefined);
    assert.deepEqual(
      [...new Set(events.map((e) => e.type))],
      ['attempt', 'limits', 'delta', 'usage', 'done'],
      'event kinds in order',
    );
    assert.deepEqual(
      attempts(events).map((a) => [a.model, a.attempt]),
      [[OSS20, 1]],
    );
    const usage = events.find((e) => e.type === 'usage');
    assert.ok(usage?.type === 'usage');
    const gauges = gateway.gauges();
    assert.equal(gauges.inFlight, 0);
    assert.equal(gauges.queued, 0);
    // the day budget refills slowly enough to see the real usage charged (the reservation was corrected)
    const remaining = gauges.models[OSS20]?.remaining.tpd ?? 0;
    const used = usage.promptTokens + usage.completionTokens;
    assert.ok(remaining >= LIMITS.tpd - used && remaining < LIMITS.tpd - used + 100, `${remaining}`);
    const [log] = sink.events('llm.attempt');
    assert.equal(log?.outcome, 'ok');
    assert.equal(log?.model, OSS20);
    assert.equal(log?.attempt, 1);
    assert.equal(log?.promptTokens, usage.promptTokens);
    assert.equal(typeof log?.queueMs, 'number');
    assert.equal(typeof log?.ttftMs, 'number');
    assert.ok(log?.limits);
  });

  it('after a 429 closes the gate until retry-after and requeues the call without holding a slot', async () => {
    const { fake, gateway, sink } = await gatewayRig({ gateway: { maxConcurrent: 1 } });
    fake.script({
      kind: 'error',
      status: 429,
      body: rateLimitBody('tokens per minute (TPM)', LIMITS.tpm, '300ms'),
      headers: { 'retry-after': '1', 'retry-after-ms': '300' },
    });
    const pending = run(gateway);
    await waitFor(() => fake.requests.length === 1 && sink.events('llm.attempt').length === 1);
    // the call waits in the queue, not in a slot
    await waitFor(() => gateway.gauges().queued === 1 && gateway.gauges().inFlight === 0);
    assert.ok(gateway.gauges().models[OSS20]?.closedUntil, 'the gate is closed');
    const { events, error } = await pending;
    assert.equal(error, undefined);
    const tries = attempts(events);
    assert.deepEqual(
      tries.map((a) => [a.model, a.attempt]),
      [
        [OSS20, 1],
        [OSS20, 2],
      ],
    );
    assert.ok((tries[1]?.queueMs ?? 0) >= 290, `second attempt waited for retry-after: ${tries[1]?.queueMs}`);
    assert.equal(events.filter((e) => e.type === 'restart').length, 0);
    assert.equal(sink.events('llm.attempt')[0]?.outcome, 'rate_limited');
    assert.equal(fake.requests.length, 2);
  });

  it('a per-day 429 marks the model exhausted and moves to the fallback model', async () => {
    const { fake, gateway } = await gatewayRig();
    fake.script({
      kind: 'error',
      status: 429,
      body: rateLimitBody('requests per day (RPD)', LIMITS.rpd, '1m26.4s'),
      headers: { 'retry-after': '87' },
    });
    const first = await run(gateway);
    assert.equal(first.error, undefined);
    assert.deepEqual(
      attempts(first.events).map((a) => a.model),
      [OSS20, OSS120],
    );
    const done = first.events.at(-1);
    assert.equal(done?.type === 'done' ? done.model : undefined, OSS120);
    assert.ok(gateway.gauges().models[OSS20]?.exhaustedUntil);
    const second = await run(gateway);
    assert.deepEqual(
      attempts(second.events).map((a) => a.model),
      [OSS120],
    );
    assert.deepEqual(
      fake.requests.map((r) => r.model),
      [OSS20, OSS120, OSS120],
    );
  });

  it('a decommissioned model moves to the fallback, and later calls skip it', async () => {
    const { fake, gateway } = await gatewayRig({ gateway: { models: ['llama-3.1-8b-instant', OSS20] } });
    const first = await run(gateway);
    assert.equal(first.error, undefined);
    assert.deepEqual(
      attempts(first.events).map((a) => a.model),
      ['llama-3.1-8b-instant', OSS20],
    );
    const second = await run(gateway);
    assert.deepEqual(
      attempts(second.events).map((a) => a.model),
      [OSS20],
    );
    assert.deepEqual(
      fake.requests.map((r) => r.status),
      [400, 200, 200],
    );
    assert.ok(gateway.gauges().models['llama-3.1-8b-instant']?.goneUntil);
  });

  it('fails with model_gone when no configured model is served', async () => {
    const { gateway } = await gatewayRig({ gateway: { models: ['llama-3.1-8b-instant'] } });
    const { error } = await run(gateway);
    assert.equal(error?.code, 'model_gone');
  });

  it('retries a stall before any text, without a restart', async () => {
    const { fake, gateway } = await gatewayRig({ stallTimeoutMs: 200 });
    fake.script({ kind: 'stall' });
    const { events, error } = await run(gateway);
    assert.equal(error, undefined);
    assert.deepEqual(
      attempts(events).map((a) => a.attempt),
      [1, 2],
    );
    assert.equal(events.filter((e) => e.type === 'restart').length, 0);
    assert.equal(events.at(-1)?.type, 'done');
  });

  it('a failure after text yields restart, then the retry streams the whole answer', async () => {
    const { fake, gateway } = await gatewayRig();
    fake.script({ kind: 'stream_error', afterChars: 30 });
    const { events, error } = await run(gateway);
    assert.equal(error, undefined);
    const kinds = events.map((e) => e.type);
    const restart = kinds.indexOf('restart');
    assert.ok(restart > kinds.indexOf('delta'), 'text came before the restart');
    assert.ok(kinds.lastIndexOf('attempt') > restart, 'the second attempt follows the restart');
    assert.equal(kinds.filter((k) => k === 'restart').length, 1);
    assert.match(textAfterLastRestart(events), /^Thanks for asking/);
    assert.equal(events.at(-1)?.type, 'done');
  });

  it('does not retry a bad request', async () => {
    const { fake, gateway } = await gatewayRig();
    fake.script({ kind: 'error', status: 400 });
    const { error } = await run(gateway);
    assert.equal(error?.code, 'bad_request');
    assert.equal(fake.requests.length, 1);
  });

  it('gives up after maxAttempts retryable failures', async () => {
    const { fake, gateway } = await gatewayRig({ gateway: { maxAttempts: 3, models: [OSS20] } });
    fake.script({ kind: 'error', status: 503 }, { kind: 'error', status: 503 }, { kind: 'error', status: 503 });
    const { events, error } = await run(gateway);
    assert.equal(error?.code, 'capacity');
    assert.equal(attempts(events).length, 3);
    assert.equal(fake.requests.length, 3);
  });

  it('opens the breaker after repeated failures and uses the fallback model', async () => {
    const { fake, gateway } = await gatewayRig({ gateway: { breaker: { failureThreshold: 2, cooldownMs: 60_000 } } });
    fake.script({ kind: 'error', status: 500 }, { kind: 'error', status: 500 });
    const { events, error } = await run(gateway);
    assert.equal(error, undefined);
    assert.deepEqual(
      attempts(events).map((a) => a.model),
      [OSS20, OSS20, OSS120],
    );
    assert.equal(gateway.gauges().models[OSS20]?.breaker, 'open');
  });

  it('fails at once with busy when the budget cannot admit the call before its deadline', async () => {
    const { fake, gateway } = await gatewayRig({
      gateway: { models: [OSS20], limits: { [OSS20]: { ...LIMITS, rpm: 1 } } },
    });
    assert.equal((await run(gateway)).error, undefined);
    const { events, error } = await run(gateway, call('discord:1', { deadline: Date.now() + 5_000 }));
    assert.equal(error?.code, 'busy');
    assert.ok((error?.retryAfterMs ?? 0) > 50_000, `retry after ${error?.retryAfterMs}`);
    assert.equal(attempts(events).length, 0);
    assert.equal(fake.requests.length, 1);
  });

  it('ends with deadline when the answer does not finish in time, without retrying', async () => {
    const { fake, gateway } = await gatewayRig({ fake: { latencyMs: 150 } });
    const { error } = await run(gateway, call('discord:1', { deadline: Date.now() + 100 }));
    assert.equal(error?.code, 'deadline');
    assert.equal(fake.requests.length, 1);
  });

  it('a refused key (401): one error log, then calls fail with auth at once without calling Groq', async () => {
    const { fake, gateway, sink } = await gatewayRig({
      fake: { apiKey: 'gsk_theRightKey000000' },
      gateway: { maxConcurrent: 1 },
    });
    const results = await Promise.all([run(gateway), run(gateway, call('discord:2')), run(gateway, call('slack:T1'))]);
    for (const { error } of results) assert.equal(error?.code, 'auth');
    const later = await run(gateway);
    assert.equal(later.error?.code, 'auth');
    assert.equal(fake.requests.length, 1);
    assert.equal(sink.records.filter((r) => r.level === 50).length, 1, 'one error record for the operator');
    assert.equal(sink.events('llm.auth').length, 1);
    assert.ok(!sink.text().includes(KEY), 'the key never reaches the logs');
    assert.ok(gateway.gauges().authBlockedUntil);
  });

  it("bounds each tenant's queue: past it, busy with a retry time", async () => {
    const { gateway } = await gatewayRig({
      fake: { latencyMs: 100 },
      gateway: { maxConcurrent: 1, maxQueuePerTenant: 2 },
    });
    const first = gateway.stream(call())[Symbol.asyncIterator]();
    let step = await first.next();
    while (step.value?.type !== 'attempt') step = await first.next();
    const queued = [run(gateway), run(gateway)];
    const over = await run(gateway);
    assert.equal(over.error?.code, 'busy');
    assert.ok((over.error?.retryAfterMs ?? 0) > 0);
    const other = run(gateway, call('discord:other'));
    assert.equal(gateway.gauges().queueDepth['discord:other'], 1, 'another tenant still gets in');
    while (!(await first.next()).done) {}
    for (const result of await Promise.all([...queued, other])) assert.equal(result.error, undefined);
  });

  it('admits round-robin: A floods 10, B and C are among the first 3 to reach Groq; places are reported', async () => {
    const { fake, gateway } = await gatewayRig({ fake: { latencyMs: 5 }, gateway: { maxConcurrent: 1 } });
    const runs = [
      ...Array.from({ length: 10 }, () => run(gateway, call('discord:A'))),
      run(gateway, call('discord:B')),
      run(gateway, call('discord:C')),
    ];
    const results = await Promise.all(runs);
    for (const { error } of results) assert.equal(error, undefined);
    const tenants = fake.requests.map((r) => /\((discord:\w)\)/.exec(JSON.stringify(r.body.messages))?.[1]);
    assert.deepEqual(tenants.slice(0, 3).sort(), ['discord:A', 'discord:B', 'discord:C']);
    const lastA = results[9]?.events
      .filter((e) => e.type === 'queued')
      .map((e) => (e.type === 'queued' ? e.position : 0));
    assert.ok(lastA && lastA.length > 1, 'the last A call heard about its place');
    // 10th of A's queue at first; 12th once B and C joined the round; then down to 1
    assert.deepEqual(lastA.slice(0, 2), [10, 12]);
    assert.ok(
      lastA.slice(1).every((p, i) => i === 0 || p < (lastA[i] as number)),
      `positions go down: ${lastA.join(',')}`,
    );
    assert.equal(lastA.at(-1), 1);
  });

  it('learns lower limits than configured from headers and from a 429 text', async () => {
    const { fake, gateway } = await gatewayRig({
      fake: { limits: { tpm: 8_000, rpd: 1_000 } },
      gateway: { models: [OSS20], limits: { [OSS20]: { rpm: 60, tpm: 16_000, rpd: 2_000, tpd: 400_000 } } },
    });
    assert.equal((await run(gateway)).error, undefined);
    assert.deepEqual(gateway.gauges().models[OSS20]?.limits, { rpm: 60, tpm: 8_000, rpd: 1_000, tpd: 400_000 });
    fake.script({
      kind: 'error',
      status: 429,
      body: rateLimitBody('requests per minute (RPM)', 30, '50ms'),
      headers: { 'retry-after-ms': '50' },
    });
    assert.equal((await run(gateway)).error, undefined);
    assert.equal(gateway.gauges().models[OSS20]?.limits.rpm, 30);
  });

  it('a caller abort while queued ends the call with aborted and frees its place', async () => {
    const { gateway } = await gatewayRig({ fake: { latencyMs: 100 }, gateway: { maxConcurrent: 1 } });
    const first = run(gateway);
    await waitFor(() => gateway.gauges().inFlight === 1);
    const controller = new AbortController();
    const second = run(gateway, call('discord:2', { signal: controller.signal }));
    await waitFor(() => gateway.gauges().queued === 1);
    controller.abort();
    assert.equal((await second).error?.code, 'aborted');
    assert.equal(gateway.gauges().queued, 0);
    assert.equal((await first).error, undefined);
  });
});
