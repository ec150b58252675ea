/**
 * Every door on the one PORT that Slack HTTP mode's server holds (the real `twinbot start`, one process, one
 * server): a signed Slack event is answered, the `openai` client streams a chat completion, the MCP SDK's client calls
 * ask_twin, /metrics answers its token, the dashboard exchanges its token for a session, an unknown path is a 404,
 * and Slack's endpoint keeps its guard (an unsigned POST is a 401).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack-server.js';
import { eventCallback } from '../fakes/slack/slack-payloads.js';
import { postSignedToApp } from '../fakes/slack/slack-signer.js';
import { type BotOnPort, startBotOnPort } from '../support/bot-on-port.js';
import { parsePrometheusText, sumOf } from '../support/prometheus-text.js';
import { tempWorkdir } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'doors-signing-secret';
const API_KEY = 'sk-website-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789';
const DASHBOARD_TOKEN = 'dashboard-token-0123456789';
const ANSWER = 'I studied computer science at Trinity College Dublin.';

describe('the doors on PORT beside Slack HTTP mode', () => {
  let groq: FakeGroq;
  let slack: FakeSlack;
  let bot: BotOnPort;
  before(async () => {
    groq = await startFakeGroq({ answer: () => ANSWER });
    slack = await startFakeSlack();
    bot = await startBotOnPort(
      {
        GROQ_API_KEY: 'gsk_test_key_123456',
        GROQ_BASE_URL: groq.url,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        TWIN_SHUTDOWN_GRACE_S: '2',
        TWIN_API_KEYS: `website:${API_KEY}`,
        TWIN_API_CORS_ORIGINS: 'https://allowed.example',
        TWIN_MCP: '1',
        TWIN_METRICS_TOKEN: METRICS_TOKEN,
        TWIN_DASHBOARD_TOKEN: DASHBOARD_TOKEN,
      },
      tempWorkdir(),
    );
  });
  after(async () => {
    await bot?.stop();
    await slack?.close();
    await groq?.close();
  });

  test('one process, one server: Slack HTTP mode and every door started, none refused', () => {
    const log = bot.run.stderr();
    assert.match(log, /slack-http adapter started/);
    for (const door of ['openai-api', 'mcp-http', 'metrics', 'dashboard']) {
      assert.match(log, new RegExp(`"adapter":"${door}"[^\\n]*"event":"twin.adapter_started"|${door} adapter started`));
    }
    assert.doesNotMatch(log, /twin\.adapter_failed/);
  });

  test('a signed Slack event is acknowledged and answered in the channel', async () => {
    const text = '<@UBOT> Where did you study?';
    const typed = slack.addMessage({ channel: 'CGENERAL', user: 'UMEMBER', text });
    const callback = eventCallback({
      teamId: 'T1',
      event: { type: 'app_mention', user: 'UMEMBER', text, ts: typed.ts, channel: 'CGENERAL' },
    });
    const ack = await postSignedToApp(`${bot.url}/slack/events`, SECRET, callback, 'event');
    assert.equal(ack.status, 200);
    const answered = () => slack.messages.find((m) => m.bot_id === 'BBOT' && m.text.includes('Trinity College'));
    await waitFor(() => answered() !== undefined, 'the answer in Slack');
    assert.equal(answered()?.channel, 'CGENERAL');
  });

  test('an unsigned POST to /slack/events is still refused with 401', async () => {
    const res = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(eventCallback({ teamId: 'T1', event: { type: 'app_mention', text: 'hi' } })),
    });
    assert.equal(res.status, 401);
  });

  test('the openai client streams a chat completion', async () => {
    const client = new OpenAI({ apiKey: API_KEY, baseURL: `${bot.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'twin:talia-brennock',
      stream: true,
      messages: [{ role: 'user', content: 'Where did you study?' }],
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, ANSWER);
    assert.ok(chunks >= 3, `streamed in chunks, got ${chunks}`);
  });

  test('a CORS preflight and a bad key behave as on our own server', async () => {
    const preflight = await fetch(`${bot.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://allowed.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://allowed.example');
    const client = new OpenAI({ apiKey: 'sk-wrong-key', baseURL: `${bot.url}/v1`, maxRetries: 0 });
    await assert.rejects(
      client.chat.completions.create({ model: 'twin', messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => err instanceof OpenAI.AuthenticationError,
    );
  });

  test('the MCP client calls ask_twin at /mcp', async () => {
    const client = new Client({ name: 'ide-agent', version: '0.1.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${bot.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${API_KEY}` } },
      }),
    );
    const asked = await client.callTool({ name: 'ask_twin', arguments: { question: 'Where did you study?' } });
    assert.equal((asked.structuredContent as { answer: string }).answer, ANSWER);
    await client.close();
  });

  test('/metrics answers its token only, and counts the Slack question', async () => {
    assert.equal((await fetch(`${bot.url}/metrics`)).status, 401);
    const res = await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    const families = parsePrometheusText(await res.text());
    assert.ok(sumOf(families, 'twin_requests_total', { platform: 'slack', outcome: 'answered' }) >= 1);
  });

  test('/dashboard exchanges its token for a session cookie that opens it', async () => {
    assert.equal((await fetch(`${bot.url}/dashboard`)).status, 401);
    const exchanged = await fetch(`${bot.url}/dashboard?token=${DASHBOARD_TOKEN}`, { redirect: 'manual' });
    assert.equal(exchanged.status, 200);
    const cookie = (exchanged.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.match(cookie, /=/);
    const page = await fetch(`${bot.url}/dashboard`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /data-tile="requests"/);
  });

  test('/healthz answers, and an unknown path is the same JSON 404 as on our own server', async () => {
    const health = await fetch(`${bot.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const missing = await fetch(`${bot.url}/no-such-door`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not found' });
  });
});
