/**
 * GroqLlmClient driving the REAL groq-sdk over a socket against the fake Groq: the answer stream, usage, limits, and
 * every error class translated into a TwinError.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { TwinError } from '../../src/core/errors.js';
import type { LlmCall, LlmEvent, Logger } from '../../src/core/ports.js';
import { GroqLlmClient, type GroqLlmClientOptions } from '../../src/llm/groq-llm-client.js';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { waitFor } from '../support/wait-for.js';

const KEY = 'gsk_testkey0123456789abcdef';
const MODEL = 'openai/gpt-oss-20b';

let fake: FakeGroq;

function client(overrides: Partial<GroqLlmClientOptions> = {}): GroqLlmClient {
  return new GroqLlmClient({
    apiKey: KEY,
    baseURL: fake.url,
    model: MODEL,
    temperature: 0.7,
    maxTokens: 500,
    // why: generous, so only the stall tests (which set their own) depend on a stream pausing; a loaded machine must not.
    stallTimeoutMs: 5_000,
    ...overrides,
  });
}

function call(overrides: Partial<LlmCall> = {}): LlmCall {
  return {
    tenantId: 'console:local',
    messages: [
      { role: 'system', content: 'You are my digital twin.' },
      { role: 'user', content: 'What do you work on?' },
    ],
    deadline: Date.now() + 10_000,
    ...overrides,
  };
}

async function run(c: GroqLlmClient, llmCall: LlmCall = call()): Promise<{ events: LlmEvent[]; error?: TwinError }> {
  const events: LlmEvent[] = [];
  try {
    for await (const event of c.stream(llmCall)) events.push(event);
    return { events };
  } catch (err) {
    assert.ok(err instanceof TwinError, `expected a TwinError, got ${String(err)}`);
    return { events, error: err };
  }
}

/** Waits for a condition the server learns asynchronously (a socket close), polling without a time assertion. */
function text(events: LlmEvent[]): string {
  return events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
}

before(async () => {
  fake = await startFakeGroq({ apiKey: KEY, limits: { rpd: 1000, tpm: 8000 } });
});
after(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('GroqLlmClient answers', () => {
  test('streams limits, deltas, usage from x_groq, then done', async () => {
    fake.script({
      kind: 'answer',
      text: 'I build digital twins for a living.',
      usage: { prompt_tokens: 42, completion_tokens: 9 },
    });
    const { events, error } = await run(client());
    assert.equal(error, undefined);
    assert.deepEqual(
      events.map((e) => e.type).filter((t, i, all) => t !== 'delta' || all[i - 1] !== 'delta'),
      ['limits', 'delta', 'usage', 'done'],
    );
    assert.equal(text(events), 'I build digital twins for a living.');
    assert.deepEqual(events.at(-2), { type: 'usage', model: MODEL, promptTokens: 42, completionTokens: 9 });
    assert.deepEqual(events.at(-1), { type: 'done', model: MODEL, finishReason: 'stop' });
  });

  test('a separate usage chunk is read but never counted twice', async () => {
    fake.script({
      kind: 'answer',
      text: 'Hello.',
      usage: { prompt_tokens: 10, completion_tokens: 2 },
      usageChunk: true,
    });
    const { events } = await run(client());
    const usages = events.filter((e) => e.type === 'usage');
    assert.deepEqual(usages, [{ type: 'usage', model: MODEL, promptTokens: 10, completionTokens: 2 }]);
  });

  test('the limits event carries the rate-limit headers (requests per day, tokens per minute)', async () => {
    const { events } = await run(client());
    const limits = events[0];
    assert.ok(limits?.type === 'limits');
    assert.equal(limits.model, MODEL);
    assert.equal(limits.limits.requestsLimit, 1000);
    assert.equal(limits.limits.requestsRemaining, 999);
    assert.equal(limits.limits.tokensLimit, 8000);
    assert.ok((limits.limits.tokensRemaining ?? 0) < 8000);
    assert.ok((limits.limits.tokensResetMs ?? 0) > 0);
    assert.ok((limits.limits.requestsResetMs ?? 0) > 0);
  });

  test('sends one attempt with the model, max_completion_tokens, temperature, no SDK retries', async () => {
    fake.script({ kind: 'error', status: 503 });
    const { error } = await run(client(), call({ model: 'openai/gpt-oss-120b', maxTokens: 123 }));
    assert.equal(error?.code, 'capacity');
    assert.equal(fake.requests.length, 1, 'maxRetries 0: exactly one HTTP request');
    const body = fake.requests[0]?.body;
    assert.equal(body?.model, 'openai/gpt-oss-120b');
    assert.equal(body?.max_completion_tokens, 123);
    assert.equal(body?.temperature, 0.7);
    assert.equal(body?.stream, true);
    assert.equal(fake.requests[0]?.headers.authorization, `Bearer ${KEY}`);
  });

  test('gpt-oss: low reasoning effort, reasoning hidden, and no reasoning text in the deltas', async () => {
    const { events } = await run(client());
    const body = fake.requests[0]?.body;
    assert.equal(body?.reasoning_effort, 'low');
    assert.equal(body?.include_reasoning, false);
    assert.equal(body?.reasoning_format, undefined);
    assert.doesNotMatch(text(events), /The user asks about my background/);
    assert.match(text(events), /^Thanks for asking "What do you work on\?"/);
    const usage = events.find((e) => e.type === 'usage');
    assert.ok(usage?.type === 'usage' && usage.completionTokens > 0);
  });

  test('qwen3: reasoning_effort none (all it accepts besides default), reasoning hidden', async () => {
    const { events, error } = await run(client({ model: 'qwen/qwen3-32b' }));
    assert.equal(error, undefined);
    assert.equal(fake.requests[0]?.body.reasoning_effort, 'none');
    assert.doesNotMatch(text(events), /<think>|background/);
  });

  test('a finish by length is reported', async () => {
    const { events } = await run(client(), call({ maxTokens: 25 }));
    assert.deepEqual(events.at(-1), { type: 'done', model: MODEL, finishReason: 'length' });
  });

  test('one debug record per call with its outcome, never the key; an infinite deadline sets no timer', async () => {
    const records: { obj: Record<string, unknown>; msg?: string }[] = [];
    const logger: Logger = {
      debug: (obj, msg) => records.push({ obj: obj as Record<string, unknown>, msg }),
      info: () => {},
      warn: () => {},
      error: () => {},
      child: () => logger,
    };
    const ok = await run(client({ logger }), call({ deadline: Number.POSITIVE_INFINITY }));
    assert.equal(ok.error, undefined);
    await run(client({ logger, apiKey: 'gsk_wrongkey9876543210zyxw' }));
    assert.equal(records.length, 2);
    assert.equal(records[0]?.obj.event, 'groq.call');
    assert.equal(records[0]?.obj.finishReason, 'stop');
    assert.equal(records[1]?.obj.code, 'auth');
    assert.doesNotMatch(JSON.stringify(records), /wrongkey|testkey/);
  });

  test('models lists the model then the fallbacks', () => {
    const c = client({ fallbackModels: ['openai/gpt-oss-120b', MODEL, 'qwen/qwen3-32b'] });
    assert.deepEqual(c.models, [MODEL, 'openai/gpt-oss-120b', 'qwen/qwen3-32b']);
  });
});

describe('GroqLlmClient errors', () => {
  test('401 -> auth, not retryable, and the key is in no message', async () => {
    const { error } = await run(client({ apiKey: 'gsk_wrongkey9876543210zyxw' }));
    assert.equal(error?.code, 'auth');
    assert.equal(error?.retryable, false);
    assert.equal(error?.status, 401);
    assert.doesNotMatch(error?.message ?? '', /gsk_wrongkey/);
  });

  test('a key echoed back by the server is masked and the raw error is not kept', async () => {
    fake.script({
      kind: 'error',
      status: 401,
      body: {
        error: {
          message: `Invalid API Key ${KEY} (Bearer ${KEY})`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    });
    const { error } = await run(client());
    assert.equal(error?.code, 'auth');
    assert.ok(!error?.message.includes(KEY));
    assert.ok(!error?.message.includes('testkey'));
    assert.equal(error?.cause, undefined);
  });

  test('400 model_decommissioned -> model_gone', async () => {
    const { error } = await run(client({ model: 'llama-3.1-8b-instant' }));
    assert.equal(error?.code, 'model_gone');
    assert.equal(error?.status, 400);
    assert.equal(error?.model, 'llama-3.1-8b-instant');
    assert.equal(fake.requests[0]?.body.reasoning_effort, undefined, 'no reasoning params for llama');
  });

  test('404 model_not_found -> model_gone', async () => {
    const { error } = await run(client({ model: 'nobody/no-such-model' }));
    assert.equal(error?.code, 'model_gone');
    assert.equal(error?.status, 404);
  });

  test('413 -> too_large, not retryable', async () => {
    const big = 'profile fact '.repeat(4000);
    const { error } = await run(client(), call({ messages: [{ role: 'user', content: big }] }));
    assert.equal(error?.code, 'too_large');
    assert.equal(error?.status, 413);
    assert.equal(error?.retryable, false);
  });

  test('429 -> rate_limited with retry-after, a minute scope, and the limits yielded first', async () => {
    fake.script({
      kind: 'error',
      status: 429,
      headers: { 'retry-after': '6' },
      body: {
        error: {
          message:
            'Rate limit reached for model `openai/gpt-oss-20b` in organization `org_x` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Used 5000, Requested 1500. Please try again in 5.2s. Need more tokens?',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      },
    });
    const { events, error } = await run(client());
    assert.equal(error?.code, 'rate_limited');
    assert.equal(error?.retryable, true);
    assert.equal(error?.retryAfterMs, 6000);
    assert.equal(error?.limitScope, 'minute');
    assert.equal(events[0]?.type, 'limits');
  });

  test('429 on a daily limit -> day scope; without retry-after the message text gives the wait', async () => {
    fake.script({
      kind: 'error',
      status: 429,
      headers: { 'retry-after': '' },
      body: {
        error: {
          message:
            'Rate limit reached for model `openai/gpt-oss-20b` in organization `org_x` service tier `on_demand` on requests per day (RPD): Limit 1000, Used 1000, Requested 1. Please try again in 1m26.4s. Need more tokens?',
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
      },
    });
    const { error } = await run(client());
    assert.equal(error?.code, 'rate_limited');
    assert.equal(error?.limitScope, 'day');
    assert.equal(error?.retryAfterMs, 86_400);
  });

  test('498 -> capacity; 503 -> capacity; 500 -> upstream; all retryable', async () => {
    for (const [status, code] of [
      [498, 'capacity'],
      [503, 'capacity'],
      [500, 'upstream'],
    ] as const) {
      fake.script({ kind: 'error', status });
      const { error } = await run(client());
      assert.equal(error?.code, code, `status ${status}`);
      assert.equal(error?.status, status);
      assert.equal(error?.retryable, true);
    }
  });

  test('a stall before the headers -> timeout', async () => {
    fake.script({ kind: 'stall' });
    const { events, error } = await run(client({ stallTimeoutMs: 150 }));
    assert.equal(error?.code, 'timeout');
    assert.equal(error?.retryable, true);
    assert.equal(events.length, 0);
  });

  test('a stall mid-stream -> timeout after the text so far, and the connection is closed', async () => {
    fake.script({ kind: 'stall', afterChars: 20 });
    const { events, error } = await run(client({ stallTimeoutMs: 150 }));
    assert.equal(error?.code, 'timeout');
    assert.equal(text(events).length, 20);
    assert.equal(fake.stats().stalls, 1);
    await waitFor(() => fake.requests[0]?.clientClosed === true);
  });

  test('a stall after the first tokens is given up after GROQ_STALL_S, not GROQ_TIMEOUT', async () => {
    fake.script({ kind: 'stall', afterChars: 20 });
    // why: with a 60 s first-token timeout, only the short idle limit can end this before the 5 s deadline does.
    const { events, error } = await run(
      client({ stallTimeoutMs: 60_000, stallAfterFirstTokenMs: 150 }),
      call({ deadline: Date.now() + 5_000 }),
    );
    assert.equal(error?.code, 'timeout');
    assert.equal(error?.retryable, true);
    assert.match(error?.message ?? '', /150 ms/);
    assert.equal(text(events).length, 20);
  });

  test('an error inside the stream -> upstream', async () => {
    fake.script({
      kind: 'stream_error',
      afterChars: 10,
      error: { message: 'model crashed', type: 'internal_server_error' },
    });
    const { events, error } = await run(client());
    assert.equal(error?.code, 'upstream');
    assert.equal(error?.status, undefined);
    assert.match(error?.message ?? '', /model crashed/);
    assert.equal(text(events).length, 10);
  });

  test('a dropped connection mid-stream -> network, retryable, after the text so far', async () => {
    fake.script({ kind: 'drop', afterChars: 10 });
    const { events, error } = await run(client());
    assert.equal(error?.code, 'network');
    assert.equal(error?.retryable, true);
    assert.equal(text(events).length, 10);
  });

  test('an unreachable server -> network', async () => {
    const { error } = await run(client({ baseURL: 'http://127.0.0.1:1' }));
    assert.equal(error?.code, 'network');
  });

  test('a wrong base URL (404 that is not about the model) -> config', async () => {
    const { error } = await run(client({ baseURL: `${fake.url}/openai/v1` }));
    assert.equal(error?.code, 'config');
    assert.equal(error?.retryable, false);
  });

  test('the deadline passing mid-stream -> deadline', async () => {
    fake.script({ kind: 'stall', afterChars: 5 });
    const { error } = await run(client({ stallTimeoutMs: 5_000 }), call({ deadline: Date.now() + 150 }));
    assert.equal(error?.code, 'deadline');
  });

  test('a deadline already past -> deadline without calling Groq', async () => {
    const { error } = await run(client(), call({ deadline: Date.now() - 1 }));
    assert.equal(error?.code, 'deadline');
    assert.equal(fake.requests.length, 0);
  });

  test('the caller aborting -> aborted, before and during the request', async () => {
    const early = new AbortController();
    early.abort();
    assert.equal((await run(client(), call({ signal: early.signal }))).error?.code, 'aborted');
    assert.equal(fake.requests.length, 0);

    fake.script({ kind: 'stall', afterChars: 5 });
    const late = new AbortController();
    const c = client({ stallTimeoutMs: 5_000 });
    const events: LlmEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of c.stream(call({ signal: late.signal }))) {
          events.push(event);
          if (event.type === 'delta') late.abort();
        }
      })(),
      (err: unknown) => err instanceof TwinError && err.code === 'aborted',
    );
  });

  test('stopping early (break) closes the HTTP stream', async () => {
    fake.script({ kind: 'stall', afterChars: 5 });
    for await (const event of client({ stallTimeoutMs: 5_000 }).stream(call())) {
      if (event.type === 'delta') break;
    }
    await waitFor(() => fake.requests[0]?.clientClosed === true);
    const { error } = await run(client());
    assert.equal(error, undefined);
  });
});
