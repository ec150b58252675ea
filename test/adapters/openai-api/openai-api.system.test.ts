/**
 * The OpenAI-compatible API (issue 15) as people use it: the real `twinbot start` on 127.0.0.1, the `openai` npm
 * client with `baseURL`, the fake Groq behind the twin, and the ledger the process leaves behind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { type FakeGroq, startFakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { type BotOnPort, startBotOnPort } from '../../support/bot-on-port.js';
import { runCli, tempWorkdir } from '../../support/run-cli.js';
import { waitFor } from '../../support/wait-for.js';

const WEBSITE_KEY = 'sk-website-0123456789abcdef';
const LIMITED_KEY = 'sk-limited-0123456789abcdef';
const CROWD_KEY = 'sk-crowd-0123456789abcdef';
const ANSWER = 'I studied computer science at Aldermoor and loved distributed systems.';
const MODEL = 'twin:talia-brennock';

describe('the OpenAI-compatible API of the real bot', () => {
  let groq: FakeGroq;
  let bot: BotOnPort;
  let cwd: string;
  let env: Record<string, string>;
  /** Requests sent with the website key, to compare with its ledger. */
  let websiteRequests = 0;
  const client = (apiKey = WEBSITE_KEY) => new OpenAI({ apiKey, baseURL: `${bot.url}/v1`, maxRetries: 0 });

  before(async () => {
    groq = await startFakeGroq({ answer: () => ANSWER });
    cwd = tempWorkdir();
    env = {
      GROQ_API_KEY: 'gsk_test_key_123456',
      GROQ_BASE_URL: groq.url,
      GROQ_TIMEOUT: '1',
      TWIN_DEADLINE_S: '5',
      TWIN_USER_RATE: '100/min, 1 at a time',
      TWIN_SHUTDOWN_GRACE_S: '3',
      TWIN_API_KEYS: `website:${WEBSITE_KEY},limited:${LIMITED_KEY},crowd:${CROWD_KEY}`,
      TWIN_API_CORS_ORIGINS: 'https://allowed.example',
    };
    const quota = await runCli(['quota', 'set', 'api:limited', '--requests-per-day', '1'], env, cwd);
    assert.equal(quota.code, 0, quota.stderr);
    bot = await startBotOnPort(env, cwd);
  });
  after(async () => {
    await bot?.stop();
    await groq?.close();
  });

  test('GET /v1/models lists the twin', async () => {
    const models = [];
    for await (const m of client().models.list()) models.push(m.id);
    assert.deepEqual(models, [MODEL]);
  });

  test('a chat completion answers the last user message, with the earlier ones as history and the sources', async () => {
    websiteRequests++;
    const completion = await client().chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Where did you study?' },
        { role: 'assistant', content: 'At the University of Aldermoor.' },
        { role: 'user', content: 'What did you like most there?' },
      ],
    });
    assert.equal(completion.choices[0]?.message.content, ANSWER);
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.ok((completion.usage?.total_tokens ?? 0) > 0, 'usage reports the tokens Groq counted');
    const sources = (completion as unknown as { twin_sources: { chunk_id: string; title: string }[] }).twin_sources;
    assert.ok(sources.length > 0 && sources.every((s) => s.chunk_id && s.title));
    const sent = JSON.stringify(groq.requests.at(-1)?.body.messages);
    assert.match(sent, /What did you like most there\?/);
    assert.match(sent, /At the University of Aldermoor\./, 'the earlier turns reach the model as history');
    assert.doesNotMatch(sent, /You are helpful/, "a caller's system message is not the twin's instructions");
  });

  test('stream: true sends chunks, a final chunk with usage and sources, then [DONE]', async () => {
    websiteRequests++;
    const stream = await client().chat.completions.create({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'Where did you study?' }],
    });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, ANSWER);
    assert.ok(chunks.length >= 3);
    const last = chunks.at(-1) as unknown as { usage: { total_tokens: number }; twin_sources: unknown[] };
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    assert.ok(last.usage.total_tokens > 0);
    assert.ok(last.twin_sources.length > 0);
  });

  test('the raw stream ends with data: [DONE]', async () => {
    websiteRequests++;
    const res = await fetch(`${bot.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBSITE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'Where did you study?' }] }),
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const body = await res.text();
    assert.match(body, /^data: \{/);
    assert.match(body, /"usage":\{"prompt_tokens":\d+,"completion_tokens":\d+,"total_tokens":\d+\}/);
    assert.ok(body.endsWith('data: [DONE]\n\n'));
  });

  test('a bad key is an AuthenticationError, and neither the key nor the question is logged or recorded', async () => {
    await assert.rejects(
      client('sk-wrong-key-do-not-log').chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'SECRET-QUESTION-7731 where did you study?' }],
      }),
      (err: unknown) => err instanceof OpenAI.AuthenticationError && err.status === 401,
    );
    const none = await fetch(`${bot.url}/v1/models`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
    assert.doesNotMatch(bot.run.stderr(), /SECRET-QUESTION-7731|sk-wrong-key-do-not-log/);
    assert.match(bot.run.stderr(), /"event":"api.key_refused"/);
    assert.doesNotMatch(readFileSync(join(cwd, 'twin.db')).toString('latin1'), /SECRET-QUESTION-7731/);
  });

  test('bad input is a BadRequestError in OpenAI error shape; an unknown model is NotFound', async () => {
    websiteRequests++; // the empty question reaches the twin and is recorded as refused
    await assert.rejects(
      client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: '   ' }] }),
      (err: unknown) =>
        err instanceof OpenAI.BadRequestError && err.code === 'empty_question' && /Ask me something/.test(err.message),
    );
    await assert.rejects(
      client().chat.completions.create({ model: MODEL, messages: [{ role: 'assistant', content: 'hi' }] }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'messages',
    );
    await assert.rejects(
      client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      OpenAI.NotFoundError,
    );
    websiteRequests++;
    await assert.rejects(
      client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'why? '.repeat(1_000) }] }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.code === 'question_too_long',
    );
  });

  test('a body over the limit is refused with 413 before it is read whole', async () => {
    const res = await fetch(`${bot.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBSITE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(200_000) }] }),
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'request_too_large');
  });

  test('a tenant over its quota gets a RateLimitError with retry-after, and SDKs are told not to retry', async () => {
    const limited = client(LIMITED_KEY);
    const ask = () =>
      limited.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Where did you study?' }] });
    assert.equal((await ask()).choices[0]?.message.content, ANSWER);
    await assert.rejects(ask(), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.status, 429);
      assert.equal(err.code, 'insufficient_quota');
      assert.ok(Number(err.headers?.get('retry-after')) >= 1);
      assert.equal(err.headers?.get('x-should-retry'), 'false');
      assert.match(err.message, /This API key has used today's allowance/);
      return true;
    });
  });

  test('the flood guard refuses a second question while the first is in flight: 429 with retry-after', async () => {
    const crowd = client(CROWD_KEY);
    const before = groq.requests.length;
    // why: a stream that stalls after its first words: no timeout or retry fires within the grace period, so the
    // answer is still in flight when the bot stops, however slowly this machine reaches that point.
    groq.script(...Array.from({ length: 20 }, () => ({ kind: 'stall' as const, afterChars: 5 })));
    const first = crowd.chat.completions
      // why: a question asked before would come from the answer cache without reaching Groq.
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Which projects are you proudest of?' }] })
      .then(
        () => 'answered',
        (err: unknown) => (err instanceof OpenAI.APIError ? err.status : err),
      );
    await waitFor(() => groq.requests.length > before, 'the first question to reach Groq');
    await assert.rejects(
      crowd.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'And what do you do now?' }] }),
      (err: unknown) =>
        err instanceof OpenAI.RateLimitError &&
        err.code === 'rate_limit_exceeded' &&
        Number(err.headers?.get('retry-after')) >= 1,
    );
    assert.equal(await first, 503, 'the stalled first question ends with a clear 503 at its deadline');
    groq.reset();
  });

  test('CORS is for the allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${bot.url}/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const ok = await preflight('https://allowed.example');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://allowed.example');
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const other = await preflight('https://evil.example');
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const get = await fetch(`${bot.url}/v1/models`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${WEBSITE_KEY}` },
    });
    assert.equal(get.headers.get('access-control-allow-origin'), null);
  });

  test('while stopping, a new request gets 503; then the ledger holds one row per request under its tenant', async () => {
    const website = client();
    const before = groq.requests.length;
    // why: a stream that stalls after its first words: no timeout or retry fires within the grace period, so the
    // answer is still in flight when the bot stops, however slowly this machine reaches that point.
    groq.script(...Array.from({ length: 20 }, () => ({ kind: 'stall' as const, afterChars: 5 })));
    websiteRequests++;
    const inFlight = website.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'What are your career goals?' }] })
      .catch((err: unknown) => err);
    await waitFor(() => groq.requests.length > before, 'the question to reach Groq');
    bot.terminate();
    await waitFor(() => bot.run.stderr().includes('"event":"twin.shutdown"'), 'the shutdown to begin');
    await assert.rejects(website.models.list(), (err: unknown) => err instanceof OpenAI.APIError && err.status === 503);
    const ended = await inFlight;
    assert.ok(ended instanceof OpenAI.APIError && ended.status === 503, String(ended));
    const exit = await bot.stop();
    assert.equal(exit.code, 0, exit.stderr);

    const json = await runCli(['usage', '--tenant', 'api:website', '--json'], env, cwd);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as { tenantId: string; platform: string; command: string }[];
    assert.equal(rows.length, websiteRequests, 'one record per request, and none for refused keys');
    assert.ok(
      rows.every((r) => r.tenantId === 'api:website' && r.platform === 'api' && r.command === 'chat-completions'),
    );
    const limited = JSON.parse((await runCli(['usage', '--tenant', 'api:limited', '--json'], env, cwd)).stdout);
    assert.equal(limited.length, 2, 'the answered question and the refused one');
    const report = await runCli(['usage', '--tenant', 'api:website'], env, cwd);
    assert.match(report.stdout, /Twin usage for tenant api:website/);
    assert.match(report.stdout, new RegExp(`Requests: ${websiteRequests} · Answered: 3`));
  });
});
