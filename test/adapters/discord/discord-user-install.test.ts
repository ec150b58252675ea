/**
 * `/ask-twin` through a person's User Install (issue 16.2), with the REAL discord.js client against the fake Discord:
 * in the bot's DM, in a group DM between people and in a server that never added the bot, the answer comes only
 * through the interaction (no channel message, no typing, no channel read), on the person's own tenant, whose
 * usage and quota it spends. `/twin-usage` stays with servers that added the bot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FLAG_COMPONENTS_V2 } from '../../fakes/discord/fake-discord-components.js';
import type { RecordedCall } from '../../fakes/discord/fake-discord-server.js';
import { callsNotifyNobody, type DiscordRig, runSlash, shownText, startDiscordRig } from './discord-driver.js';

/** Calls that touched a channel (a post, an edit, typing, a read) rather than the interaction's webhook. */
const channelCalls = (calls: readonly RecordedCall[]) => calls.filter((c) => c.path.startsWith('/channels/'));

describe('discord /ask-twin through a User Install', () => {
  let rig: DiscordRig;
  const userTenant = () => `discord:dm:${rig.member.id}`;

  before(async () => {
    // why a quota: to show that a user-installed command spends the person's own quota, not a server's.
    rig = await startDiscordRig({ harness: { groq: {}, quotaDefaults: { requestsPerDay: 100 } } });
  });
  after(() => rig.close());

  test('in the bot’s DM: answered through the interaction, as Components V2, on the person’s tenant', async () => {
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'I mostly write TypeScript and Go.' });
    const { interaction, calls } = await runSlash(
      rig,
      'ask-twin',
      { question: 'Which programming languages do you use most?' },
      { where: 'bot_dm', userInstalled: true },
    );
    assert.equal(interaction.context, 1);
    assert.equal(interaction.guildId, undefined);
    assert.equal(interaction.owners['1'], rig.member.id, 'the user install authorised it');
    assert.equal(calls[0]?.body.type, 5, 'deferred first');
    const [reply, ...rest] = rig.fake.interactionMessages(interaction.token);
    assert.equal(rest.length, 0);
    assert.ok(reply && (reply.flags & FLAG_COMPONENTS_V2) !== 0);
    assert.match(shownText(reply), /TypeScript and Go\.\n-# Sources: /);
    assert.deepEqual(channelCalls(calls), []);
    assert.ok(callsNotifyNobody(calls));
    const record = rig.harness.logs.events('twin.usage').at(-1);
    assert.equal(record?.tenantId, userTenant());
    assert.equal(record?.command, 'ask-twin');
  });

  test('in a group DM between people: only the interaction is used, never the channel the bot cannot see', async () => {
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'I studied computer science at university.' });
    const { interaction, calls } = await runSlash(
      rig,
      'ask-twin',
      { question: 'Where did you study?' },
      { where: 'private_channel', userInstalled: true },
    );
    assert.equal(interaction.context, 2);
    assert.deepEqual(interaction.owners, { '1': rig.member.id });
    const [reply] = rig.fake.interactionMessages(interaction.token);
    assert.equal(reply?.channel_id, rig.fake.privateChannelOf(rig.member.id));
    assert.match(shownText(reply!), /computer science/);
    assert.deepEqual(channelCalls(calls), [], 'no post, no typing, no read in a channel the bot is not in');
    assert.equal(rig.harness.logs.events('twin.usage').at(-1)?.tenantId, userTenant());
  });

  test('in a server that never added the bot: answered on the person’s tenant, a long answer whole', async () => {
    let text = '';
    for (let i = 1; text.length < 5_000; i++) text += `Step ${i}: I planned the rollback before the migration. `;
    text = text.trim();
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text });
    const { interaction, calls } = await runSlash(
      rig,
      'ask-twin',
      { question: 'Tell me about a migration you led.' },
      { where: 'foreign_guild', userInstalled: true },
    );
    assert.equal(interaction.guildId, rig.fake.foreignGuild.id);
    assert.deepEqual(interaction.owners, { '1': rig.member.id }, 'no guild install there');
    const messages = rig.fake.interactionMessages(interaction.token);
    assert.equal(messages.length, 2, 'the original reply and one follow-up');
    const squash = (s: string) => s.replace(/\s+/g, '');
    assert.ok(squash(messages.map(shownText).join('')).includes(squash(text)), 'nothing lost');
    assert.deepEqual(channelCalls(calls), []);
    assert.ok(callsNotifyNobody(calls));
    const record = rig.harness.logs.events('twin.usage').at(-1);
    assert.equal(record?.tenantId, userTenant(), 'the person carries it, not a server that never installed the twin');
  });

  test('the person’s own quota applies there, and a server’s quota is not spent', async () => {
    const used = (await rig.harness.usage.usedSince(userTenant(), Date.now() - 86_400_000)).requests;
    await rig.harness.usage.setQuota(userTenant(), { requestsPerDay: used }, 'operator');
    try {
      rig.groq.reset();
      rig.groq.script({ kind: 'answer', text: 'I enjoy hiking.' }, { kind: 'answer', text: 'I enjoy hiking.' });
      const foreign = await runSlash(
        rig,
        'ask-twin',
        { question: 'What do you do for fun?' },
        { where: 'foreign_guild', userInstalled: true },
      );
      const [refused] = rig.fake.interactionMessages(foreign.interaction.token);
      assert.doesNotMatch(shownText(refused!), /hiking/, 'over the person’s quota');
      assert.equal(rig.harness.logs.events('twin.usage').at(-1)?.tenantId, userTenant());
      const inServer = await runSlash(rig, 'ask-twin', { question: 'What do you do for fun?' });
      const [answered] = rig.fake.interactionMessages(inServer.interaction.token);
      assert.match(shownText(answered!), /hiking/, 'the server that added the bot has its own quota');
      assert.equal(rig.harness.logs.events('twin.usage').at(-1)?.tenantId, `discord:${rig.fake.guild.id}`);
    } finally {
      await rig.harness.usage.clearQuota(userTenant(), 'operator');
    }
  });

  test('the registration carries the install types and contexts Discord offers the commands by', () => {
    const global = rig.fake.commands.get('global') ?? [];
    const ask = global.find((c) => c.name === 'ask-twin');
    const usage = global.find((c) => c.name === 'twin-usage');
    assert.deepEqual(
      [ask?.integration_types, ask?.contexts],
      [
        [0, 1],
        [0, 1, 2],
      ],
    );
    assert.deepEqual([usage?.integration_types, usage?.contexts], [[0], [0]]);
    // Discord offers /twin-usage neither in DMs nor through a User Install.
    const user = rig.member;
    assert.throws(() => rig.fake.slashCommand({ name: 'twin-usage', subcommand: 'report', user, where: 'bot_dm' }));
    assert.throws(() =>
      rig.fake.slashCommand({
        name: 'twin-usage',
        subcommand: 'report',
        user,
        where: 'foreign_guild',
        userInstalled: true,
      }),
    );
    // And without a User Install, /ask-twin does not reach a server that never added the bot.
    assert.throws(() =>
      rig.fake.slashCommand({ name: 'ask-twin', options: { question: 'hi' }, user, where: 'foreign_guild' }),
    );
  });
});
