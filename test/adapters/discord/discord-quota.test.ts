/**
 * `/twin-usage quota` on Discord: the REAL discord.js client against the fake Discord, with the bot's commands
 * registered so the fake types each option as Discord would (integers, a number, a boolean, inside the subcommand).
 * A real TwinService with a quota guard (operator default 100 requests a day) decides; the adapter only reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PERMISSIONS } from '../../fakes/discord/fake-discord-server.js';
import { callsNotifyNobody, type DiscordRig, runSlash, startDiscordRig } from './discord-driver.js';

describe('discord /twin-usage quota (operator default: 100 requests a day)', () => {
  let rig: DiscordRig;
  const EPHEMERAL = 64;
  const asAdmin = { permissions: PERMISSIONS.manageGuild };

  before(async () => {
    rig = await startDiscordRig({ harness: { groq: false, quotaDefaults: { requestsPerDay: 100 } } });
  });
  after(() => rig.close());

  /** Runs `/twin-usage quota` with these options and returns the one private message it produced. */
  const quota = async (options: Record<string, number | boolean>, extra = asAdmin) => {
    const { interaction, calls } = await runSlash(rig, 'twin-usage quota', options, extra);
    const messages = rig.fake.interactionMessages(interaction.token);
    assert.equal(messages.length, 1);
    const [m] = messages;
    assert.ok(m && (m.flags & EPHEMERAL) !== 0, 'ephemeral');
    assert.ok(callsNotifyNobody(calls));
    return m.content;
  };
  const override = () => rig.harness.usage.getQuota(`discord:${rig.fake.guild.id}`, 'tenant_admin');

  test('an admin tightens the quota: the updated quota line, and the report shows it', async () => {
    // usd-per-month is a number option: the fake sends 5 as type 10, as Discord does, and discord.js reads it so.
    const text = await quota({ 'requests-per-day': 10, 'tokens-per-month': 50_000, 'usd-per-month': 5 });
    assert.equal(
      text,
      'Quota updated. Quota (UTC): 0 of 10 requests today; 0 of 50,000 tokens this month; $0.00 of $5.00 this month',
    );
    assert.deepEqual(await override(), { requestsPerDay: 10, tokensPerMonth: 50_000, usdPerMonth: 5 });
    const { interaction } = await runSlash(rig, 'twin-usage report', {}, asAdmin);
    assert.match(rig.fake.interactionMessages(interaction.token)[0]?.content ?? '', /Quota \(UTC\): 0 of 10 requests/);
  });

  test('a regular member is refused, with no numbers, and nothing changes', async () => {
    const before = await override();
    const text = await quota({ 'requests-per-day': 1 }, { permissions: PERMISSIONS.member });
    assert.match(text, /Quotas can be changed by the admins/);
    assert.doesNotMatch(text, /\d/);
    assert.deepEqual(await override(), before);
  });

  test("an admin cannot loosen past the operator's default", async () => {
    const text = await quota({ 'requests-per-day': 500 });
    assert.equal(text, "The requests per day limit can be at most 100 here: that is the bot operator's limit.");
    assert.equal((await override())?.requestsPerDay, 10);
  });

  test('clear removes the override: back to the defaults', async () => {
    assert.equal(await quota({ clear: true }), 'Quota updated. Quota (UTC): 0 of 100 requests today');
    assert.equal(await override(), undefined);
  });

  test('no limit, clear: False, or clear with limits get a hint naming the options (without numbers)', async () => {
    const cases: Record<string, number | boolean>[] = [{}, { clear: false }, { clear: true, 'requests-per-day': 5 }];
    for (const options of cases) {
      const text = await quota(options);
      assert.match(
        text,
        /requests-per-day, tokens-per-day, requests-per-month, tokens-per-month, usd-per-day, usd-per-month/,
      );
      assert.match(text, /clear/);
      assert.doesNotMatch(text, /\d/);
    }
    assert.equal(rig.harness.logs.events('twin.quota_changed').length, 2, 'only the two real changes above');
  });
});
