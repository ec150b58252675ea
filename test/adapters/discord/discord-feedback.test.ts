/**
 * 👍/👎, the reason modal and follow-up buttons on Discord, end to end: the real discord.js client against the fake
 * Discord, which enforces the component and modal rules and sends MESSAGE_COMPONENT and MODAL_SUBMIT interactions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  COMPONENTS_LIMIT,
  COMPONENTS_TEXT_LIMIT,
  textOfComponents,
} from '../../../src/adapters/discord/discord-components.js';
import { DiscordSurface } from '../../../src/adapters/discord/discord-surface.js';
import { finalParts } from '../../../src/core/reply-presenter.js';
import { componentsProblem, walkComponents } from '../../fakes/discord/fake-discord-components.js';
import type { FakeMessage } from '../../fakes/discord/fake-discord-payloads.js';
import { type FakeInteraction, PERMISSIONS, type RecordedCall } from '../../fakes/discord/fake-discord-server.js';
import {
  botMessagesAfter,
  callsNotifyNobody,
  type DiscordRig,
  runMessage,
  runSlash,
  shownText,
  startDiscordRig,
} from './discord-driver.js';

interface Button {
  type: number;
  custom_id: string;
  label?: string;
  emoji?: { name: string };
}

const EPHEMERAL = 64;
const ACTION_ROW = 1;
/** The action rows under a Components V2 answer (its container comes first). */
const rowsOf = (m: FakeMessage) =>
  (m.components as { type: number; components: Button[] }[]).filter((c) => c.type === ACTION_ROW);

describe('Discord feedback and follow-ups', () => {
  let rig: DiscordRig;
  let answer: FakeMessage;
  let requestId: string;

  before(async () => {
    rig = await startDiscordRig();
    rig.groq.script({ kind: 'answer', text: 'I studied computer science at TU Delft.' });
    const { interaction } = await runSlash(rig, 'ask-twin', { question: 'Where did you study?' });
    answer = rig.fake.interactionMessages(interaction.token).at(-1)!;
    requestId = String(rig.harness.logs.events('twin.usage').at(-1)?.id);
  });
  after(() => rig.close());

  /** A click, answered: resolves once the adapter is done with it. */
  const click = async (message: FakeMessage, customId: string, user = rig.member): Promise<FakeInteraction> => {
    const since = rig.fake.calls.length;
    const interaction = rig.fake.clickButton({ message, customId, user });
    await rig.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`), since);
    await rig.adapter.settled();
    return interaction;
  };
  const votes = () =>
    rig.harness.usage.summarizeFeedback({
      tenantId: `discord:${rig.fake.guild.id}`,
      from: 0,
      to: Date.now() + 1,
      reasons: 5,
    });

  test('the final answer carries 👍/👎 and follow-up buttons whose custom_ids hold only the request id', () => {
    const [votesRow, followRow] = rowsOf(answer);
    assert.deepEqual(
      votesRow!.components.map((b) => [b.emoji?.name, b.custom_id]),
      [
        ['👍', `twin:fb:up:${requestId}`],
        ['👎', `twin:fb:down:${requestId}`],
      ],
    );
    assert.ok(followRow!.components.length >= 1 && followRow!.components.length <= 3);
    for (const b of followRow!.components) {
      assert.ok(b.custom_id.length <= 100 && b.custom_id.startsWith(`twin:fu:${requestId}:`));
      assert.ok((b.label ?? '').length <= 80);
      assert.doesNotMatch(b.label ?? '', /where did you study/i);
    }
  });

  test('a 👍 is recorded once per person and thanked ephemerally; a 👎 opens a modal whose reason is recorded', async () => {
    const up = await click(answer, `twin:fb:up:${requestId}`);
    assert.equal(up.callbacks[0]?.type, 4);
    assert.equal((up.callbacks[0]?.data?.flags ?? 0) & EPHEMERAL, EPHEMERAL);
    assert.match(up.callbacks[0]?.data?.content ?? '', /Thanks/);
    await click(answer, `twin:fb:up:${requestId}`);
    assert.deepEqual([(await votes()).votes, (await votes()).helpful], [1, 1]);

    const down = await click(answer, `twin:fb:down:${requestId}`);
    assert.equal(down.callbacks[0]?.type, 9, 'a modal');
    assert.ok(down.modal);
    const since = rig.fake.calls.length;
    const submit = rig.fake.submitModal({
      opener: down,
      values: { reason: 'It skipped my thesis on tweet sentiment' },
    });
    await rig.fake.waitForCall((c) => c.path.startsWith(`/interactions/${submit.id}/`), since);
    await rig.adapter.settled();
    assert.equal(submit.callbacks[0]?.type, 4);
    assert.equal((submit.callbacks[0]?.data?.flags ?? 0) & EPHEMERAL, EPHEMERAL);
    const s = await votes();
    assert.deepEqual([s.votes, s.helpful, s.notHelpful], [1, 0, 1]);
    assert.match(s.recentReasons[0]?.reason ?? '', /skipped my thesis/);
  });

  test('the 👎 reason reaches /twin-usage for the server admin only', async () => {
    const admin = await runSlash(rig, 'twin-usage report', {}, { permissions: PERMISSIONS.manageGuild });
    const report = rig.fake
      .interactionMessages(admin.interaction.token)
      .map((m) => m.content)
      .join('\n');
    assert.match(report, /Helpful: 0\.0% \(0 of 1 votes; not helpful: 1\)/);
    assert.match(report, /skipped my thesis/);
    const member = await runSlash(rig, 'twin-usage report', {});
    const refusal = rig.fake
      .interactionMessages(member.interaction.token)
      .map((m) => m.content)
      .join('\n');
    assert.doesNotMatch(refusal, /thesis|Helpful/);
  });

  test('a follow-up under a slash-command answer is asked through the click, once however often it is clicked', async () => {
    const button = rowsOf(answer)[1]!.components[0]!;
    rig.groq.script({ kind: 'answer', text: 'Before that I worked at Fennimore Health.' });
    const first = await click(answer, button.custom_id);
    assert.equal(first.callbacks[0]?.type, 5, 'deferred, then edited with the answer');
    assert.match(shownText(first.original!), /Fennimore Health/);
    assert.ok(rowsOf(first.original!).length > 0, 'the new answer has its own buttons');
    assert.ok(
      rig.groq.requests.some((r) => JSON.stringify(r.body).includes(button.label!.replace(/'/g, "\\'"))),
      'the question reached the model',
    );
    const again = await click(answer, button.custom_id);
    assert.equal(again.callbacks[0]?.type, 4);
    assert.match(again.callbacks[0]?.data?.content ?? '', /already asked/);
    assert.equal(rig.harness.logs.events('twin.usage').at(-1)?.tenantId, `discord:${rig.fake.guild.id}`);
  });

  test('a follow-up under a mention reply continues the reply chain, with the answer as history', async () => {
    rig.groq.script({ kind: 'answer', text: 'I lead the platform team at Kestrel Freightworks.' });
    const { replies } = await runMessage(rig, { content: `<@${rig.fake.bot.id}> What do you do at Kestrel?` });
    const reply = replies.at(-1)!;
    const button = rowsOf(reply)[1]!.components[0]!;
    rig.groq.script({ kind: 'answer', text: 'Before Kestrel I was at Fennimore Health.' });
    const clicked = await click(reply, button.custom_id);
    assert.equal(clicked.callbacks[0]?.type, 6, 'the click is acknowledged without a message of its own');
    const next = botMessagesAfter(rig.fake, reply).at(-1)!;
    assert.equal(next.message_reference?.message_id, reply.id, 'a reply to the answer the button is on');
    assert.match(shownText(next), /Fennimore Health/);
    const sent = JSON.stringify(rig.groq.requests.at(-1)?.body);
    assert.match(sent, /platform team at Kestrel/, 'the previous answer is history');
    assert.ok(sent.includes(button.label!.replace(/'/g, "\\'")));
  });
});

describe('Discord feedback rows in the answer message', () => {
  const surface = new DiscordSurface(
    { edits: false, show: async () => undefined, append: async () => undefined },
    'c',
    0,
  );
  const sources = ['Skills', 'Experience at Northwind'].map((title) => ({ chunkId: title, title, score: 1 }));
  const longest = 'What did you change in the deployment pipeline after the outage, and why? '.repeat(3);

  test('only the last part of a full-length answer carries the rows, within 40 components and 4 000 characters', () => {
    const answer = {
      text: 'I plan rollbacks first. '.repeat(400),
      sources,
      mode: 'llm' as const,
      requestId: '0b6e4b4e-6f0c-4a53-9d0e-2f1c1f3a9b10',
      followUps: [longest, `${longest}?`, `${longest}!`, 'a fourth is never shown'],
    };
    const parts = finalParts(answer, surface);
    assert.ok(parts.length >= 3, 'the long answer was split');
    for (const part of parts) {
      const message = surface.render(part);
      const rows = message.filter((c) => c.type === ACTION_ROW) as unknown as { components: Button[] }[];
      assert.equal(componentsProblem(message, true), undefined);
      assert.ok(walkComponents(message).length <= COMPONENTS_LIMIT);
      assert.ok(textOfComponents(message).length <= COMPONENTS_TEXT_LIMIT);
      if (!part.last) {
        assert.equal(rows.length, 0, 'no buttons on an earlier part');
        continue;
      }
      assert.equal(message[0]?.type, 17, 'the answer container first, the rows under it');
      assert.deepEqual(
        rows.map((r) => r.components.length),
        [2, 3],
      );
      for (const b of rows[1]!.components) assert.ok((b.label ?? '').length <= 80);
    }
  });

  test('an answer without a request id (nothing to vote on) gets no rows', () => {
    const [part] = finalParts({ text: 'Hello.', sources, mode: 'llm' }, surface);
    assert.deepEqual(
      surface.render(part!).map((c) => c.type),
      [17],
    );
  });
});

describe('Discord feedback and follow-ups through a User Install', () => {
  let rig: DiscordRig;
  /** Calls that touched a channel rather than an interaction's callback or webhook. */
  const channelCalls = (calls: readonly RecordedCall[]) => calls.filter((c) => c.path.startsWith('/channels/'));
  const summary = (tenantId: string) =>
    rig.harness.usage.summarizeFeedback({ tenantId, from: 0, to: Date.now() + 1, reasons: 5 });
  const click = async (message: FakeMessage, customId: string, user = rig.member): Promise<FakeInteraction> => {
    const since = rig.fake.calls.length;
    const interaction = rig.fake.clickButton({ message, customId, user });
    await rig.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`), since);
    await rig.adapter.settled();
    return interaction;
  };
  /** /ask-twin through the member's User Install in `where`, answered `reply`: the answer message and its request. */
  const askInstalled = async (question: string, reply: string, where: 'foreign_guild' | 'private_channel') => {
    rig.groq.script({ kind: 'answer', text: reply });
    const { interaction } = await runSlash(rig, 'ask-twin', { question }, { where, userInstalled: true });
    return {
      answer: rig.fake.interactionMessages(interaction.token).at(-1)!,
      requestId: String(rig.harness.logs.events('twin.usage').at(-1)?.id),
    };
  };

  before(async () => {
    rig = await startDiscordRig();
  });
  after(() => rig.close());

  test('in a server that never added the bot: votes, the reason and a follow-up go through the interaction, on the person’s tenant', async () => {
    const { answer, requestId } = await askInstalled(
      'Where did you study?',
      'I studied computer science at TU Delft.',
      'foreign_guild',
    );
    const since = rig.fake.calls.length;

    const up = await click(answer, `twin:fb:up:${requestId}`);
    assert.equal(up.guildId, rig.fake.foreignGuild.id);
    assert.equal(up.callbacks[0]?.type, 4);
    assert.match(up.callbacks[0]?.data?.content ?? '', /Thanks/);
    const down = await click(answer, `twin:fb:down:${requestId}`);
    assert.equal(down.callbacks[0]?.type, 9, 'a modal');
    const submitted = rig.fake.calls.length;
    const submit = rig.fake.submitModal({ opener: down, values: { reason: 'It left out the exchange year' } });
    await rig.fake.waitForCall((c) => c.path.startsWith(`/interactions/${submit.id}/`), submitted);
    await rig.adapter.settled();
    assert.equal((submit.callbacks[0]?.data?.flags ?? 0) & EPHEMERAL, EPHEMERAL);
    const mine = await summary(`discord:dm:${rig.member.id}`);
    assert.deepEqual([mine.votes, mine.notHelpful], [1, 1]);
    assert.match(mine.recentReasons[0]?.reason ?? '', /exchange year/);
    assert.equal((await summary(`discord:${rig.fake.foreignGuild.id}`)).votes, 0, 'not the foreign server’s');

    const button = rowsOf(answer)[1]!.components[0]!;
    rig.groq.script({ kind: 'answer', text: 'Before that I worked at Fennimore Health.' });
    const next = await click(answer, button.custom_id);
    assert.equal(next.callbacks[0]?.type, 5, 'answered through the click, deferred');
    assert.match(shownText(next.original!), /Fennimore Health/);
    assert.ok(rowsOf(next.original!).length > 0, 'the new answer has its own buttons');
    assert.equal(rig.harness.logs.events('twin.usage').at(-1)?.tenantId, `discord:dm:${rig.member.id}`);
    const calls = rig.fake.calls.slice(since);
    assert.deepEqual(channelCalls(calls), [], 'nothing through a channel the bot is not in');
    assert.ok(calls.every((c) => c.status < 300));
    assert.ok(callsNotifyNobody(calls));
  });

  test('in a group DM, a friend’s click is checked against their own tenant and never counts on the asker’s answer', async () => {
    const { answer, requestId } = await askInstalled(
      'What do you do?',
      'I lead the platform team at Kestrel Freightworks.',
      'private_channel',
    );
    const before = (await summary(`discord:dm:${rig.member.id}`)).votes;
    const friend = rig.fake.user('bea');
    const vote = await click(answer, `twin:fb:up:${requestId}`, friend);
    assert.equal(vote.callbacks[0]?.type, 4);
    assert.equal((vote.callbacks[0]?.data?.flags ?? 0) & EPHEMERAL, EPHEMERAL, 'told privately');
    assert.equal((await summary(`discord:dm:${rig.member.id}`)).votes, before);
    assert.equal((await summary(`discord:dm:${friend.id}`)).votes, 0);
    const own = await click(answer, `twin:fb:up:${requestId}`);
    assert.match(own.callbacks[0]?.data?.content ?? '', /Thanks/);
    assert.equal((await summary(`discord:dm:${rig.member.id}`)).votes, before + 1);
  });
});
