/**
 * The fake Discord enforces Discord's message component rules (Components V2 and the legacy layout) on every way a
 * message is written, records the install fields of commands, and delivers button clicks that the REAL discord.js
 * client reads as ButtonInteractions.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { FLAG_COMPONENTS_V2, modalProblem } from './fake-discord-components.js';
import { FakeDiscord } from './fake-discord-server.js';

const V2 = FLAG_COMPONENTS_V2;
const text = (content: string) => ({ type: 10, content });
const button = (custom_id: string, label = 'Go') => ({ type: 2, style: 2, label, custom_id });
const row = (...buttons: unknown[]) => ({ type: 1, components: buttons });

describe('fake discord: message components', () => {
  let fake: FakeDiscord;
  let client: Client;
  const calls = () => fake.calls;

  /** A REST call with the bot token (or none for interaction routes); returns status and JSON. */
  async function rest(method: string, path: string, body?: unknown) {
    const res = await fetch(`${fake.apiUrl}/v10${path}`, {
      method,
      headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const raw = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: JSON read field by field
    return { status: res.status, json: (raw ? JSON.parse(raw) : undefined) as any };
  }
  const post = (body: unknown) => rest('POST', `/channels/${fake.guild.channelId}/messages`, body);

  before(async () => {
    fake = await FakeDiscord.start();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    await client.login(fake.token);
    if (!client.isReady()) await once(client, Events.ClientReady);
  });

  after(async () => {
    await client.destroy();
    await fake.close();
  });

  test('a V2 message holds components only: stored numbered, with no content and no embeds', async () => {
    const { status, json } = await post({
      flags: V2,
      components: [{ type: 17, components: [text('Hello https://example.com'), { type: 14 }, text('-# small')] }],
      allowed_mentions: { parse: [] },
    });
    assert.equal(status, 200);
    assert.equal(json.flags & V2, V2);
    assert.equal(json.content, '');
    assert.deepEqual(json.embeds, [], 'no link preview in a V2 message');
    assert.deepEqual(
      [json.components[0].id, json.components[0].components.map((c: { id: number }) => c.id)],
      [1, [2, 3, 4]],
    );
  });

  test('V2 refuses content, embeds, more than 40 components and more than 4 000 characters', async () => {
    const refused = async (body: unknown, field: string) => {
      const { status, json } = await post(body);
      assert.equal(status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(json.code, 50035);
      assert.ok(field in json.errors, `${field} named in ${JSON.stringify(json.errors)}`);
    };
    await refused({ flags: V2, content: 'hi', components: [text('hi')] }, 'content');
    await refused({ flags: V2, embeds: [{ description: 'x' }], components: [text('hi')] }, 'embeds');
    await refused({ flags: V2, components: Array.from({ length: 41 }, (_, i) => text(`t${i}`)) }, 'components');
    // 8 rows of 5 buttons are 48 components: over the limit though each row is fine.
    const rows = Array.from({ length: 8 }, (_, r) => row(...Array.from({ length: 5 }, (_, b) => button(`b${r}${b}`))));
    await refused({ flags: V2, components: rows }, 'components');
    await refused({ flags: V2, components: [text('a'.repeat(2_500)), text('b'.repeat(1_501))] }, 'components');
    assert.equal(
      (await post({ flags: V2, components: [text('a'.repeat(2_500)), text('b'.repeat(1_500))] })).status,
      200,
    );
    assert.equal((await post({ flags: V2, components: [] })).json.code, 50006, 'an empty V2 message');
  });

  test('component shapes: rows, buttons, custom ids, sections, and V2 types without the flag', async () => {
    const status = async (components: unknown[], flags = V2) => (await post({ flags, components })).status;
    assert.equal(await status([row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))]), 400, '6 buttons');
    assert.equal(await status([row(button('x'.repeat(101)))]), 400, 'custom_id over 100');
    assert.equal(await status([row(button('x'.repeat(100)))]), 200, 'custom_id of 100');
    assert.equal(await status([row(button('same'), button('same'))]), 400, 'custom ids must be unique');
    assert.equal(await status([row({ type: 2, style: 5, label: 'Docs', custom_id: 'a' })]), 400, 'link needs url');
    assert.equal(await status([row({ type: 2, style: 5, label: 'Docs', url: 'https://x.example' })]), 200);
    assert.equal(await status([row(button('a', 'x'.repeat(81)))]), 400, 'label over 80');
    assert.equal(await status([button('loose')]), 400, 'a button outside a row');
    assert.equal(await status([{ type: 17, components: [{ type: 17, components: [text('x')] }] }]), 400, 'nested');
    const section = { type: 9, components: [text('A project')], accessory: button('open') };
    assert.equal(await status([section]), 200);
    assert.equal(await status([{ ...section, accessory: undefined }]), 400, 'a section needs an accessory');
    assert.equal(await status([{ type: 14, spacing: 3 }, text('x')]), 400, 'separator spacing 1 or 2');
    assert.equal(await status([text('needs the flag')], 0), 400, 'text display without IS_COMPONENTS_V2');
    assert.equal(await status([row(button('legacy'))], 0), 200, 'an action row is fine without it');
  });

  test('an edit never clears the V2 flag, and sets it only with the old content reset to null', async () => {
    const plain = (await post({ content: 'plain text first' })).json;
    const path = `/channels/${fake.guild.channelId}/messages/${plain.id}`;
    const components = [text('now components')];
    const upgrade = await rest('PATCH', path, { flags: V2, components });
    assert.equal(upgrade.status, 400, 'content left in place');
    assert.equal(upgrade.json.errors.content._errors[0].code, 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2');
    const ok = await rest('PATCH', path, { flags: V2, content: null, components });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.flags & V2, V2);
    assert.equal(ok.json.content, '');
    assert.equal((await rest('PATCH', path, { content: 'back to text' })).status, 400, 'content on a V2 message');
    const kept = await rest('PATCH', path, { flags: 4, components: [text('edited')] });
    assert.equal(kept.status, 200);
    assert.equal(kept.json.flags & V2, V2, 'an edit leaving the flag out keeps it');
    assert.equal(fake.messages.get(plain.id)?.flags, V2 | 4);
  });

  test('interaction responses and follow-ups are held to the same rules', async () => {
    const user = fake.user('ada');
    const i = fake.slashCommand({ name: 'ask-twin', options: { question: 'hi' }, user });
    const callback = `/interactions/${i.id}/${i.token}/callback`;
    const bad = await rest('POST', callback, { type: 4, data: { flags: V2, content: 'x', components: [text('x')] } });
    assert.equal(bad.status, 400);
    assert.equal(i.callbacks.length, 0, 'a refused response does not acknowledge');
    assert.equal((await rest('POST', callback, { type: 5 })).status, 204);
    const hook = `/webhooks/${fake.applicationId}/${i.token}`;
    const tooMuch = { flags: V2, components: [text('x'.repeat(4_001))] };
    assert.equal((await rest('PATCH', `${hook}/messages/@original`, tooMuch)).status, 400);
    assert.equal(
      (await rest('PATCH', `${hook}/messages/@original`, { flags: V2, components: [text('ok')] })).status,
      200,
    );
    assert.equal((await rest('POST', hook, { flags: V2, content: 'x', components: [text('x')] })).status, 400);
    assert.equal((await rest('POST', hook, { flags: V2, components: [text('more')] })).status, 200);
    assert.deepEqual(
      fake.interactionMessages(i.token).map((m) => m.flags & V2),
      [V2, V2],
    );
  });

  test('command registration records integration types and contexts, and refuses unknown ones', async () => {
    const path = `/applications/${fake.applicationId}/commands`;
    const command = { name: 'ask-twin', description: 'Ask', type: 1 };
    assert.equal((await rest('PUT', path, [{ ...command, integration_types: [0, 2] }])).status, 400);
    assert.equal((await rest('PUT', path, [{ ...command, contexts: [3] }])).status, 400);
    const ok = await rest('PUT', path, [{ ...command, integration_types: [0, 1], contexts: [0, 1, 2] }]);
    assert.equal(ok.status, 200);
    const saved = fake.commands.get('global')?.[0];
    assert.deepEqual(
      [saved?.integration_types, saved?.contexts],
      [
        [0, 1],
        [0, 1, 2],
      ],
    );
    // A user-installed command from the bot's DM: context 1, no guild, the user as the authorising owner.
    const i = fake.slashCommand({
      name: 'ask-twin',
      options: { question: 'hi' },
      user: fake.user('ben'),
      where: 'bot_dm',
      userInstalled: true,
    });
    assert.deepEqual([i.context, i.guildId, i.owners], [1, undefined, { '0': '0', '1': i.user.id }]);
    await rest('PUT', path, []);
  });

  test('a button click reaches discord.js as a ButtonInteraction; update and deferUpdate edit its message', async () => {
    const sent = await post({ flags: V2, components: [text('Was this helpful?'), row(button('vote:up', '👍'))] });
    const message = fake.messages.get(sent.json.id);
    assert.ok(message);
    const clicked = once(client, Events.InteractionCreate);
    const clicker = fake.user('cleo');
    const click = fake.clickButton({ message, customId: 'vote:up', user: clicker });
    const [interaction] = await clicked;
    assert.ok(interaction.isButton());
    assert.equal(interaction.customId, 'vote:up');
    assert.equal(interaction.message.id, message.id);
    assert.equal(interaction.user.id, clicker.id);
    assert.equal(interaction.guildId, fake.guild.id);
    const since = calls().length;
    await interaction.update({
      flags: MessageFlags.IsComponentsV2,
      components: [text('Thanks for the vote.')],
      allowedMentions: { parse: [] },
    });
    assert.equal(click.callbacks[0]?.type, 7);
    assert.equal(fake.messages.get(message.id)?.components.length, 1, 'the row is gone');
    assert.ok(
      calls()
        .slice(since)
        .every((c) => c.status < 300),
    );

    const again = await post({ flags: V2, components: [text('Follow up?'), row(button('ask:next'))] });
    const second = fake.messages.get(again.json.id);
    assert.ok(second);
    const clickedAgain = once(client, Events.InteractionCreate);
    const click2 = fake.clickButton({ message: second, customId: 'ask:next', user: clicker });
    const [later] = await clickedAgain;
    assert.ok(later.isButton());
    await later.deferUpdate();
    await later.editReply({ flags: MessageFlags.IsComponentsV2, components: [text('Asked.')] });
    assert.equal(click2.callbacks[0]?.type, 6);
    assert.deepEqual(second.components, [{ type: 10, content: 'Asked.', id: 1 }]);
    assert.throws(() => fake.clickButton({ message: second, customId: 'nope', user: clicker }), /no button/);
  });
  test('a modal answers a click once, by Discord’s modal rules; its submission comes back as MODAL_SUBMIT', async () => {
    const sent = await post({ flags: V2, components: [text('Was this helpful?'), row(button('vote:down', '👎'))] });
    const message = fake.messages.get(sent.json.id);
    assert.ok(message);
    const clicker = fake.user('dan');
    const clicked = once(client, Events.InteractionCreate);
    const click = fake.clickButton({ message, customId: 'vote:down', user: clicker });
    await clicked;
    const callback = (i: { id: string; token: string }, body: unknown) =>
      rest('POST', `/interactions/${i.id}/${i.token}/callback`, body);
    const input = { type: 4, custom_id: 'reason', style: 1, required: false, max_length: 300 };
    const modal = (extra: Record<string, unknown> = {}) => ({
      custom_id: 'why',
      title: 'Thanks for the feedback',
      components: [{ type: 18, label: 'What was missing?', component: input }],
      ...extra,
    });
    assert.equal((await callback(click, { type: 9, data: modal({ title: 'x'.repeat(46) }) })).status, 400);
    assert.equal(click.callbacks.length, 0, 'a refused modal is no response');
    const tooLong = { type: 18, label: 'Why?', component: { ...input, max_length: 4_001 } };
    assert.equal((await callback(click, { type: 9, data: modal({ components: [tooLong] }) })).status, 400);
    assert.equal((await callback(click, { type: 9, data: modal() })).status, 204);
    assert.equal((await callback(click, { type: 4, data: { content: 'again' } })).status, 400, 'one response');

    const submitted = once(client, Events.InteractionCreate);
    const submit = fake.submitModal({ opener: click, values: { reason: 'It skipped my thesis' } });
    const [interaction] = await submitted;
    assert.ok(interaction.isModalSubmit());
    assert.equal(interaction.customId, 'why');
    assert.equal(interaction.fields.getTextInputValue('reason'), 'It skipped my thesis');
    assert.equal(interaction.user.id, clicker.id);
    assert.equal(interaction.message?.id, message.id, 'opened from a click: the message comes along');
    assert.equal((await callback(submit, { type: 9, data: modal() })).status, 400, 'no modal after a modal');
    assert.equal((await callback(submit, { type: 6 })).status, 204, 'it may update the clicked message');
    assert.throws(() => fake.submitModal({ opener: submit, values: {} }), /no modal/);
  });

  test('modal rules: title and labels of 45, one to five components, text inputs within Discord’s limits', () => {
    const input = { type: 4, custom_id: 'a', style: 1 };
    const base = { custom_id: 'm', title: 'T', components: [{ type: 18, label: 'L', component: input }] };
    assert.equal(modalProblem(base), undefined);
    assert.equal(
      modalProblem({ ...base, components: [{ type: 1, components: [{ ...input, label: 'Old' }] }] }),
      undefined,
    );
    assert.match(modalProblem({ ...base, custom_id: '' }) ?? '', /custom_id/);
    assert.match(modalProblem({ ...base, components: [] }) ?? '', /one to five/);
    assert.match(modalProblem({ ...base, components: Array(6).fill(base.components[0]) }) ?? '', /one to five/);
    assert.match(
      modalProblem({ ...base, components: [{ type: 18, label: 'x'.repeat(46), component: input }] }) ?? '',
      /label/,
    );
    assert.match(
      modalProblem({ ...base, components: [{ type: 18, label: 'L', component: { ...input, style: 3 } }] }) ?? '',
      /style/,
    );
    assert.match(
      modalProblem({ ...base, components: [{ type: 2, style: 1, custom_id: 'b', label: 'B' }] }) ?? '',
      /cannot be in a modal/,
    );
    const twice = { type: 18, label: 'L', component: input };
    assert.match(modalProblem({ ...base, components: [twice, twice] }) ?? '', /unique/);
  });
});
