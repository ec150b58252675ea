/**
 * 👍/👎, the reason modal and follow-up buttons on Slack, end to end: the real Bolt app (Socket Mode and HTTP mode)
 * against the fake Slack, which enforces the Block Kit and views.open rules and sends block_actions and
 * view_submission payloads as Slack does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeMessage } from '../../fakes/slack/fake-slack-server.js';
import { blockActions, postInteractive, viewSubmission } from '../../fakes/slack/slack-interactions.js';
import { ADMIN, CHANNEL, MEMBER, SIGNING_SECRET, type SlackRig, seenText, startSlackRig } from './slack-rig.js';

interface Block {
  type: string;
  block_id: string;
  elements?: Record<string, unknown>[];
}

const blocksOf = (m: FakeMessage) => (m.blocks ?? []) as Block[];

for (const mode of ['socket', 'http'] as const) {
  describe(`Slack feedback and follow-ups (${mode === 'socket' ? 'Socket Mode' : 'HTTP mode'})`, () => {
    let rig: SlackRig;
    let answer: FakeMessage;
    let mentionTs: string;
    let requestId: string;
    let clicks = 0;

    before(async () => {
      rig = await startSlackRig({ mode });
      rig.groq.script({ kind: 'answer', text: 'I studied computer science at TU Delft.' });
      const { ts } = await rig.mention('Where did you study?');
      mentionTs = ts;
      answer = rig.fake.messages.at(-1)!;
      const id = rig.harness.logs.events('twin.usage').at(-1)?.id;
      requestId = String(id);
    });
    after(() => rig.close());

    const interact = async (payload: Record<string, unknown>) => {
      if (mode === 'socket') await rig.fake.socket.send('interactive', payload);
      else {
        const res = await postInteractive(rig.eventsUrl, SIGNING_SECRET, payload);
        assert.equal(res.status, 200);
      }
    };

    /** A person clicks an element of the answer's blocks; resolves once the adapter logged `event`. */
    const click = async (
      element: Record<string, unknown>,
      blockId: string,
      opts: {
        userId?: string;
        teamId?: string;
        which?: 'positive_button' | 'negative_button';
        message?: FakeMessage;
      } = {},
    ) => {
      const triggerId = rig.fake.triggers.issue();
      const message = opts.message ?? answer;
      const payload = blockActions({
        teamId: opts.teamId ?? 'T1',
        userId: opts.userId ?? MEMBER,
        channel: message.channel,
        message: { ts: message.ts, thread_ts: message.thread_ts, text: message.text, blocks: message.blocks },
        element,
        blockId,
        which: opts.which,
        triggerId,
        responseUrl: rig.fake.responseUrl(`click-${++clicks}`),
      });
      await interact(payload);
      return { triggerId, payload, responseId: `click-${clicks}` };
    };

    const feedbackElement = () => blocksOf(answer).find((b) => b.type === 'context_actions')!.elements![0]!;
    const votes = () =>
      rig.harness.usage.summarizeFeedback({ tenantId: 'slack:T1', from: 0, to: Date.now() + 1, reasons: 5 });
    const logged = (event: string, n: number) =>
      rig.until(() => rig.harness.logs.events(event).length >= n, `${n} ${event} records`);

    test('the final answer carries feedback_buttons in a context_actions block, and follow-up buttons', () => {
      assert.equal(answer.thread_ts, mentionTs);
      const feedback = feedbackElement();
      assert.equal(feedback.type, 'feedback_buttons');
      assert.equal((feedback.positive_button as { value: string }).value, `up:${requestId}`);
      assert.equal((feedback.negative_button as { value: string }).value, `down:${requestId}`);
      const followUps = blocksOf(answer).find((b) => b.type === 'actions')!.elements!;
      assert.ok(followUps.length >= 1 && followUps.length <= 3);
      for (const b of followUps) {
        assert.doesNotMatch(String((b.text as { text: string }).text), /where did you study/i);
        assert.ok(String(b.value).length < 64, 'the button carries a reference, not the question');
      }
    });

    test('a 👍 is recorded once per person, thanked privately, and can be changed to 👎 with a reason', async () => {
      const up = await click(feedbackElement(), 'twin-feedback', { which: 'positive_button' });
      await logged('slack.feedback', 1);
      await click(feedbackElement(), 'twin-feedback', { which: 'positive_button' });
      await logged('slack.feedback', 2);
      let s = await votes();
      assert.deepEqual([s.votes, s.helpful], [1, 1]);
      const thanks = await rig.until(() => rig.fake.responses.find((r) => r.id === up.responseId), 'the thanks');
      assert.equal(thanks.body.response_type, 'ephemeral');
      assert.equal(thanks.body.replace_original, false);
      assert.match(String(thanks.body.text), /Thanks/);

      const down = await click(feedbackElement(), 'twin-feedback', { which: 'negative_button' });
      await logged('slack.feedback', 3);
      const opened = await rig.until(
        () => rig.fake.callsOf('views.open').find((c) => c.params.trigger_id === down.triggerId && c.ok),
        'the reason modal',
      );
      const view = opened.params.view as Record<string, unknown>;
      assert.equal(view.private_metadata, requestId);
      assert.ok(!rig.fake.responses.some((r) => r.id === down.responseId), 'the modal is the acknowledgement');
      await interact(
        viewSubmission({
          teamId: 'T1',
          userId: MEMBER,
          view,
          values: { reason: { reason_text: 'It left out my thesis on the sentiment of tweets' } },
        }),
      );
      await logged('slack.feedback_reason', 1);
      s = await votes();
      assert.deepEqual([s.votes, s.helpful, s.notHelpful], [1, 0, 1]);
      assert.match(s.recentReasons[0]?.reason ?? '', /left out my thesis/);
    });

    test('the 👎 reason reaches /twin-usage for the workspace admin', async () => {
      const report = await rig.command('/twin-usage', '', { userId: ADMIN });
      assert.match(report.text, /Helpful: 0\.0% \(0 of 1 votes; not helpful: 1\)/);
      assert.match(report.text, /left out my thesis/);
      const member = await rig.command('/twin-usage', '', { userId: MEMBER });
      assert.doesNotMatch(member.text, /thesis|Helpful/);
    });

    test("a click from another workspace on this workspace's answer is refused", async () => {
      const before = await votes();
      const foreign = await click(feedbackElement(), 'twin-feedback', {
        teamId: 'T2',
        userId: 'UOTHER',
        which: 'negative_button',
      });
      const refusal = await rig.until(() => rig.fake.responses.find((r) => r.id === foreign.responseId), 'a refusal');
      assert.match(String(refusal.body.text), /can't find that answer/);
      assert.ok(!rig.fake.callsOf('views.open').some((c) => c.params.trigger_id === foreign.triggerId));
      assert.deepEqual(await votes(), before);
      const t2 = await rig.harness.usage.summarizeFeedback({
        tenantId: 'slack:T2',
        from: 0,
        to: Date.now() + 1,
        reasons: 5,
      });
      assert.equal(t2.votes, 0);
    });

    test("a follow-up button whose value is not a suggestion of ours is told, in the core's words, to ask directly", async () => {
      const button = blocksOf(answer).find((b) => b.type === 'actions')!.elements![0]!;
      const requests = rig.groq.requests.length;
      const forged = await click({ ...button, value: 'not-a-reference' }, 'twin-follow-ups');
      const refusal = await rig.until(() => rig.fake.responses.find((r) => r.id === forged.responseId), 'a refusal');
      assert.equal(refusal.body.response_type, 'ephemeral');
      // why: the words are core/follow-up-offers.ts's for any suggestion it does not hold, not the adapter's own.
      assert.equal(
        refusal.body.text,
        'That suggestion has expired. Ask me the question directly and I will answer it.',
      );
      assert.equal(rig.groq.requests.length, requests, 'nothing was asked');
    });

    test('a follow-up button asks its question in the same thread, once however often it is clicked', async () => {
      const button = blocksOf(answer).find((b) => b.type === 'actions')!.elements![0]!;
      const question = String((button.text as { text: string }).text);
      rig.groq.script({ kind: 'answer', text: 'Before that I worked at Fennimore Health.' });
      const before = rig.fake.messages.length;
      const first = await click(button, 'twin-follow-ups');
      await rig.replied(`follow-up:${(first.payload.actions as { action_ts: string }[])[0]!.action_ts}`);
      const second = await click(button, 'twin-follow-ups');
      const refusal = await rig.until(() => rig.fake.responses.find((r) => r.id === second.responseId), 'a refusal');
      assert.match(String(refusal.body.text), /already asked/);
      // A click is not a visible message: the question is posted as who asked what, and the answer (streamed in
      // a thread) follows it; nothing else.
      const posted = rig.fake.messages.slice(before).filter((m) => m.bot_id && !m.deleted);
      assert.equal(posted.length, 2, 'the question and one answer');
      const [questionShown, reply] = posted as [FakeMessage, FakeMessage];
      for (const m of posted) {
        assert.equal(m.thread_ts, mentionTs, 'in the same thread');
        assert.equal(m.channel, CHANNEL);
      }
      assert.match(seenText(questionShown), new RegExp(`asked:[\\s\\S]*${question.replace(/[.?*+()[\]\\]/g, '\\$&')}`));
      assert.doesNotMatch(seenText(questionShown), /Before that I worked/);
      assert.match(seenText(reply), /Before that I worked at Fennimore Health/);
      const asked = rig.groq.requests.filter((r) => JSON.stringify(r.body).includes(question.replace(/'/g, "\\'")));
      assert.ok(asked.length >= 1, 'the question reached the model');
      const record = rig.harness.logs.events('twin.usage').at(-1)!;
      assert.equal(record.command, 'thread');
      assert.equal(record.tenantId, 'slack:T1');
    });
  });
}
