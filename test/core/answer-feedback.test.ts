/**
 * Feedback on answers end to end in the core and the ledger: the real TwinService (built as `twinbot start` builds
 * it) on a real database file. `twinbot usage` on the same kind of file: test/cli/feedback-usage.system.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { cleanReason, MAX_REASON_CHARS } from '../../src/core/answer-feedback.js';
import type { Logger } from '../../src/core/ports.js';
import type { Answer, AskRequest, FeedbackRequest } from '../../src/core/types.js';
import { type App, buildApp } from '../../src/main.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { LogSink } from '../support/log-sink.js';
import { tempWorkdir } from '../support/run-cli.js';
import { SAMPLE_PROFILE } from '../support/twin-harness.js';

const A = 'discord:111';
const B = 'discord:222';

function askOf(tenantId: string, userId: string, question: string): AskRequest {
  return { platform: 'discord', tenantId, channelId: 'c1', userId, command: 'ask-twin', question };
}

describe('feedback on answers', () => {
  let dir: string;
  let app: App;
  let answer: Answer;
  const vote = (v: Partial<FeedbackRequest>): FeedbackRequest => ({
    platform: 'discord',
    tenantId: A,
    userId: 'u1',
    requestId: answer.requestId ?? '',
    vote: 'helpful',
    ...v,
  });

  before(async () => {
    dir = tempWorkdir();
    const env = { TWIN_PROFILE: SAMPLE_PROFILE, DATABASE_URL: `file:${dir}/twin.db`, TWIN_ADMINS: 'op' };
    app = await buildApp(loadConfig(env, dir), pino({ level: 'silent' }, new LogSink()) as unknown as Logger);
    for await (const e of app.twin.ask(askOf(A, 'asker', 'Where did you study?'))) {
      if (e.type === 'final') answer = e.answer;
    }
  });
  after(async () => {
    await app.twin.close(0);
    await app.close();
  });

  test('a final answer carries its ledger row id and follow-ups that do not repeat the question', async () => {
    assert.match(answer.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(await app.usage.requestTenant(answer.requestId!), A);
    assert.ok((answer.followUps ?? []).length > 0 && (answer.followUps ?? []).length <= 3);
    assert.ok(!answer.followUps!.some((q) => /where did you study/i.test(q)), answer.followUps!.join(' | '));
  });

  test('one vote per person per answer, changeable; a 👍 clears the reason', async () => {
    assert.equal((await app.twin.feedback(vote({ vote: 'helpful' }))).kind, 'recorded');
    assert.equal((await app.twin.feedback(vote({ vote: 'helpful' }))).kind, 'recorded');
    let s = await app.usage.summarizeFeedback({ tenantId: A, from: 0, to: Date.now() + 1, reasons: 5 });
    assert.deepEqual([s.votes, s.helpful, s.notHelpful], [1, 1, 0]);

    await app.twin.feedback(vote({ vote: 'not_helpful', reason: 'It missed my thesis; token xoxb-1234567890-abcdef' }));
    // A second 👎 click without a reason keeps the reason given.
    await app.twin.feedback(vote({ vote: 'not_helpful' }));
    await app.twin.feedback(vote({ userId: 'u2', vote: 'helpful' }));
    s = await app.usage.summarizeFeedback({ tenantId: A, from: 0, to: Date.now() + 1, reasons: 5 });
    assert.deepEqual([s.votes, s.helpful, s.notHelpful], [2, 1, 1]);
    assert.equal(s.recentReasons.length, 1);
    assert.match(s.recentReasons[0]!.reason, /missed my thesis/);
    assert.doesNotMatch(s.recentReasons[0]!.reason, /xoxb-1234567890/);
  });

  test("another tenant's request id, or a made-up one, is refused and stores nothing", async () => {
    const crafted = await app.twin.feedback(
      vote({ tenantId: B, userId: 'intruder', vote: 'not_helpful', reason: 'x' }),
    );
    assert.equal(crafted.kind, 'refused');
    const madeUp = await app.twin.feedback(vote({ requestId: '00000000-0000-4000-8000-000000000000' }));
    assert.equal(madeUp.kind, 'refused');
    assert.equal((await app.twin.feedback(vote({ requestId: "x' OR 1=1 --" }))).kind, 'refused');
    const all = await app.usage.summarizeFeedback({ from: 0, to: Date.now() + 1, reasons: 5 });
    assert.equal(all.votes, 2);
    const other = await app.usage.summarizeFeedback({ tenantId: B, from: 0, to: Date.now() + 1, reasons: 5 });
    assert.equal(other.votes, 0);
  });

  test("/twin-usage shows the helpful rate and the 👎 reasons to the tenant's admins only", async () => {
    const asker = { platform: 'discord' as const, userId: 'admin', isPlatformAdmin: true, window: '24h' as const };
    const own = await app.twin.usage({ ...asker, tenantId: A });
    assert.equal(own.kind, 'report');
    assert.match(own.kind === 'report' ? own.text : '', /Helpful: 50\.0% \(1 of 2 votes; not helpful: 1\)/);
    assert.match(own.kind === 'report' ? own.text : '', /missed my thesis/);
    const theirs = await app.twin.usage({ ...asker, tenantId: B });
    assert.doesNotMatch(theirs.kind === 'report' ? theirs.text : '', /thesis/);
    assert.match(theirs.kind === 'report' ? theirs.text : '', /Feedback: no votes yet/);
    const member = await app.twin.usage({ ...asker, tenantId: A, isPlatformAdmin: false, userId: 'm' });
    assert.equal(member.kind, 'refused');
  });

  test('votes survive a restart and a roll-up; forgetting the tenant deletes them', async () => {
    const url = `file:${dir}/twin.db`;
    const again = await LibsqlUsageStore.open({ url });
    try {
      const s = await again.summarizeFeedback({ tenantId: A, from: 0, to: Date.now() + 1, reasons: 5 });
      assert.equal(s.votes, 2);
      await again.rollUp(Date.now() + 2 * 86_400_000);
      assert.equal((await again.summarizeFeedback({ tenantId: A, from: 0, to: Date.now() + 1, reasons: 5 })).votes, 2);
      // The request is rolled up: a new vote on it can no longer be checked, so it is refused.
      assert.equal(await again.requestTenant(answer.requestId!), undefined);
      await again.forget(A);
      assert.equal((await again.summarizeFeedback({ tenantId: A, from: 0, to: Date.now() + 1, reasons: 5 })).votes, 0);
    } finally {
      await again.close();
    }
  });
});

describe('a 👎 reason as stored', () => {
  test('one line, bounded, secrets replaced', () => {
    assert.equal(cleanReason('  too\n\tvague  '), 'too vague');
    assert.equal(cleanReason('   '), undefined);
    const long = cleanReason('a'.repeat(10) + ' word'.repeat(200))!;
    assert.equal(long.length, MAX_REASON_CHARS);
    assert.ok(long.endsWith('…'));
    const scrubbed = cleanReason('see postgres://bob:hunter22@db/x and gsk_abcdefghijklmnop1234 please')!;
    assert.doesNotMatch(scrubbed, /hunter22|gsk_abcdefghijklmnop1234/);
    assert.match(scrubbed, /please$/);
  });
});
