/**
 * `/twin-usage quota` on Slack: the real Bolt app (Socket Mode) against the fake Slack, a real TwinService with a
 * quota guard (operator default 100 requests a day) and its ledger. The adapter reads the text and the admin bit
 * (users.info); the core decides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN, MEMBER, type SlackRig, startSlackRig } from './slack-rig.js';

describe('Slack adapter: /twin-usage quota (operator default: 100 requests a day)', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({ mode: 'socket', harness: { groq: false, quotaDefaults: { requestsPerDay: 100 } } });
  });
  after(() => rig.close());

  const override = () => rig.harness.usage.getQuota('slack:T1', 'tenant_admin');
  const quota = async (text: string, userId = ADMIN) => {
    const seen = await rig.command('/twin-usage', text, { userId });
    assert.equal(seen.ephemeral, true);
    assert.equal(seen.messages, 1);
    assert.equal(seen.notifiesNobody, true);
    return seen.text;
  };

  test('a workspace admin tightens the quota, and `report 30d` shows it', async () => {
    assert.equal(
      await quota('quota requests-per-day 10 usd-per-month 5'),
      'Quota updated. Quota (UTC): 0 of 10 requests today; $0.00 of $5.00 this month',
    );
    assert.deepEqual(await override(), { requestsPerDay: 10, usdPerMonth: 5 });
    const report = await rig.command('/twin-usage', 'report 30d', { userId: ADMIN });
    assert.match(report.text, /this workspace, last 30 days[\s\S]*Quota \(UTC\): 0 of 10 requests today/);
  });

  test('a member (users.info: not an admin) is refused, with no numbers, and nothing changes', async () => {
    const text = await quota('quota requests-per-day 1', MEMBER);
    assert.match(text, /Quotas can be changed by the admins/);
    assert.doesNotMatch(text, /\d/);
    assert.equal(rig.fake.callsOf('users.info').at(-1)!.params.user, MEMBER);
    assert.equal((await override())?.requestsPerDay, 10);
  });

  test("an admin cannot loosen past the operator's default", async () => {
    assert.equal(
      await quota('quota requests-per-day 1,000'),
      "The requests per day limit can be at most 100 here: that is the bot operator's limit.",
    );
    assert.equal((await override())?.requestsPerDay, 10);
  });

  test('`quota clear` goes back to the defaults', async () => {
    assert.equal(await quota('quota clear'), 'Quota updated. Quota (UTC): 0 of 100 requests today');
    assert.equal(await override(), undefined);
  });

  test('a malformed quota command gets the usage hint, before any Slack or ledger call', async () => {
    const lookups = rig.fake.callsOf('users.info').length;
    for (const text of [
      'quota',
      'quota requests-per-day',
      'quota requests-per-day ten',
      'quota requests-per-day -1',
      'quota requests-per-day 1.5',
      'quota bananas 5',
      'quota clear requests-per-day 5',
      'quota requests-per-day 5 requests-per-day 6',
    ]) {
      assert.match(await quota(text), /Try \/twin-usage quota requests-per-day 100 usd-per-month 5/, text);
    }
    assert.equal(rig.fake.callsOf('users.info').length, lookups);
    assert.equal(rig.harness.logs.events('twin.quota_changed').length, 2, 'only the two real changes above');
  });
});
