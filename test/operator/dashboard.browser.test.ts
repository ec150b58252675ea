/**
 * The usage dashboard in a real browser (issue 14): Debian's chromium, driven by playwright-core, against the
 * real twin on a real port. The ledger is seeded (real answers through the twin, and records over two weeks); the
 * page's tiles must show the ledger's numbers, the range lives in the URL, the CSV downloads, and a tenant's link
 * can reach nothing of another tenant (a forged or expired one nothing at all). It saves a screenshot (docs/dashboard.png with UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { UsageRecord, UsageSummary } from '../../src/core/types.js';
import { browserMissing, launchChromium } from '../support/browser.js';
import { seededRandom } from '../support/seeded-random.js';
import { type OperatorRig, startOperatorRig } from './operator-rig.js';

const TOKEN = 'dashboard-token-for-browser-tests';
const DAY = 86_400_000;
/** why: the README's picture is rewritten only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves docs/ alone. */
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? new URL('../../docs/dashboard.png', import.meta.url).pathname
    : join(mkdtempSync(join(tmpdir(), 'twinbot-shot-')), 'dashboard.png');
const missing = browserMissing();

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Two weeks of records for four tenants and two models, some failed or refused. */
async function seed(rig: OperatorRig): Promise<void> {
  const random = seededRandom(14);
  const tenants = ['discord:1180', 'slack:T024BE7LD', 'api:website', 'discord:2291'];
  const models = ['openai/gpt-oss-20b', 'openai/gpt-oss-120b'];
  const now = Date.now();
  for (let i = 0; i < 260; i++) {
    const tenantId = tenants[Math.floor(random() ** 1.6 * tenants.length)] as string;
    const model = models[random() < 0.8 ? 0 : 1] as string;
    const roll = random();
    const outcome: UsageRecord['outcome'] = roll < 0.9 ? 'answered' : roll < 0.96 ? 'failed' : 'refused';
    const prompt = outcome === 'refused' ? 0 : 600 + Math.floor(random() * 900);
    const completion = outcome === 'answered' ? 80 + Math.floor(random() * 300) : 0;
    const record: UsageRecord = {
      id: `seed-${i}`,
      at: now - Math.floor(random() * 14 * DAY) - 3_600_000,
      platform: tenantId.split(':')[0] as UsageRecord['platform'],
      tenantId,
      channelId: 'c1',
      userId: `user${Math.floor(random() * 9)}`,
      command: 'ask-twin',
      model: outcome === 'refused' ? undefined : model,
      promptTokens: prompt,
      completionTokens: completion,
      totalTokens: prompt + completion,
      latencyMs: outcome === 'refused' ? 3 : 400 + Math.floor(random() * 2600),
      queueMs: Math.floor(random() * 200),
      attempts: outcome === 'refused' ? 0 : 1,
      outcome,
      errorCode:
        outcome === 'failed'
          ? random() < 0.6
            ? 'rate_limited'
            : 'timeout'
          : outcome === 'refused'
            ? 'quota'
            : undefined,
      failureCode: outcome === 'failed' ? 'llm_unavailable' : outcome === 'refused' ? 'over_quota' : undefined,
      costUsd: (prompt * 0.075 + completion * 0.3) / 1e6,
    };
    await rig.app.usage.record(record);
  }
  // Real answers through the twin, today.
  await rig.ask('discord:1180', 'discord');
  await rig.ask('slack:T024BE7LD', 'slack', 'What projects have you built?');
  await rig.app.usage.setQuota('discord:1180', { requestsPerDay: 40, usdPerMonth: 5 });
  await rig.app.usage.setQuota('slack:T024BE7LD', { tokensPerDay: 20_000 });
  await rig.app.usage.flush();
}

async function ledger(rig: OperatorRig, fromDay: string, toDay: string, tenantId?: string): Promise<UsageSummary> {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const to = Date.parse(`${toDay}T00:00:00Z`) + DAY;
  return rig.app.usage.summarize({ tenantId, from, to, bucketMs: DAY });
}

async function tiles(page: Page): Promise<Record<string, string>> {
  return page.$$eval('.tile', (els) =>
    Object.fromEntries(
      els.map((el) => [el.getAttribute('data-tile'), el.querySelector('.value')?.textContent?.trim() ?? '']),
    ),
  );
}

function assertTilesMatch(shown: Record<string, string>, s: UsageSummary): void {
  assert.equal(shown.requests, int(s.requests));
  assert.equal(shown.answered, int(s.answered));
  assert.equal(shown.failed, int(s.failed));
  assert.equal(shown.refused, int(s.refused));
  assert.equal(shown.tokens, int(s.totalTokens));
  const cost = s.costUsd < 1 && s.costUsd > 0 ? s.costUsd.toFixed(4) : s.costUsd.toFixed(2);
  assert.equal(shown.cost, `$${cost}`);
  const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
  assert.equal(shown.p50, ms(s.p50LatencyMs));
  assert.equal(shown.p95, ms(s.p95LatencyMs));
}

describe('the usage dashboard in chromium', { skip: missing }, () => {
  let rig: OperatorRig;
  let browser: Browser;
  const cspErrors: string[] = [];

  before(async () => {
    rig = await startOperatorRig({ env: { TWIN_DASHBOARD_TOKEN: TOKEN } });
    await seed(rig);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await rig?.close();
  });

  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    return page;
  }

  test('the operator opens it with the token, sees the ledger, changes the range, downloads the CSV', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    try {
      const page = await newPage(context);
      await page.goto(`${rig.url}/dashboard?token=${TOKEN}`);
      await page.waitForURL(`${rig.url}/dashboard`);
      assert.ok(!page.url().includes(TOKEN), 'the token is dropped from the address');
      const [cookie] = await context.cookies();
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, 'Strict');
      assert.ok(!cookie?.value.includes(TOKEN), 'the cookie is a signed session, not the token');
      await page.waitForSelector('body[data-charts="ready"]');
      assert.equal(await page.locator('#chart-requests canvas').count(), 1, 'uPlot drew the requests chart');

      const today = dayOf(Date.now());
      const weekAgo = dayOf(Date.now() - 6 * DAY);
      assertTilesMatch(await tiles(page), await ledger(rig, weekAgo, today));
      const tenantsShown = await page.$$eval('#by-tenant tbody tr td:first-child', (tds) =>
        tds.map((t) => t.textContent),
      );
      assert.ok(tenantsShown.includes('slack:T024BE7LD'));
      assert.ok(((await page.textContent('#quotas')) ?? '').includes('requests per day'));

      // A new range: the form puts it in the URL, and the tiles follow the ledger for it.
      const from = dayOf(Date.now() - 13 * DAY);
      const to = dayOf(Date.now() - 2 * DAY);
      await page.fill('#from', from);
      await page.fill('#to', to);
      await page.click('button[type=submit]');
      await page.waitForURL((u) => u.searchParams.get('from') === from && u.searchParams.get('to') === to);
      await page.waitForSelector('body[data-charts="ready"]');
      assertTilesMatch(await tiles(page), await ledger(rig, from, to));
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.ok(statSync(SCREENSHOT).size > 20_000, 'a screenshot with something in it');

      // The CSV of that range: one line per ledger record, and the same range in its name.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      assert.match(download.suggestedFilename(), new RegExp(`twinbot-usage-${from}-to-${to}\\.csv`));
      const csv = readFileSync((await download.path()) as string, 'utf8');
      const lines = csv.trimEnd().split('\r\n');
      assert.match(lines[0] ?? '', /^id,at,time,platform,tenantId/);
      assert.equal(lines.length - 1, (await ledger(rig, from, to)).requests);
      assert.deepEqual(cspErrors, [], 'no CSP violation or script error');
    } finally {
      await context.close();
    }
  });

  test("a tenant's link shows that tenant only, and reaches nothing of another", async () => {
    const door = rig.view.dashboard;
    assert.ok(door);
    const link = door.signer.sign({ scope: { tenantId: 'slack:T024BE7LD' }, expiresAt: Date.now() + DAY });
    const context = await browser.newContext({ acceptDownloads: true });
    try {
      const page = await newPage(context);
      await page.goto(`${rig.url}/dashboard?link=${encodeURIComponent(link)}`);
      await page.waitForURL(`${rig.url}/dashboard`);
      await page.waitForSelector('body[data-charts="ready"]');
      const today = dayOf(Date.now());
      assertTilesMatch(await tiles(page), await ledger(rig, dayOf(Date.now() - 6 * DAY), today, 'slack:T024BE7LD'));
      const tenantsShown = await page.$$eval('#by-tenant tbody tr td:first-child', (tds) =>
        tds.map((t) => t.textContent),
      );
      assert.deepEqual(tenantsShown, ['slack:T024BE7LD']);
      assert.equal(await page.locator('#tenant').count(), 0, 'no tenant picker on a tenant link');

      for (const path of ['/dashboard', '/dashboard/data.json', '/dashboard/usage.csv']) {
        const res = await page.goto(`${rig.url}${path}?tenant=discord:1180`).catch(() => undefined);
        assert.equal(res?.status(), 403, `${path} refuses another tenant`);
      }
      await page.goto(`${rig.url}/dashboard`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const rows = readFileSync((await download.path()) as string, 'utf8')
        .trimEnd()
        .split('\r\n')
        .slice(1);
      assert.ok(rows.length > 0);
      assert.ok(
        rows.every((r) => r.split(',')[4] === 'slack:T024BE7LD'),
        'the CSV holds the tenant’s rows only',
      );
    } finally {
      await context.close();
    }
  });

  test('a forged or expired link, and no credential at all, are refused', async () => {
    const door = rig.view.dashboard;
    assert.ok(door);
    const genuine = door.signer.sign({ scope: { tenantId: 'slack:T024BE7LD' }, expiresAt: Date.now() + DAY });
    const [version, , mac] = genuine.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ s: 'discord:1180', e: Date.now() + DAY })).toString('base64url');
    const forged = `${version}.${otherPayload}.${mac}`;
    const expired = door.signer.sign({ scope: { tenantId: 'slack:T024BE7LD' }, expiresAt: Date.now() - 1 });
    const context = await browser.newContext();
    try {
      const page = await newPage(context);
      let res = await page.goto(`${rig.url}/dashboard?link=${encodeURIComponent(forged)}`);
      assert.equal(res?.status(), 403);
      assert.match((await page.textContent('body')) ?? '', /not valid/);
      res = await page.goto(`${rig.url}/dashboard?link=${encodeURIComponent(expired)}`);
      assert.equal(res?.status(), 403);
      assert.match((await page.textContent('body')) ?? '', /expired/);
      res = await page.goto(`${rig.url}/dashboard?token=not-the-token`);
      assert.equal(res?.status(), 403);
      res = await page.goto(`${rig.url}/dashboard`);
      assert.equal(res?.status(), 401);
      assert.deepEqual(await context.cookies(), [], 'no session was handed out');
    } finally {
      await context.close();
    }
  });
});
