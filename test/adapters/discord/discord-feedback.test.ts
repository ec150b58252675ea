/**
 * 👍/👎, the reason modal and follow-up buttons on Discord, end to end: the real discord.js client against the fake
 * Discord, which enforces the component and modal rules and sends MESSAGE_COMPONENT and MODAL_SUBMIT interactions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeMessage } from '../../fakes/discord/fake-discord-payloads.js';
import { type FakeInteraction, PERMISSIONS } from '../../fakes/discord/fake-discord-server.js';
import {
  botMessagesAfter,
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
