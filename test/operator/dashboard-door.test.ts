/**
 * The dashboard's door over plain HTTP (issue 14), whether or not a browser is installed: who gets in, what a tenant
 * link can reach, the security headers, the range rules, and escaping of what the ledger holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE } from '../../src/adapters/http/dashboard-door.js';
import { readRange } from '../../src/adapters/http/dashboard-range.js';
import type { UsageRecord } from '../../src/core/types.js';
import { type OperatorRig, startOperatorRig } from './operator-rig.js';

const TOKEN = 'dashboard-door-token-0123';
const DAY = 86_400_000;

function record(id: string, tenantId: string, at: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id,
    at,
    platform: 'discord',
    tenantId,
    channelId: 'c1',
    userId: 'u1',
    command: 'ask-twin',
    model: 'openai/gpt-oss-20b',
    promptTokens: 100,
    completionTokens: 20,
    totalTokens: 120,
    latencyMs: 800,
    queueMs: 5,
    attempts: 1,
    outcome: 'answered',
    costUsd: 0.0001,
    ...extra,
  };
}

describe('the dashboard door', () => {
  let rig: OperatorRig;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${rig.url}${path}`, { headers, redirect: 'manual' });
  const operator = { authorization: `Bearer ${TOKEN}` };

  before(async () => {
    rig = await startOperatorRig({ env: { TWIN_DASHBOARD_TOKEN: TOKEN } });
    const now = Date.now();
    await rig.app.usage.record(record('a', 'discord:1', now - 1000));
    await rig.app.usage.record(record('b', 'discord:2', now - 2000));
    await rig.app.usage.record(record('c', 'api:<img src=x onerror=alert(1)>', now - 3000, { platform: 'api' }));
    await rig.app.usage.flush();
  });
  after(() => rig.close());

  test('nobody gets in without the token; the token in the address becomes a cookie and leaves the address', async () => {
    assert.equal((await get('/dashboard')).status, 401);
    assert.equal((await get('/dashboard', { authorization: 'Bearer wrong-token-wrong-token' })).status, 401);
    const exchanged = await get(`/dashboard?token=${TOKEN}&from=2026-11-01&to=2026-11-30`);
    assert.equal(exchanged.status, 200);
    assert.equal(exchanged.headers.get('refresh'), '0;url=/dashboard?from=2026-11-01&to=2026-11-30');
    const cookie = exchanged.headers.get('set-cookie') ?? '';
    assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=v1\\.`));
    assert.match(cookie, /; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=43200/);
    assert.ok(!cookie.includes(TOKEN));
    const session = cookie.split(';')[0] as string;
    const page = await get('/dashboard', { cookie: session });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'; script-src 'self'; style-src 'self'/);
    const html = await page.text();
    // why: attribute values are dropped first: an escaped tenant name may read "onerror=" as harmless text.
    const markup = html.replace(/"[^"]*"/g, '""');
    assert.doesNotMatch(markup, /<script>|<style|<[^>]*\s(style|on[a-z]+)=/i, 'no inline script, style or handler');
    assert.match(html, /<script src="\/dashboard\/assets\/dashboard.js"><\/script>/);
  });

  test('what the ledger holds is escaped', async () => {
    const html = await (await get('/dashboard', operator)).text();
    assert.ok(html.includes('api:&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!html.includes('<img src=x'));
  });

  test('a tenant link reaches its own tenant only', async () => {
    const link = rig.view.dashboard?.signer.sign({ scope: { tenantId: 'discord:1' }, expiresAt: Date.now() + DAY });
    const exchanged = await get(`/dashboard?link=${encodeURIComponent(link ?? '')}`);
    const session = (exchanged.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const data = (await (await get('/dashboard/data.json', { cookie: session })).json()) as {
      tenantId: string;
      tenants: { tenantId: string }[];
    };
    assert.equal(data.tenantId, 'discord:1');
    assert.deepEqual(
      data.tenants.map((t) => t.tenantId),
      ['discord:1'],
    );
    const csv = await (await get('/dashboard/usage.csv', { cookie: session })).text();
    assert.equal(csv.trimEnd().split('\r\n').length, 2, 'a header and its one record');
    for (const path of ['/dashboard', '/dashboard/data.json', '/dashboard/usage.csv']) {
      assert.equal((await get(`${path}?tenant=discord:2`, { cookie: session })).status, 403, path);
    }
  });

  test('a forged, expired or foreign-token link gets nothing', async () => {
    const signer = rig.view.dashboard?.signer;
    assert.ok(signer);
    const expired = signer.sign({ scope: { tenantId: 'discord:1' }, expiresAt: Date.now() - 1 });
    const [v, , mac] = signer.sign({ scope: { tenantId: 'discord:1' }, expiresAt: Date.now() + DAY }).split('.');
    const forged = `${v}.${Buffer.from(JSON.stringify({ s: '*', e: Date.now() + DAY })).toString('base64url')}.${mac}`;
    for (const link of [expired, forged, 'v1.e30.AAAA', 'garbage']) {
      const res = await get(`/dashboard?link=${encodeURIComponent(link)}`);
      assert.equal(res.status, 403, link);
      assert.equal(res.headers.get('set-cookie'), null);
    }
    assert.equal((await get('/dashboard', { cookie: `${SESSION_COOKIE}=${forged}` })).status, 401);
    assert.equal((await get('/dashboard', { cookie: `${SESSION_COOKIE}=${expired}` })).status, 401);
  });

  test('a bad range is a clear 400; the range rules', async () => {
    const res = await get('/dashboard?from=2026-13-01', operator);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /The start date must look like 2026-12-01/);
    const now = Date.parse('2026-12-05T15:00:00Z');
    assert.deepEqual(readRange(new URLSearchParams(), now), {
      fromDay: '2026-11-29',
      toDay: '2026-12-05',
      from: Date.parse('2026-11-29T00:00:00Z'),
      to: Date.parse('2026-12-06T00:00:00Z'),
      bucketMs: DAY,
    });
    assert.equal(
      (readRange(new URLSearchParams('from=2026-12-05&to=2026-12-05'), now) as { bucketMs: number }).bucketMs,
      3_600_000,
    );
    assert.deepEqual(readRange(new URLSearchParams('from=2026-12-06&to=2026-12-05'), now), {
      problem: 'The start date comes after the end date.',
    });
    assert.deepEqual(readRange(new URLSearchParams('from=2024-01-01&to=2026-12-05'), now), {
      problem: 'Pick at most 366 days.',
    });
  });

  test('the static files carry no data and are served to anyone', async () => {
    const js = await get('/dashboard/assets/uPlot.iife.min.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await get('/dashboard/assets/../../etc/passwd')).status, 404);
  });
});
