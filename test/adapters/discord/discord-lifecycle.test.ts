/**
 * Start-up, shutdown, command registration and the MessageContent option of the Discord adapter, against the
 * fake Discord with the REAL discord.js client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DiscordAdapter } from '../../../src/adapters/discord/discord-adapter.js';
import { registerCommands } from '../../../src/adapters/discord/discord-commands.js';
import { TwinError } from '../../../src/core/errors.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord-server.js';
import { startTwinHarness, type TwinHarness } from '../../support/twin-harness.js';
import { type DiscordRig, runMessage, runSlash, shownText, startDiscordRig } from './discord-driver.js';

const REFUSED = 'discord: the bot token was refused (401). Check DISCORD_TOKEN.';
const SECRET = 'Zm9vYmFy.secret-token-value';
const ORIGINAL = /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/;

const isRefusal = (err: unknown) => err instanceof TwinError && err.code === 'config' && err.message === REFUSED;

describe('discord adapter start-up', () => {
  let harness: TwinHarness;

  before(async () => {
    harness = await startTwinHarness({ groq: false });
  });

  after(async () => {
    await harness.close();
  });

  const adapterFor = (fake: FakeDiscord, token: string) =>
    new DiscordAdapter({
      twin: harness.twin,
      token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      logger: harness.logger,
    });

  test('a refused token is one clear config error from start(), before any IDENTIFY', async () => {
    const fake = await FakeDiscord.start();
    const adapter = adapterFor(fake, SECRET);
    await assert.rejects(adapter.start(), isRefusal);
    assert.equal(fake.gateway.identifies.length, 0);
    assert.ok(fake.calls.some((c) => c.path === '/gateway/bot' && c.status === 401));
    assert.ok(!harness.logs.text().includes(SECRET), 'the token is never logged');
    await adapter.stop();
    await fake.close();
  });

  test('a gateway that closes IDENTIFY with 4004 gives the same error, and no reconnect loop', async () => {
    const fake = await FakeDiscord.start({ gatewayRejectsToken: true });
    const adapter = adapterFor(fake, fake.token);
    await assert.rejects(adapter.start(), isRefusal);
    assert.equal(fake.gateway.identifies.length, 1);
    assert.equal(fake.gateway.readySessions, 0);
    await adapter.stop();
    await fake.close();
  });

  test('an unreachable Discord is a network error naming the host, not the token', async () => {
    const fake = await FakeDiscord.start();
    const apiUrl = fake.apiUrl;
    await fake.close();
    const adapter = new DiscordAdapter({
      twin: harness.twin,
      token: SECRET,
      applicationId: '1',
      apiUrl,
      logger: harness.logger,
    });
    await assert.rejects(adapter.start(), (err: unknown) => {
      assert.ok(err instanceof TwinError);
      assert.equal(err.code, 'network');
      assert.match(err.message, /could not reach Discord at 127\.0\.0\.1:\d+/);
      assert.ok(!err.message.includes(SECRET));
      return true;
    });
  });

  test('register-commands puts both commands in a guild or globally, with the right JSON', async () => {
    const fake = await FakeDiscord.start();
    try {
      const base = { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl };
      assert.deepEqual(await registerCommands({ ...base, guildId: fake.guild.id }), {
        scope: 'guild',
        names: ['ask-twin', 'twin-usage'],
      });
      const put = fake.calls.find((c) => c.method === 'PUT');
      assert.equal(put?.path, `/applications/${fake.applicationId}/guilds/${fake.guild.id}/commands`);
      assert.ok(put.authorized);
      const [ask, usage] = put.body;
      assert.equal(ask.name, 'ask-twin');
      // /ask-twin travels with a person's User Install to any server or DM; /twin-usage stays with servers.
      assert.deepEqual(ask.integration_types, [0, 1]);
      assert.deepEqual(ask.contexts, [0, 1, 2]);
      assert.deepEqual(
        { type: ask.options[0].type, name: ask.options[0].name, required: ask.options[0].required },
        { type: 3, name: 'question', required: true },
      );
      assert.equal(ask.options[0].max_length, 2_000);
      assert.equal(usage.name, 'twin-usage');
      assert.equal(usage.default_member_permissions, '32'); // ManageGuild
      assert.deepEqual(usage.integration_types, [0]);
      assert.deepEqual(usage.contexts, [0]);
      // One command, two subcommands (type 1): report [window] and quota [limits…] [clear].
      const [report, quota] = usage.options;
      assert.deepEqual([report.type, report.name, quota.type, quota.name], [1, 'report', 1, 'quota']);
      assert.equal(report.options[0].name, 'window');
      assert.notEqual(report.options[0].required, true);
      assert.deepEqual(
        report.options[0].choices.map((c: { value: string }) => c.value),
        ['24h', '7d', '30d'],
      );
      assert.deepEqual(
        quota.options.map((o: { name: string; type: number; min_value?: number; required?: boolean }) => [
          o.name,
          o.type,
          o.min_value,
          o.required ?? false,
        ]),
        [
          ['requests-per-day', 4, 0, false],
          ['tokens-per-day', 4, 0, false],
          ['requests-per-month', 4, 0, false],
          ['tokens-per-month', 4, 0, false],
          ['usd-per-day', 10, 0, false],
          ['usd-per-month', 10, 0, false],
          ['clear', 5, undefined, false],
        ],
      );
      for (const o of [usage, report, quota, ...report.options, ...quota.options]) {
        assert.ok(o.description.length >= 1 && o.description.length <= 100, `${o.name}: Discord's description limit`);
      }

      assert.equal((await registerCommands(base)).scope, 'global');
      assert.equal(fake.calls.at(-1)?.path, `/applications/${fake.applicationId}/commands`);
      assert.deepEqual(
        fake.commands.get('global')?.map((c) => c.name),
        ['ask-twin', 'twin-usage'],
      );
      await assert.rejects(registerCommands({ ...base, token: SECRET }), isRefusal);
    } finally {
      // why: a failed assertion must not leave the fake's sockets open, or the file hangs instead of failing.
      await fake.close();
    }
  });
});

describe('discord adapter with MessageContent and a short edit interval', () => {
  let rig: DiscordRig;

  before(async () => {
    rig = await startDiscordRig({
      harness: { groq: { chunkDelayMs: 15, chunkChars: 12 } },
      adapter: { messageContent: true, editIntervalMs: 250 },
    });
  });

  after(async () => {
    await rig.close();
  });

  test('asks for the MessageContent intent only when configured', () => {
    assert.equal(rig.fake.gateway.identifies.at(-1)?.intents, 1 | 512 | 4096 | 32768);
  });

  test('a streaming answer is edited live, never more often than the interval allows', async () => {
    const text = 'I led the Kubernetes migration at Kestrel. '.repeat(28).trim(); // ~1 200 chars, ~100 chunks
    rig.groq.script({ kind: 'answer', text });
    const startedAt = Date.now();
    const { interaction, calls } = await runSlash(rig, 'ask-twin', {
      question: 'Tell me about a time you led a team.',
    });
    const elapsed = Date.now() - startedAt;
    const edits = calls.filter((c) => c.method === 'PATCH' && ORIGINAL.test(c.path)).length;
    // Upper bound from the interval (+1 for the first edit, +1 for the final one); no assertion on speed itself.
    assert.ok(edits <= Math.ceil(elapsed / 250) + 2, `${edits} edits in ${elapsed} ms`);
    assert.ok(edits >= 3, `expected live edits between the first and the final, got ${edits}`);
    assert.ok(shownText(rig.fake.interactionMessages(interaction.token)[0]!).startsWith(text));
  });

  test('a reply to the bot without the ping still continues the conversation', async () => {
    rig.groq.script(
      { kind: 'answer', text: 'Quillmark is a markdown notes app I built.' },
      { kind: 'answer', text: 'I built it with TypeScript and SQLite.' },
    );
    const first = await runMessage(rig, { content: `<@${rig.fake.bot.id}> What projects have you built?` });
    const answer = first.replies[0];
    assert.ok(answer);
    const second = await runMessage(rig, {
      content: 'Which technologies did Quillmark use?',
      replyTo: answer.id,
      pingReply: false,
    });
    assert.match(shownText(second.replies[0]!), /TypeScript and SQLite/);
    const history = rig.groq.requests.at(-1)?.body.messages.map((m) => m.content) ?? [];
    assert.ok(history.includes('Quillmark is a markdown notes app I built.'));
  });

  test('a mention of the bot’s managed role counts, and is not part of the question', async () => {
    rig.groq.script({ kind: 'answer', text: 'I know my way around PostgreSQL.' });
    const content = `<@&${rig.fake.guild.botRoleId}> What databases have you worked with?`;
    const { replies } = await runMessage(rig, { content });
    assert.match(shownText(replies[0]!), /PostgreSQL/);
    const asked = String(rig.groq.requests.at(-1)?.body.messages.at(-1)?.content);
    assert.match(asked, /What databases have you worked with\?/);
    assert.doesNotMatch(asked, /<@&/);
  });

  test('people talking among themselves are left alone', async () => {
    const other = rig.fake.user('grace');
    const message = rig.fake.postMessage({ author: other, content: 'Anyone up for lunch?' });
    const probe = await runMessage(rig, { content: `<@${rig.fake.bot.id}> hi` });
    const replyTargets = [...rig.fake.messages.values()]
      .filter((m) => m.author.id === rig.fake.bot.id)
      .map((m) => m.message_reference?.message_id);
    assert.ok(!replyTargets.includes(message.id));
    assert.equal(probe.replies.length, 1);
  });

  test('stop() disconnects from the gateway and takes no new events', async () => {
    await rig.adapter.stop();
    await rig.fake.gateway.whenAllClosed();
    const since = rig.fake.calls.length;
    rig.fake.slashCommand({ name: 'ask-twin', options: { question: 'Still there?' }, user: rig.member });
    await rig.adapter.settled();
    assert.equal(rig.fake.calls.length, since);
  });
});
