/**
 * An experiment arm's call through the gateway over the REAL groq-sdk against the fake Groq: its own model order and
 * temperature reach Groq, each model's budget is spent by the calls that used it, and a retired arm model falls back
 * along the arm's own list, as GROQ_FALLBACK_MODELS do for every call.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TwinError } from '../../../src/core/errors.js';
import type { LlmCall, LlmEvent } from '../../../src/core/ports.js';
import type { LlmGateway } from '../../../src/llm/gateway/llm-gateway.js';
import type { FakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { closeGatewayRigs, gatewayRig, LIMITS, OSS20, OSS120 } from './gateway-rig.js';

const QWEN = 'qwen/qwen3-32b';
const RETIRED = 'llama-3.1-8b-instant';

let fake: FakeGroq | undefined;
afterEach(closeGatewayRigs);

/** A gateway whose fake Groq answers with the model's name, so which model answered shows in the text. */
async function start(models: string[]): Promise<LlmGateway> {
  const rig = await gatewayRig({
    fake: { answer: (body) => `Answered by ${body.model}.` },
    gateway: { models },
    stallTimeoutMs: 2_000,
  });
  fake = rig.fake;
  return rig.gateway;
}

const call = (overrides: Partial<LlmCall> = {}): LlmCall => ({
  tenantId: 'discord:1',
  messages: [{ role: 'user', content: 'Where did you study?' }],
  deadline: Date.now() + 20_000,
  ...overrides,
});

async function run(g: LlmGateway, c: LlmCall): Promise<LlmEvent[]> {
  const events: LlmEvent[] = [];
  for await (const e of g.stream(c)) events.push(e);
  return events;
}

const text = (events: LlmEvent[]) => events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');

describe('LlmGateway: a call with its own models and temperature', () => {
  it("sends the arm's model and temperature; a call without them gets the configured ones", async () => {
    const g = await start([OSS20, OSS120, QWEN]);
    assert.equal(text(await run(g, call({ models: [OSS120, OSS20], temperature: 0.3 }))), `Answered by ${OSS120}.`);
    assert.equal(text(await run(g, call())), `Answered by ${OSS20}.`);
    assert.deepEqual(
      fake?.requests.map((r) => [r.model, r.body.temperature]),
      [
        [OSS120, 0.3],
        [OSS20, 0.7],
      ],
    );
    // why: budgets refill continuously, so a spent request shows as a bit less than one below the limit.
    const spent = (model: string) => LIMITS.rpd - (g.gauges().models[model]?.remaining.rpd ?? 0);
    assert.ok(spent(OSS120) > 0.5, "the arm's call spent its own model's budget");
    assert.ok(spent(OSS20) > 0.5);
    assert.equal(spent(QWEN), 0);
  });

  it("falls back along the arm's list when its model is retired, and remembers that for other calls", async () => {
    const g = await start([OSS20, RETIRED, OSS120]);
    const events = await run(g, call({ models: [RETIRED, OSS120] }));
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'attempt' ? [e.model] : [])),
      [RETIRED, OSS120],
    );
    assert.equal(text(events), `Answered by ${OSS120}.`);
    await run(g, call({ models: [RETIRED, OSS120] }));
    assert.equal(fake?.requests.filter((r) => r.model === RETIRED).length, 1, 'the retired model is skipped after');
  });

  it('refuses a call naming a model it keeps no budget for, instead of spending an unknown budget', async () => {
    const g = await start([OSS20]);
    await assert.rejects(
      run(g, call({ models: [QWEN] })),
      (err: unknown) => err instanceof TwinError && err.code === 'config' && /qwen\/qwen3-32b/.test(err.message),
    );
    assert.equal(fake?.requests.length, 0);
  });

  it('the fake refuses a temperature Groq refuses, so a bad one cannot pass unnoticed', async () => {
    const g = await start([OSS20]);
    await assert.rejects(run(g, call({ temperature: 2.5 })), (err: unknown) => err instanceof TwinError);
    assert.equal(fake?.requests[0]?.status, 400);
  });
});
