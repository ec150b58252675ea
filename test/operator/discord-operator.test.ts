/**
 * `/twin-usage alerts channel:#x` and `/twin-usage dashboard` on Discord (issue 14): the REAL discord.js client
 * against the fake Discord, with the bot's commands registered (the fake types `channel` as a channel option). An
 * alert then reaches that channel through the DiscordAlertSink, over the same fake REST API, without pinging anyone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DiscordAlertSink } from '../../src/adapters/discord/discord-alert-sink.js';
import { DashboardSigner } from '../../src/adapters/http/dashboard-session.js';
import { ALERT_CHANNELS_NAMESPACE, AlertMonitor } from '../../src/core/alert-monitor.js';
import { systemClock } from '../../src/core/ports.js';
import { TenantQuotaGuard } from '../../src/core/tenant-quota-guard.js';
import { bodyNotifiesNobody, type DiscordRig, runSlash, startDiscordRig } from '../adapters/discord/discord-driver.js';
import { PERMISSIONS } from '../fakes/discord/fake-discord-server.js';

const DASHBOARD_TOKEN = 'a-dashboard-token-for-discord';

describe('discord /twin-usage alerts and dashboard', () => {
  let rig: DiscordRig;
  const asAdmin = { permissions: PERMISSIONS.manageGuild };
  const asMember = { permissions: PERMISSIONS.member };
  let tenant: string;

  before(async () => {
    rig = await startDiscordRig({
      harness: {
        groq: false,
        quotaDefaults: { requestsPerDay: 2 },
        env: { TWIN_DASHBOARD_TOKEN: DASHBOARD_TOKEN, TWIN_PUBLIC_URL: 'https://twin.example.com/' },
      },
    });
    tenant = `discord:${rig.fake.guild.id}`;
  });
  after(() => rig.close());

  const reply = async (command: string, options: Record<string, string>, extra = asAdmin) => {
    const { interaction } = await runSlash(rig, command, options, extra);
    const messages = rig.fake.interactionMessages(interaction.token);
    assert.equal(messages.length, 1);
    assert.ok(((messages[0]?.flags ?? 0) & 64) !== 0, 'private');
    return messages[0]?.content ?? '';
  };

  test('a member may not choose the alert channel', async () => {
    const text = await reply('twin-usage alerts', { channel: rig.fake.guild.channelId }, asMember);
    assert.equal(text, 'Alerts can be set up by the admins of this server.');
    assert.equal(await rig.harness.usage.keyValues.get(ALERT_CHANNELS_NAMESPACE, tenant), undefined);
  });

  test('an admin chooses it, and the next alert is posted there without pinging anyone', async () => {
    const channel = rig.fake.guild.channelId;
    const text = await reply('twin-usage alerts', { channel });
    assert.match(text, /^Quota alerts for this server will be posted in /);
    assert.match(text, /once each at 80%, 90% and 100% of every limit/);
    assert.deepEqual(JSON.parse((await rig.harness.usage.keyValues.get(ALERT_CHANNELS_NAMESPACE, tenant)) ?? '{}'), {
      platform: 'discord',
      channelId: channel,
    });

    const monitor = new AlertMonitor({
      kv: rig.harness.usage.keyValues,
      quota: new TenantQuotaGuard(rig.harness.usage, { requestsPerDay: 2 }, systemClock),
      usage: rig.harness.usage,
      sinks: [new DiscordAlertSink({ token: rig.fake.token, apiUrl: rig.fake.apiUrl })],
      logger: rig.harness.logger,
      clock: systemClock,
    });
    const since = rig.fake.calls.length;
    await runSlash(rig, 'ask-twin', { question: 'Where did you study?' });
    assert.deepEqual(await monitor.checkQuota(tenant), [], 'half the quota: no alert');
    await runSlash(rig, 'ask-twin', { question: 'What do you do now?' });
    const sent = await monitor.checkQuota(tenant);
    // why: from 50% straight to 100%, one alert (the highest), and 80% and 90% are never sent late.
    assert.deepEqual(
      sent.map((a) => a.threshold),
      [100],
    );
    assert.deepEqual(await monitor.checkQuota(tenant), [], 'once');
    const posts = rig.fake.calls
      .slice(since)
      .filter((c) => c.method === 'POST' && c.path === `/channels/${channel}/messages`);
    assert.equal(posts.length, 1);
    const body = posts[0]?.body as { content: string; allowed_mentions?: Record<string, unknown> };
    assert.equal(body.content, sent[0]?.text);
    assert.match(body.content, /raise the quota with `twinbot quota set discord:\d+ --requests-per-day 4`/);
    assert.ok(bodyNotifiesNobody(body));
  });

  test('an admin gets a signed read-only link to this server only; a member gets none', async () => {
    const text = await reply('twin-usage dashboard', {});
    const url = /https:\/\/twin\.example\.com\/dashboard\?link=(\S+)/.exec(text);
    assert.ok(url, text);
    assert.match(text, /The link works until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const checked = new DashboardSigner(DASHBOARD_TOKEN).verify(decodeURIComponent(url[1] ?? ''), Date.now());
    assert.ok('grant' in checked);
    assert.deepEqual(checked.grant.scope, { tenantId: tenant });
    assert.ok(checked.grant.expiresAt > Date.now() + 6 * 86_400_000);

    const refused = await reply('twin-usage dashboard', {}, asMember);
    assert.equal(refused, 'The usage dashboard is for the admins of this server.');
  });
});
