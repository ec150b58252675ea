/** Quotas end to end in the core: admins change their own tenant's limits, the twin enforces them, reports show them. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TenantQuotaGuard } from '../../src/core/tenant-quota-guard.js';
import { TwinService } from '../../src/core/twin-service.js';
import type { AskRequest, ReplyEvent } from '../../src/core/types.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { FINDS_THE_CHUNK, ONE_CHUNK_PROFILE } from '../support/one-chunk-profile.js';
import { silentLogger } from '../support/silent-logger.js';

describe('quota changes and enforcement', () => {
  let usage: LibsqlUsageStore;
  let twin: TwinService;
  before(async () => {
    usage = await LibsqlUsageStore.open({ url: ':memory:' });
    twin = new TwinService({
      profile: ONE_CHUNK_PROFILE,
      retriever: FINDS_THE_CHUNK,
      usage,
      logger: silentLogger,
      quota: new TenantQuotaGuard(usage, { requestsPerDay: 100 }, { now: () => Date.now() }),
      options: {
        deadlineMs: 5_000,
        userRate: { perMinute: 100, concurrent: 10 },
        admins: ['operator'],
        maxTokens: 500,
      },
    });
  });
  after(async () => usage.close());

  const base = { platform: 'discord' as const, tenantId: 'discord:q' };

  test('a regular member cannot change the quota', async () => {
    const r = await twin.setQuota({
      ...base,
      userId: 'u',
      isPlatformAdmin: false,
      change: { set: { requestsPerDay: 1 } },
    });
    assert.equal(r.kind, 'refused');
  });

  test("a server admin may tighten, but not loosen past the operator's limit", async () => {
    const loosen = await twin.setQuota({
      ...base,
      userId: 'a',
      isPlatformAdmin: true,
      change: { set: { requestsPerDay: 500 } },
    });
    assert.equal(loosen.kind, 'refused');
    assert.match(loosen.kind === 'refused' ? loosen.message : '', /at most 100 here: that is the bot operator's limit/);
    const tighten = await twin.setQuota({
      ...base,
      userId: 'a',
      isPlatformAdmin: true,
      change: { set: { requestsPerDay: 1 } },
    });
    assert.equal(tighten.kind, 'updated');
    assert.match(tighten.kind === 'updated' ? tighten.text : '', /0 of 1 requests today/);
  });

  test('the tightened quota is enforced, politely, with a record of the refusal', async () => {
    const ask = async (): Promise<ReplyEvent | undefined> => {
      const req: AskRequest = {
        ...base,
        channelId: 'c',
        userId: 'm',
        command: 'ask-twin',
        question: 'Where did you study?',
      };
      let last: ReplyEvent | undefined;
      for await (const e of twin.ask(req)) last = e;
      return last;
    };
    assert.equal((await ask())?.type, 'final');
    const refused = await ask();
    assert.equal(refused?.type === 'failure' && refused.failure.code, 'over_quota');
    assert.match(
      refused?.type === 'failure' ? refused.failure.message : '',
      /This server has used today's allowance .* resets at midnight UTC/,
    );
    const report = await twin.usage({ ...base, userId: 'a', isPlatformAdmin: true, window: '24h' });
    assert.match(report.kind === 'report' ? report.text : '', /Refused: 1/);
    assert.match(report.kind === 'report' ? report.text : '', /Quota \(UTC\): 1 of 1 requests today/);
  });

  test("an operator may loosen the ceiling; the admin's clear lifts their own tightening, the operator's the rest", async () => {
    const r = await twin.setQuota({
      ...base,
      userId: 'operator',
      isPlatformAdmin: false,
      change: { set: { requestsPerDay: 1_000 } },
    });
    assert.equal(r.kind, 'updated');
    assert.match(r.kind === 'updated' ? r.text : '', /1 of 1 requests today/, "the admin's tightening still holds");
    const cleared = await twin.setQuota({ ...base, userId: 'a', isPlatformAdmin: true, change: { clear: true } });
    assert.match(cleared.kind === 'updated' ? cleared.text : '', /1 of 1,000 requests today/);
    const back = await twin.setQuota({ ...base, userId: 'operator', isPlatformAdmin: false, change: { clear: true } });
    assert.match(back.kind === 'updated' ? back.text : '', /1 of 100 requests today/);
  });
});
