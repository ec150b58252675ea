/**
 * The fake Groq itself: its wire format (read with plain fetch and with groq-sdk), its limit enforcement with a
 * controllable clock, reasoning shown unless hidden, scripts, seeded faults and reset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Groq from 'groq-sdk';
import { parseGoDuration, parseRateLimitHeaders } from '../../src/llm/rate-limit-headers.js';
import { type FakeGroq, type FakeGroqOptions, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { countPromptTokens, formatGoDuration } from '../fakes/groq/groq-wire.js';

const MODEL = 'openai/gpt-oss-20b';
const messages = [{ role: 'user', content: 'Where did you study?' }];

async function post(fake: FakeGroq, body: Record<string, unknown>, key = 'k'): Promise<Response> {
  return fetch(`${fake.url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages, ...body }),
  });
}

/** The `data:` payloads of an SSE body. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

const started: FakeGroq[] = [];
async function start(options: FakeGroqOptions = {}): Promise<FakeGroq> {
  const fake = await startFakeGroq(options);
  started.push(fake);
  return fake;
}
after(async () => {
  await Promise.all(started.map((fake) => fake.close()));
});

describe('fake Groq wire format', () => {
  let fake: FakeGroq;
  before(async () => {
    fake = await start();
  });

  test('SSE chunks, x_groq.usage on the final chunk, [DONE], and rate-limit headers', async () => {
    const res = await post(fake, { stream: true, include_reasoning: false, max_completion_tokens: 200 });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    for (const name of [
      'limit-requests',
      'remaining-requests',
      'reset-requests',
      'limit-tokens',
      'remaining-tokens',
      'reset-tokens',
    ]) {
      assert.ok(res.headers.get(`x-ratelimit-${name}`), name);
    }
    assert.equal(res.headers.get('retry-after'), null);
    const data = sseData(await res.text());
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === MODEL));
    const final = chunks.at(-1);
    assert.equal(final.choices[0].finish_reason, 'stop');
    const usage = final.x_groq.usage;
    for (const field of [
      'prompt_tokens',
      'completion_tokens',
      'total_tokens',
      'queue_time',
      'prompt_time',
      'completion_time',
      'total_time',
    ]) {
      assert.equal(typeof usage[field], 'number', field);
    }
    assert.equal(usage.prompt_tokens, countPromptTokens(messages));
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.ok(
      chunks.every((c) => c.choices[0].delta.reasoning === undefined),
      'reasoning hidden',
    );
  });

  test('a usage chunk when the request asks for it (stream_options.include_usage)', async () => {
    const res = await post(fake, { stream: true, stream_options: { include_usage: true } });
    const chunks = sseData(await res.text())
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(usageChunk.usage.total_tokens, chunks.at(-2).x_groq.usage.total_tokens);
  });

  test('gpt-oss shows reasoning deltas unless hidden; reasoning tokens count as completion tokens', async () => {
    const shown = sseData(await (await post(fake, { stream: true })).text())
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    assert.ok(shown.some((c) => typeof c.choices[0]?.delta.reasoning === 'string'));
    const hidden = sseData(await (await post(fake, { stream: true, reasoning_format: 'hidden' })).text())
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    assert.ok(hidden.every((c) => c.choices[0]?.delta.reasoning === undefined));
    assert.equal(shown.at(-1).x_groq.usage.completion_tokens, hidden.at(-1).x_groq.usage.completion_tokens);
  });

  test('a JSON completion when stream is false, read by groq-sdk', async () => {
    const groq = new Groq({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    const completion = await groq.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.choices[0]?.message.content ?? '', /^Thanks for asking "Hi"/);
    assert.equal(typeof completion.choices[0]?.message.reasoning, 'string');
    assert.ok((completion.usage?.total_tokens ?? 0) > 0);
    assert.equal(fake.requests.at(-1)?.stream, false);
  });

  test('Groq error bodies: 401, 400 decommissioned, 404 unknown, 400 conflicting reasoning params', async () => {
    const strict = await start({ apiKey: 'right' });
    const denied = await post(strict, {}, 'wrong');
    assert.equal(denied.status, 401);
    assert.deepEqual(await denied.json(), {
      error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    const retired = await post(fake, { model: 'llama-3.3-70b-versatile' });
    assert.equal(retired.status, 400);
    assert.equal(((await retired.json()) as { error: { code: string } }).error.code, 'model_decommissioned');
    const unknown = await post(fake, { model: 'acme/unknown' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'model_not_found');
    const both = await post(fake, { include_reasoning: false, reasoning_format: 'hidden' });
    assert.equal(both.status, 400);
    const wrongEffort = await post(fake, { model: 'qwen/qwen3-32b', reasoning_effort: 'low' });
    assert.equal(wrongEffort.status, 400);
  });

  test('a custom answer, chunking and max_completion_tokens truncation with finish_reason length', async () => {
    const custom = await start({ answer: () => 'one two three four five six seven eight nine ten', chunkChars: 4 });
    const res = await post(custom, {
      stream: true,
      include_reasoning: false,
      reasoning_effort: 'low',
      max_completion_tokens: 25,
    });
    const chunks = sseData(await res.text())
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.ok(text.length > 0 && text.length < 'one two three four five six seven eight nine ten'.length);
    assert.ok(chunks.every((c) => (c.choices[0]?.delta.content ?? '').length <= 4));
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'length');
    assert.equal(chunks.at(-1).x_groq.usage.completion_tokens, 25);
  });
});

describe('fake Groq extras', () => {
  test('GET /openai/v1/models lists the served models (auth required)', async () => {
    const fake = await start({ apiKey: 'k', models: ['openai/gpt-oss-20b'] });
    const ok = await fetch(`${fake.url}/openai/v1/models`, { headers: { authorization: 'Bearer k' } });
    assert.deepEqual(
      ((await ok.json()) as { data: { id: string }[] }).data.map((m) => m.id),
      ['openai/gpt-oss-20b'],
    );
    assert.equal((await fetch(`${fake.url}/openai/v1/models`)).status, 401);
  });

  test('retryAfterMsHeader adds retry-after-ms to 429s', async () => {
    const fake = await start({ limits: { rpm: 1 }, windowMs: 1_000, retryAfterMsHeader: true, now: () => 0 });
    await post(fake, {});
    const limited = await post(fake, {});
    assert.equal(limited.headers.get('retry-after-ms'), '1000');
    assert.equal(limited.headers.get('retry-after'), '1');
  });

  test('latencyMs holds the first byte: a client with a shorter timeout gives up (SDK timeout, no retries)', async () => {
    const fake = await start({ latencyMs: 5_000 });
    const groq = new Groq({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, timeout: 100 });
    await assert.rejects(
      groq.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }),
      (err: unknown) => err instanceof Error && err.constructor.name === 'APIConnectionTimeoutError',
    );
    assert.equal(fake.requests.length, 1);
  });
});

describe('fake Groq limit enforcement', () => {
  test('a burst over RPM gets 429 "requests" with retry-after; after the window refills it passes', async () => {
    let now = 1_000_000;
    const fake = await start({ limits: { rpm: 3 }, windowMs: 1_000, now: () => now });
    for (let i = 0; i < 3; i++) assert.equal((await post(fake, {})).status, 200);
    const limited = await post(fake, {});
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    const body = (await limited.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(body.error.type, 'requests');
    assert.equal(body.error.code, 'rate_limit_exceeded');
    assert.match(
      body.error.message,
      /on requests per minute \(RPM\): Limit 3, Used 3, Requested 1\. Please try again in 333\.33ms\./,
    );
    assert.equal(fake.stats().rateLimited, 1);

    now += 333; // not quite one request's worth of refill
    assert.equal((await post(fake, {})).status, 429);
    now += 1;
    assert.equal((await post(fake, {})).status, 200);
    now += 1_000; // a whole window: full again
    for (let i = 0; i < 3; i++) assert.equal((await post(fake, {})).status, 200);
    assert.equal((await post(fake, {})).status, 429);
  });

  test('TPM charges prompt + max_completion_tokens at admission and settles to real usage; 413 when one request is too big', async () => {
    let now = 5_000_000;
    const fake = await start({ limits: { tpm: 1_000 }, windowMs: 60_000, now: () => now });
    const prompt = countPromptTokens(messages);
    const first = await post(fake, {
      max_completion_tokens: 900 - prompt,
      include_reasoning: false,
      reasoning_effort: 'low',
    });
    assert.equal(first.status, 200);
    const used = ((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
    assert.equal(fake.remaining(MODEL).tpm, 1_000 - used, 'settled to the real usage');

    const tooMuch = await post(fake, { max_completion_tokens: 1_000 - used - prompt + 1 });
    assert.equal(tooMuch.status, 429);
    const body = (await tooMuch.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'tokens');
    assert.match(
      body.error.message,
      /tokens per minute \(TPM\): Limit 1000, Used \d+, Requested \d+\. Please try again in [\d.]+(ms|s)\./,
    );
    const headers = parseRateLimitHeaders(tooMuch.headers);
    assert.equal(headers.tokensLimit, 1_000);
    assert.equal(headers.tokensRemaining, 1_000 - used);

    const huge = await post(fake, { max_completion_tokens: 2_000 });
    assert.equal(huge.status, 413);
    now += 60_000;
    assert.equal(fake.remaining(MODEL).tpm, 1_000);
  });

  test('RPD: the requests headers count the day; a day limit 429 says per day and resets over 1 440 windows', async () => {
    let now = 0;
    const fake = await start({ limits: { rpd: 2 }, windowMs: 100, now: () => now });
    const first = await post(fake, {});
    const headers = parseRateLimitHeaders(first.headers);
    assert.equal(headers.requestsLimit, 2);
    assert.equal(headers.requestsRemaining, 1);
    assert.equal(headers.requestsResetMs, 72_000, 'one request of 2 per day of 144 000 ms');
    await post(fake, {});
    const limited = await post(fake, {});
    assert.equal(limited.status, 429);
    assert.match(((await limited.json()) as { error: { message: string } }).error.message, /requests per day \(RPD\)/);
    assert.equal(limited.headers.get('retry-after'), '72');
    now += 72_000;
    assert.equal((await post(fake, {})).status, 200);
  });

  test('limits are per model', async () => {
    const fake = await start({ limits: { rpm: 1 }, now: () => 0 });
    assert.equal((await post(fake, {})).status, 200);
    assert.equal((await post(fake, {})).status, 429);
    assert.equal((await post(fake, { model: 'openai/gpt-oss-120b' })).status, 200);
  });
});

describe('fake Groq scripts, faults and reset', () => {
  test('scripts run FIFO and override normal behaviour, then normal service resumes', async () => {
    const fake = await start({ apiKey: 'k' });
    fake.script({ kind: 'error', status: 503 }, { kind: 'answer', text: 'Scripted.' });
    assert.equal((await post(fake, {})).status, 503);
    const scripted = (await (await post(fake, {})).json()) as { choices: { message: { content: string } }[] };
    assert.equal(scripted.choices[0]?.message.content, 'Scripted.');
    assert.equal((await post(fake, {})).status, 200);
    assert.deepEqual(
      fake.requests.map((r) => r.status),
      [503, 200, 200],
    );
    assert.deepEqual(fake.stats(), {
      requests: 3,
      ok: 2,
      rateLimited: 0,
      errors: 1,
      stalls: 0,
      tokens: fake.stats().tokens,
    });
    fake.reset();
    assert.deepEqual(fake.stats(), { requests: 0, ok: 0, rateLimited: 0, errors: 0, stalls: 0, tokens: 0 });
    assert.equal(fake.requests.length, 0);
  });

  test('seeded faults are reproducible: the same seed gives the same 503s and stalls', async () => {
    const outcomes = async () => {
      const fake = await start({ faults: { rate503: 0.3, rateStall: 0.2, seed: 7 } });
      const seen: string[] = [];
      for (let i = 0; i < 20; i++) {
        const controller = new AbortController();
        const before = fake.stats();
        const res = await fetch(`${fake.url}/openai/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer k' },
          body: JSON.stringify({ model: MODEL, messages, stream: true }),
          signal: controller.signal,
        });
        if (res.status !== 200) {
          seen.push(String(res.status));
          await res.text();
          continue;
        }
        // why: a stalled stream never ends, so ask the server how it ended instead of timing the client.
        for (let n = 0; n < 1_000; n++) {
          const now = fake.stats();
          if (now.ok + now.stalls > before.ok + before.stalls) break;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        if (fake.stats().stalls > before.stalls) {
          seen.push('stall');
          controller.abort();
        } else {
          await res.text();
          seen.push('ok');
        }
      }
      return { seen, stats: fake.stats() };
    };
    const a = await outcomes();
    const b = await outcomes();
    assert.deepEqual(a.seen, b.seen);
    assert.ok(a.seen.includes('503') && a.seen.includes('stall') && a.seen.includes('ok'), a.seen.join(','));
    assert.equal(a.stats.stalls, a.seen.filter((s) => s === 'stall').length);
  });

  test('go durations written by the fake parse back to the same value', () => {
    for (const ms of [500, 7_660, 179_560, 3_723_000, 0.5]) {
      assert.equal(parseGoDuration(formatGoDuration(ms)), ms);
    }
    assert.equal(formatGoDuration(179_560), '2m59.56s');
    assert.equal(formatGoDuration(7_660), '7.66s');
    assert.equal(formatGoDuration(500), '500ms');
  });
});
