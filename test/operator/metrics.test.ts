/**
 * GET /metrics (issue 14): the real twin answers a scripted run against the fake Groq (answers, a fallback after a
 * 429, a refusal, a failure); the exposition must parse under a strict Prometheus text parser, and its numbers must
 * agree with the ledger. Without the bearer token the numbers are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parsePrometheusText, sumOf } from '../support/prometheus-text.js';
import { waitFor } from '../support/wait-for.js';
import { type OperatorRig, startOperatorRig } from './operator-rig.js';

const TOKEN = 'metrics-token-for-tests';
const PRIMARY = 'openai/gpt-oss-20b';
const FALLBACK = 'openai/gpt-oss-120b';

async function scrape(rig: OperatorRig, token = TOKEN): Promise<Response> {
  return fetch(`${rig.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('GET /metrics', () => {
  let rig: OperatorRig;
  before(async () => {
    rig = await startOperatorRig({
      env: {
        TWIN_METRICS_TOKEN: TOKEN,
        TWIN_METRICS_TENANTS: 'discord:g1',
        GROQ_MODEL: PRIMARY,
        GROQ_FALLBACK_MODELS: FALLBACK,
        // why: a day budget that refills one request in 86 s, so what the run spent still shows when scraped.
        GROQ_RPD: '1000',
      },
    });
    await rig.ask('discord:g1', 'discord');
    await rig.ask('discord:g1', 'discord', 'What projects have you built?');
    await rig.ask('slack:T9', 'slack');
    // A 429 on the preferred model: the gateway answers from the fallback.
    rig.groq.script({
      kind: 'error',
      status: 429,
      headers: { 'retry-after': '30' },
      body: {
        error: {
          message: 'Rate limit reached on requests per day (RPD): Limit 500, Used 500, Requested 1.',
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
      },
    });
    await rig.ask('slack:T9', 'slack', 'What are your skills?');
    // An empty question is refused before any model call.
    await rig.ask('discord:g2', 'discord', '   ');
    await rig.app.usage.flush();
  });
  after(() => rig.close());

  test('is refused without the token, and with a wrong one', async () => {
    const none = await scrape(rig, '');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.doesNotMatch(await none.text(), /twin_requests_total/);
    const wrong = await scrape(rig, 'metrics-token-for-tesTS');
    assert.equal(wrong.status, 401);
  });

  test('parses as Prometheus text and agrees with the ledger', async () => {
    const res = await scrape(rig);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    const ledger = await rig.app.usage.summarize({
      from: Date.now() - 86_400_000,
      to: Date.now() + 1,
      bucketMs: 3_600_000,
    });
    assert.ok(ledger.requests >= 5, `the ledger holds the run (${ledger.requests})`);

    assert.equal(families.get('twin_requests_total')?.type, 'counter');
    assert.equal(sumOf(families, 'twin_requests_total'), ledger.requests);
    assert.equal(sumOf(families, 'twin_requests_total', { outcome: 'answered' }), ledger.answered);
    assert.equal(sumOf(families, 'twin_requests_total', { outcome: 'refused' }), ledger.refused);
    assert.equal(sumOf(families, 'twin_requests_total', { outcome: 'failed' }), ledger.failed);
    assert.equal(sumOf(families, 'twin_requests_total', { platform: 'slack' }), 2);
    assert.equal(sumOf(families, 'twin_request_tokens_total', { token_type: 'input' }), ledger.promptTokens);
    assert.equal(sumOf(families, 'twin_request_tokens_total', { token_type: 'output' }), ledger.completionTokens);
    assert.ok(Math.abs(sumOf(families, 'twin_request_cost_usd_total') - ledger.costUsd) < 1e-9);

    // OpenTelemetry GenAI names: tokens per call by type; every call's tokens add up to the ledger's.
    assert.equal(families.get('gen_ai_client_token_usage')?.type, 'histogram');
    assert.equal(sumOf(families, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input' }), ledger.promptTokens);
    assert.equal(
      sumOf(families, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'output' }),
      ledger.completionTokens,
    );
    const answeredCalls = sumOf(families, 'twin_llm_attempts_total', { result: 'ok' });
    assert.equal(sumOf(families, 'gen_ai_client_operation_duration_seconds_count', { error_type: '' }), answeredCalls);
    assert.equal(sumOf(families, 'gen_ai_client_operation_time_to_first_chunk_seconds_count'), answeredCalls);
    assert.ok(answeredCalls >= 4);

    // The 429, the fallback answer, and the budgets and breakers per model.
    assert.equal(sumOf(families, 'twin_groq_rate_limited_total', { model: PRIMARY }), 1);
    assert.equal(sumOf(families, 'twin_fallback_answers_total', { model: FALLBACK }), 1);
    const byModel = ledger.byModel.find((m) => m.model === FALLBACK);
    assert.equal(byModel?.requests, 1, 'the ledger says one answer came from the fallback too');
    // The 429's text named a day limit of 500, lower than configured: the gateway now holds the model to it.
    assert.equal(sumOf(families, 'twin_groq_budget_limit', { model: PRIMARY, limit: 'rpd' }), 500);
    assert.equal(sumOf(families, 'twin_groq_budget_limit', { model: FALLBACK, limit: 'rpd' }), 1000);
    assert.equal(sumOf(families, 'twin_groq_budget_remaining', { model: FALLBACK, limit: 'rpd' }), 999);
    assert.equal(sumOf(families, 'twin_circuit_breaker_state', { model: PRIMARY, state: 'closed' }), 1);
    assert.equal(sumOf(families, 'twin_ledger_records_waiting'), 0);

    // Tenant labels only for the tenants named in TWIN_METRICS_TENANTS.
    const tenants = new Set(families.get('twin_requests_total')?.samples.map((s) => s.labels.tenant));
    assert.deepEqual([...tenants].sort(), ['discord:g1', 'other']);
    assert.equal(sumOf(families, 'twin_requests_total', { tenant: 'discord:g1' }), 2);
  });

  test('Slack and Discord API errors are counted from their log events', async () => {
    rig.app.logger.child({ platform: 'slack' }).warn({ event: 'slack.write_failed', code: 'ratelimited' }, 'x');
    await waitFor(async () => {
      const families = parsePrometheusText(await (await scrape(rig)).text());
      return (
        sumOf(families, 'twin_platform_api_errors_total', { platform: 'slack', event: 'slack.write_failed' }) === 1
      );
    });
  });
});

describe('/metrics stays off', () => {
  test('without TWIN_METRICS or a token', async () => {
    const rig = await startOperatorRig();
    try {
      const res = await fetch(`${rig.url}/metrics`);
      assert.equal(res.status, 404);
    } finally {
      await rig.close();
    }
  });

  test('TWIN_METRICS=1 serves it without a token', async () => {
    const rig = await startOperatorRig({ env: { TWIN_METRICS: '1' } });
    try {
      const res = await fetch(`${rig.url}/metrics`);
      assert.equal(res.status, 200);
      assert.ok(parsePrometheusText(await res.text()).has('twin_requests_total'));
    } finally {
      await rig.close();
    }
  });
});

describe('the strict parser itself', () => {
  test('refuses malformed expositions', () => {
    assert.throws(() => parsePrometheusText('# HELP a x\n# TYPE a counter\na{b="1} 2\n'));
    assert.throws(() => parsePrometheusText('# HELP a x\n# TYPE a counter\nb 2\n'), /outside its family/);
    assert.throws(() => parsePrometheusText('# HELP a x\n# TYPE a counter\na two\n'), /bad value/);
    assert.throws(() => parsePrometheusText('# HELP a x\n# TYPE a counter\na 1'), /newline/);
    assert.equal(sumOf(parsePrometheusText('# HELP a x\n# TYPE a counter\na{k="q\\"x"} 2\n'), 'a', { k: 'q"x' }), 2);
  });
});
