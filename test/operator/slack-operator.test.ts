/**
 * `/twin-usage alerts #channel`, `alerts here` and `dashboard` on Slack (issue 14): the real Bolt app (Socket Mode)
 * against the fake Slack; the admin bit comes from users.info. An alert then reaches the chosen channel through the
 * SlackAlertSink (chat.postMessage on the same fake), escaped so it notifies nobody.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashboardSigner } from '../../src/adapters/http/dashboard-session.js';
import { ALERTS_HINT, parseOperatorCommand } from '../../src/adapters/slack/operator-command.js';
import { SlackAlertSink } from '../../src/adapters/slack/slack-alert-sink.js';
import { ALERT_CHANNELS_NAMESPACE, AlertMonitor } from '../../src/core/alert-monitor.js';
import { systemClock } from '../../src/core/ports.js';
import { TenantQuotaGuard } from '../../src/core/tenant-quota-guard.js';
import { ADMIN, CHANNEL, MEMBER, type SlackRig, startSlackRig } from '../adapters/slack/slack-rig.js';

const DASHBOARD_TOKEN = 'a-dashboard-token-for-slack';

test('the syntax: a picked channel, `here`, `dashboard`; anything else about alerts gets the hint', () => {
  assert.deepEqual(parseOperatorCommand('alerts <#C0ALERTS|ops-alerts>'), { kind: 'alerts', channelId: 'C0ALERTS' });
  assert.deepEqual(parseOperatorCommand('alerts <#C0ALERTS>'), { kind: 'alerts', channelId: 'C0ALERTS' });
  assert.deepEqual(parseOperatorCommand('Alerts here'), { kind: 'alerts', channelId: 'here' });
  assert.deepEqual(parseOperatorCommand('dashboard'), { kind: 'dashboard' });
  for (const text of ['alerts', 'alerts #ops', 'alerts <@U123>', 'alerts <#C1|a> <#C2|b>']) {
    assert.deepEqual(parseOperatorCommand(text), { kind: 'hint', text: ALERTS_HINT }, text);
  }
  for (const text of ['', '7d', 'quota clear', 'dashboard 7d']) assert.equal(parseOperatorCommand(text), undefined);
});

describe('Slack /twin-usage alerts and dashboard', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({
      mode: 'socket',
      harness: {
        groq: false,
        quotaDefaults: { requestsPerDay: 5 },
        env: { TWIN_DASHBOARD_TOKEN: DASHBOARD_TOKEN, TWIN_PUBLIC_URL: 'https://twin.example.com' },
      },
    });
  });
  after(() => rig.close());

  const usage = async (text: string, userId = ADMIN) => {
    const seen = await rig.command('/twin-usage', text, { userId });
    assert.equal(seen.ephemeral, true);
    assert.equal(seen.notifiesNobody, true);
    return seen.text;
  };
  const stored = async () => rig.harness.usage.keyValues.get(ALERT_CHANNELS_NAMESPACE, 'slack:T1');

  test('a member is refused and nothing is stored', async () => {
    assert.equal(await usage('alerts here', MEMBER), 'Alerts can be set up by the admins of this workspace.');
    assert.equal(await stored(), undefined);
  });

  test('an admin picks the channel (`here` is the one typed in); an alert is posted there', async () => {
    const text = await usage('alerts here');
    assert.match(text, /^Quota alerts for this workspace will be posted in /);
    assert.deepEqual(JSON.parse((await stored()) ?? '{}'), { platform: 'slack', channelId: CHANNEL });
    await usage('alerts <#CALERTS|twin-alerts>');
    assert.deepEqual(JSON.parse((await stored()) ?? '{}'), { platform: 'slack', channelId: 'CALERTS' });
    await usage('alerts here');

    for (let i = 0; i < 4; i++) await rig.command('/ask-twin', 'Where did you study?');
    const monitor = new AlertMonitor({
      kv: rig.harness.usage.keyValues,
      quota: new TenantQuotaGuard(rig.harness.usage, { requestsPerDay: 5 }, systemClock),
      usage: rig.harness.usage,
      sinks: [new SlackAlertSink({ token: 'xoxb-test', apiUrl: rig.fake.apiUrl })],
      logger: rig.harness.logger,
      clock: systemClock,
    });
    const before = rig.fake.callsOf('chat.postMessage').length;
    const sent = await monitor.checkQuota('slack:T1');
    assert.deepEqual(
      sent.map((a) => a.threshold),
      [80],
    );
    const posts = rig.fake.callsOf('chat.postMessage').slice(before);
    assert.equal(posts.length, 1);
    assert.equal(posts[0]?.params.channel, CHANNEL);
    assert.match(
      String(posts[0]?.params.text),
      /slack:T1 has used 80% of its requests per day quota \(4 of 5 requests today\)/,
    );
  });

  test('a bare #name has no channel id: the hint, before any Slack call', async () => {
    const lookups = rig.fake.callsOf('users.info').length;
    assert.equal(await usage('alerts #general'), ALERTS_HINT);
    assert.equal(rig.fake.callsOf('users.info').length, lookups);
  });

  test('an admin gets a signed link to this workspace only; a member gets none', async () => {
    const text = await usage('dashboard');
    const url = /https:\/\/twin\.example\.com\/dashboard\?link=([^\s>|]+)/.exec(text);
    assert.ok(url, text);
    const checked = new DashboardSigner(DASHBOARD_TOKEN).verify(decodeURIComponent(url[1] ?? ''), Date.now());
    assert.ok('grant' in checked);
    assert.deepEqual(checked.grant.scope, { tenantId: 'slack:T1' });
    assert.equal(await usage('dashboard', MEMBER), 'The usage dashboard is for the admins of this workspace.');
  });
});
