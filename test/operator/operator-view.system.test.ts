/**
 * The operator's view in the real `twinbot start` (issue 14): with PORT, TWIN_METRICS_TOKEN and
 * TWIN_DASHBOARD_TOKEN the process serves /metrics and /dashboard beside the HTTP API; a question asked through the
 * API shows in both, and in the ledger the process leaves behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { type BotOnPort, startBotOnPort } from '../support/bot-on-port.js';
import { parsePrometheusText, sumOf } from '../support/prometheus-text.js';
import { tempWorkdir } from '../support/run-cli.js';

const API_KEY = 'sk-website-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789';
const DASHBOARD_TOKEN = 'dashboard-token-0123456789';

describe('twinbot start with metrics and the dashboard', () => {
  let groq: FakeGroq;
  let bot: BotOnPort;
  before(async () => {
    groq = await startFakeGroq();
    bot = await startBotOnPort(
      {
        GROQ_API_KEY: 'gsk_test_key_123456',
        GROQ_BASE_URL: groq.url,
        GROQ_TIMEOUT: '1',
        TWIN_SHUTDOWN_GRACE_S: '2',
        TWIN_API_KEYS: `website:${API_KEY}`,
        TWIN_METRICS_TOKEN: METRICS_TOKEN,
        TWIN_DASHBOARD_TOKEN: DASHBOARD_TOKEN,
      },
      tempWorkdir(),
    );
    const client = new OpenAI({ apiKey: API_KEY, baseURL: `${bot.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({
      model: 'twin:talia-brennock',
      messages: [{ role: 'user', content: 'Where did you study?' }],
    });
  });
  after(async () => {
    await bot?.stop();
    await groq?.close();
  });

  test('/metrics counts the question, for the token only', async () => {
    assert.equal((await fetch(`${bot.url}/metrics`)).status, 401);
    const res = await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const families = parsePrometheusText(await res.text());
    assert.equal(sumOf(families, 'twin_requests_total', { platform: 'api', outcome: 'answered' }), 1);
    assert.ok(sumOf(families, 'gen_ai_client_token_usage_count') >= 2);
  });

  test('/dashboard answers the bearer token with the question in its tiles, and nobody else', async () => {
    assert.equal((await fetch(`${bot.url}/dashboard`)).status, 401);
    const res = await fetch(`${bot.url}/dashboard`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const html = await res.text();
    assert.match(html, /data-tile="requests"><span class="label">Requests<\/span><span class="value">1<\/span>/);
    assert.match(html, /api:website/);
    assert.doesNotMatch(bot.run.stderr(), new RegExp(`${METRICS_TOKEN}|${DASHBOARD_TOKEN}`), 'no token in the log');
  });
});
