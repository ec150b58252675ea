/**
 * Issue 19.1: a tenant admin cannot undo the operator's limit. The operator sets it with the real `twinbot quota`
 * command; then, on Slack and on Discord alike, the tenant's admin clears and raises from chat, and the limit holds.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TenantQuotaGuard } from '../../src/core/tenant-quota-guard.js';
import { TwinService } from '../../src/core/twin-service.js';
import type { Platform, QuotaChangeResult, TenantQuota } from '../../src/core/types.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { FINDS_THE_CHUNK, ONE_CHUNK_PROFILE } from '../support/one-chunk-profile.js';
import { runCli, tempWorkdir } from '../support/run-cli.js';
import { silentLogger } from '../support/silent-logger.js';

const text = (r: QuotaChangeResult) => (r.kind === 'updated' ? r.text : r.message);

function service(usage: LibsqlUsageStore, defaults: TenantQuota): TwinService {
  return new TwinService({
    profile: ONE_CHUNK_PROFILE,
    retriever: FINDS_THE_CHUNK,
    usage,
    logger: silentLogger,
    quota: new TenantQuotaGuard(usage, defaults, { now: () => Date.now() }),
    options: { deadlineMs: 5_000, userRate: { perMinute: 100, concurrent: 10 }, admins: ['op'], maxTokens: 500 },
  });
}

const cases: { platform: Platform; tenantId: string }[] = [
  { platform: 'slack', tenantId: 'slack:T1' },
  { platform: 'discord', tenantId: 'discord:4242' },
];

describe('who set a quota limit', () => {
  const cwd = tempWorkdir();
  const env = { DATABASE_URL: `file:${join(cwd, 'twin.db')}` };
  let usage: LibsqlUsageStore;
  let twin: TwinService;
  before(async () => {
    for (const { tenantId } of cases) {
      const r = await runCli(['quota', 'set', tenantId, '--requests-per-day', '1'], env, cwd);
      assert.equal(r.code, 0, r.stderr);
    }
    // why: no TWIN_QUOTA_* defaults, the case where nothing else bounds a tenant admin.
    usage = await LibsqlUsageStore.open({ url: env.DATABASE_URL });
    twin = service(usage, {});
  });
  after(async () => usage.close());

  for (const { platform, tenantId } of cases) {
    const admin = { platform, tenantId, userId: 'admin', isPlatformAdmin: true };
    const ask = async () => {
      let last: string | undefined;
      for await (const e of twin.ask({
        ...admin,
        channelId: 'c',
        command: 'ask-twin',
        question: 'Where did you study?',
      }))
        last = e.type === 'failure' ? e.failure.code : e.type;
      return last;
    };

    test(`${platform}: the admin's clear and raise leave the operator's limit in force`, async () => {
      const cleared = await twin.setQuota({ ...admin, change: { clear: true } });
      assert.match(text(cleared), /0 of 1 requests today/);
      const raised = await twin.setQuota({ ...admin, change: { set: { requestsPerDay: 999_999_999 } } });
      assert.equal(raised.kind, 'refused');
      assert.match(text(raised), /at most 1 here: that is the bot operator's limit/);
      assert.equal(await ask(), 'final');
      assert.equal(await ask(), 'over_quota');
    });

    test(`${platform}: the admin may tighten where the operator set nothing, and clear only that`, async () => {
      const tightened = await twin.setQuota({ ...admin, change: { set: { tokensPerDay: 5_000, requestsPerDay: 0 } } });
      assert.equal(tightened.kind, 'updated', text(tightened));
      assert.match(text(tightened), /1 of 0 requests today; 0 of 5,000 tokens today/);
      const loosened = await twin.setQuota({ ...admin, change: { set: { tokensPerDay: 50_000 } } });
      assert.equal(loosened.kind, 'updated', 'their own tightening is theirs to loosen');
      const cleared = await twin.setQuota({ ...admin, change: { clear: true } });
      assert.match(text(cleared), /^Quota updated\. Quota \(UTC\): 1 of 1 requests today$/);
    });
  }

  test("the operator's command shows the limits in force and the admins' tightening apart", async () => {
    await twin.setQuota({ ...cases[0]!, userId: 'admin', isPlatformAdmin: true, change: { set: { usdPerDay: 2 } } });
    await usage.close();
    const shown = await runCli(['quota', 'show', 'slack:T1'], env, cwd);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^slack:T1: 1 requests per day, \$2\.00 per day, from the operator's override/);
    assert.match(shown.stdout, /\nTightened by the tenant's admins: \$2\.00 per day\n/);
    usage = await LibsqlUsageStore.open({ url: env.DATABASE_URL });
  });
});
