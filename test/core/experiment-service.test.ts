/**
 * TwinService in an experiment, with an LlmClient that answers as the model it is asked for (the port, not a module
 * of ours) and the real ledger: the arm on every row, open and final, refusals and cache hits included; the arm's
 * model, temperature and prompt style in the call; and the answer cache per arm, across tenants, never for follow-ups.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Experiment } from '../../src/core/experiments/experiment.js';
import { assignArm } from '../../src/core/experiments/experiment.js';
import { PROMPT_VARIANTS } from '../../src/core/experiments/prompt-variants.js';
import type { LlmCall, LlmClient, LlmEvent, ProfileRetriever, UsageStore } from '../../src/core/ports.js';
import { TwinService } from '../../src/core/twin-service.js';
import type { ReplyEvent, UsageRecord } from '../../src/core/types.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { ADA_CHUNK, ADA_PROFILE, askAda } from '../support/ada-quill.js';
import { FakeClock } from '../support/fake-clock.js';
import { silentLogger } from '../support/silent-logger.js';

const chunk = ADA_CHUNK;
const profile = ADA_PROFILE;
const retriever: ProfileRetriever = { name: 'fixed', retrieve: async () => [{ chunk, score: 1 }] };

const experiment: Experiment = {
  name: 'tone-test',
  arms: [
    { name: 'small', model: 'model-small', temperature: 0.7, weight: 1 },
    { name: 'large', model: 'model-large', temperature: 0.3, weight: 1, prompt: PROMPT_VARIANTS[1] },
  ],
};

/** Answers as the first model the call names; its first token comes 250 ms (fake time) after the call. */
class ModelLlm implements LlmClient {
  readonly models = ['model-default', 'model-small', 'model-large'];
  readonly calls: LlmCall[] = [];
  constructor(private readonly clock: FakeClock) {}
  async *stream(call: LlmCall): AsyncGenerator<LlmEvent> {
    this.calls.push(call);
    const model = call.models?.[0] ?? 'model-default';
    yield { type: 'attempt', model, attempt: 1, queueMs: 0 };
    this.clock.advance(250);
    yield { type: 'delta', text: `I studied physics at Harlow (${model}).` };
    yield { type: 'usage', model, promptTokens: 300, completionTokens: 40 };
    yield { type: 'done', model };
  }
}

/** The real ledger, with every row `open` wrote kept aside (a decorator of the port). */
class SeenRows implements UsageStore {
  readonly opened: Parameters<UsageStore['open']>[0][] = [];
  constructor(readonly store: LibsqlUsageStore) {}
  async open(row: Parameters<UsageStore['open']>[0]) {
    this.opened.push(row);
    await this.store.open(row);
  }
  record = (r: UsageRecord) => this.store.record(r);
  summarize = (q: Parameters<UsageStore['summarize']>[0]) => this.store.summarize(q);
  close = () => this.store.close();
}

const request = askAda;

async function final(stream: AsyncIterable<ReplyEvent>): Promise<ReplyEvent> {
  let last: ReplyEvent | undefined;
  for await (const e of stream) last = e;
  return last as ReplyEvent;
}

/** A user id in the given arm of tenant `discord:1` (the hash decides; the test looks it up). */
function userIn(arm: string, tenantId = 'discord:1', skip = 0): string {
  let found = 0;
  for (let i = 0; ; i++) {
    if (assignArm(experiment, tenantId, `user-${i}`)?.arm.name === arm && found++ === skip) return `user-${i}`;
  }
}

describe('TwinService in an experiment', () => {
  let store: LibsqlUsageStore;
  let usage: SeenRows;
  let clock: FakeClock;
  let llm: ModelLlm;
  let twin: TwinService;

  before(async () => {
    clock = new FakeClock(Date.UTC(2026, 11, 1, 12));
    store = await LibsqlUsageStore.open({ url: ':memory:', clock });
    usage = new SeenRows(store);
    llm = new ModelLlm(clock);
    twin = new TwinService({
      profile,
      retriever,
      llm,
      usage,
      logger: silentLogger,
      clock,
      experiment,
      modelChain: (model) => [model, 'model-default'],
      cacheStore: store.keyValues,
      estimateCost: (_m, p, c) => (p + c) / 1_000_000,
      options: { deadlineMs: 5_000, userRate: { perMinute: 100, concurrent: 10 }, admins: [], maxTokens: 500 },
    });
  });
  after(async () => store.close());

  const rows = async () => {
    const out: UsageRecord[] = [];
    for await (const r of store.exportRecords({ from: 0, to: clock.now() + 1 })) out.push(r);
    return out;
  };

  test("each arm's model, fallbacks, temperature and prompt style reach the call; the arm is on the open row and the final one", async () => {
    const small = userIn('small');
    const large = userIn('large');
    const a = await final(twin.ask(request('Where did you study?', { userId: small })));
    const b = await final(twin.ask(request('Where did you study?', { userId: large })));
    assert.equal(a.type === 'final' && a.answer.text, 'I studied physics at Harlow (model-small).');
    assert.equal(b.type === 'final' && b.answer.text, 'I studied physics at Harlow (model-large).');
    const [callA, callB] = llm.calls.slice(-2);
    assert.deepEqual([callA?.models, callA?.temperature], [['model-small', 'model-default'], 0.7]);
    assert.deepEqual([callB?.models, callB?.temperature], [['model-large', 'model-default'], 0.3]);
    assert.match(callB?.messages[0]?.content ?? '', /Be direct and brief: one to three sentences/);
    assert.doesNotMatch(callA?.messages[0]?.content ?? '', /Be direct and brief/);

    // why: a request's row is opened at admission and brought up to date while it streams; every write has the arm.
    const opened = usage.opened.filter((r) => r.userId === small || r.userId === large);
    assert.ok(opened.length >= 2);
    assert.deepEqual(
      [...new Set(opened.map((r) => JSON.stringify([r.userId, r.experiment, r.arm])))].map((j) => JSON.parse(j)),
      [
        [small, 'tone-test', 'small'],
        [large, 'tone-test', 'large'],
      ],
    );
    const finals = (await rows()).filter((r) => r.userId === small || r.userId === large);
    assert.deepEqual(
      finals.map((r) => [r.userId, r.experiment, r.arm, r.model, r.ttftMs, r.cached]),
      [
        [small, 'tone-test', 'small', 'model-small', 250, undefined],
        [large, 'tone-test', 'large', 'model-large', 250, undefined],
      ],
    );
  });

  test('a refusal carries the arm too', async () => {
    const user = userIn('large', 'discord:1', 1);
    await final(twin.ask(request('   ', { userId: user })));
    const row = (await rows()).find((r) => r.userId === user && r.outcome === 'refused');
    assert.deepEqual([row?.outcome, row?.arm, row?.experiment], ['refused', 'large', 'tone-test']);
  });

  test('a cache hit: same arm, another user and another tenant; no tokens, no cost, the tokens it saved', async () => {
    const calls = llm.calls.length;
    const other = userIn('small', 'slack:T9');
    const hit = await final(
      twin.ask(request('where did you study', { tenantId: 'slack:T9', userId: other, platform: 'slack' })),
    );
    assert.equal(hit.type === 'final' && hit.answer.text, 'I studied physics at Harlow (model-small).');
    assert.equal(llm.calls.length, calls, 'no model call');
    const row = (await rows()).find((r) => r.userId === other && r.tenantId === 'slack:T9');
    assert.deepEqual(
      [row?.arm, row?.cached, row?.savedTokens, row?.totalTokens, row?.costUsd, row?.model, row?.ttftMs],
      ['small', true, 340, 0, 0, 'model-small', undefined],
    );
  });

  test('arms never share an answer: the same question in the other arm asks its own model', async () => {
    const calls = llm.calls.length;
    const large = userIn('large', 'slack:T9');
    const reply = await final(twin.ask(request('Where did you study?', { tenantId: 'slack:T9', userId: large })));
    assert.equal(reply.type === 'final' && reply.answer.text, 'I studied physics at Harlow (model-large).');
    assert.equal(llm.calls.length, calls, 'the large arm answered this question before, in discord:1');
  });

  test('a follow-up is neither served from the cache nor cached: its answer depends on the conversation', async () => {
    const user = userIn('small', 'discord:1', 2);
    const history = [
      { role: 'user' as const, text: 'Tell me about your studies.' },
      { role: 'twin' as const, text: 'I studied physics.' },
    ];
    const before = llm.calls.length;
    await final(twin.ask(request('Where did you study?', { userId: user, history })));
    await final(twin.ask(request('Where was that?', { userId: user, history })));
    await final(twin.ask(request('Where was that?', { userId: userIn('small', 'discord:2') })));
    assert.equal(llm.calls.length, before + 3);
    const mine = (await rows()).filter((r) => r.userId === user && r.tenantId === 'discord:1');
    assert.deepEqual(
      mine.map((r) => r.cached),
      [undefined, undefined],
    );
  });
});
