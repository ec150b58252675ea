/**
 * Feedback and follow-ups on streamed answers, through the REAL Bolt app (HTTP mode) against the fake Slack: a
 * streamed answer closes with chat.stopStream carrying the 👍/👎 (feedback_buttons in context_actions) and follow-up
 * blocks, which the fake checks with the same Block Kit rules as chat.postMessage; a 👍 on it is recorded; a
 * follow-up click streams its answer in the same thread, under a message saying who asked what. When Slack refuses
 * the follow-up's stream, the posted answer takes over that message (the question shown once) and ends with the
 * same blocks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeMessage } from '../../fakes/slack/fake-slack-server.js';
import { blockActions, postInteractive } from '../../fakes/slack/slack-interactions.js';
import { MEMBER, SIGNING_SECRET, type SlackRig, seenText, startSlackRig } from './slack-rig.js';

interface Block {
  type: string;
  block_id?: string;
  elements?: Record<string, unknown>[];
}

const blocksIn = (blocks: unknown) => (Array.isArray(blocks) ? (blocks as Block[]) : []);
const feedbackOf = (blocks: unknown) =>
  blocksIn(blocks)
    .find((b) => b.type === 'context_actions')
    ?.elements?.find((e) => e.type === 'feedback_buttons');
const followUpsOf = (blocks: unknown) => blocksIn(blocks).find((b) => b.type === 'actions')?.elements ?? [];

// why: long enough (several chunks past the 160 characters held back for the leak check) that text streams before
// the answer is final.
const DELFT =
  'I studied computer science at TU Delft, where my thesis was on the sentiment of tweets, and then I joined ' +
  'Kestrel as a backend engineer on the billing platform, which I later led through its move to event sourcing.';
const FENNIMORE =
  'Before that I worked at Fennimore Health on their scheduling system, first as an intern and then for two ' +
  'years as an engineer, mostly on the service that matched clinicians to shifts across three hospitals.';

describe('Slack feedback and follow-ups on streamed answers', () => {
  let rig: SlackRig;
  let clicks = 0;
  before(async () => {
    rig = await startSlackRig({ mode: 'http', harness: { groq: { chunkDelayMs: 2, chunkChars: 24 } } });
  });
  after(() => rig.close());

  const lastRequestId = () => String(rig.harness.logs.events('twin.usage').at(-1)?.id);
  const votes = () =>
    rig.harness.usage.summarizeFeedback({ tenantId: 'slack:T1', from: 0, to: Date.now() + 1, reasons: 5 });

  /** A person clicks an element of `message`'s blocks, as Slack delivers it (a signed block_actions payload). */
  const click = async (
    message: FakeMessage,
    element: Record<string, unknown>,
    blockId: string,
    which?: 'positive_button',
  ) => {
    const payload = blockActions({
      teamId: 'T1',
      userId: MEMBER,
      channel: message.channel,
      message: { ts: message.ts, thread_ts: message.thread_ts, text: message.text, blocks: message.blocks },
      element,
      blockId,
      which,
      triggerId: rig.fake.triggers.issue(),
      responseUrl: rig.fake.responseUrl(`stream-click-${++clicks}`),
    });
    const res = await postInteractive(rig.eventsUrl, SIGNING_SECRET, payload);
    assert.equal(res.status, 200);
    return (payload.actions as { action_ts: string }[])[0]!.action_ts;
  };

  test('stopStream carries the feedback buttons, a 👍 on them is recorded, a follow-up streams in the thread', async () => {
    rig.groq.script({ kind: 'answer', text: DELFT });
    let mark = rig.mark();
    const { ts: mentionTs } = await rig.mention('Where did you study?');
    const requestId = lastRequestId();
    let calls = rig.fake.calls.slice(mark.calls);
    assert.equal(calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update').length, 0);
    const stop = calls.find((c) => c.method === 'chat.stopStream')!;
    assert.ok(stop.ok, stop.error);
    const sent = feedbackOf(stop.params.blocks);
    assert.ok(sent, 'chat.stopStream carried the feedback_buttons element');
    assert.equal((sent.positive_button as { value: string }).value, `up:${requestId}`);
    assert.ok(followUpsOf(stop.params.blocks).length >= 1, 'and the follow-up buttons');
    const answer = rig.fake.messages.find((m) => m.ts === stop.params.ts)!;
    assert.equal(answer.stream?.state, 'stopped');
    assert.equal(answer.thread_ts, mentionTs);

    // 👍 on the streamed message, as Slack shows it after the stop.
    await click(answer, feedbackOf(answer.blocks)!, 'twin-feedback', 'positive_button');
    await rig.until(() => rig.harness.logs.events('slack.feedback').length >= 1, 'the vote');
    const s = await votes();
    assert.deepEqual([s.votes, s.helpful], [1, 1]);

    // A follow-up: asked in the same thread, and its answer streams too.
    const button = followUpsOf(answer.blocks)[0]!;
    const question = String((button.text as { text: string }).text);
    rig.groq.script({ kind: 'answer', text: FENNIMORE });
    mark = rig.mark();
    const replied = await rig.replied(`follow-up:${await click(answer, button, 'twin-follow-ups')}`);
    assert.equal(replied.streamed, true, 'the follow-up was streamed');
    calls = rig.fake.calls.slice(mark.calls);
    const start = calls.find((c) => c.method === 'chat.startStream')!;
    assert.ok(start.ok, start.error);
    assert.equal(start.params.thread_ts, mentionTs, 'in the same thread');
    assert.equal(calls.filter((c) => c.method === 'chat.update').length, 0);
    const [asked, reply, ...others] = rig.fake.messages.slice(mark.messages).filter((m) => m.bot_id && !m.deleted);
    assert.equal(others.length, 0);
    assert.equal(asked!.thread_ts, mentionTs);
    assert.match(seenText(asked!), /asked:/);
    assert.ok(seenText(asked!).includes(question), 'who asked what, above the streamed answer');
    assert.equal(reply!.stream?.state, 'stopped');
    assert.match(seenText(reply!), /Fennimore Health/);
    const followUpStop = calls.find((c) => c.method === 'chat.stopStream' && c.params.ts === reply!.ts)!;
    assert.ok(followUpStop.ok);
    assert.equal(
      (feedbackOf(followUpStop.params.blocks)!.positive_button as { value: string }).value,
      `up:${lastRequestId()}`,
      "the follow-up's answer has buttons of its own",
    );
    assert.notEqual(lastRequestId(), requestId);
  });

  test('when Slack refuses the follow-up its stream, the posted answer holds the question and ends with the buttons', async () => {
    // why: a fresh twin, so the follow-up is not the first test's question answered again from the answer cache.
    await rig.close();
    rig = await startSlackRig({ mode: 'http', harness: { groq: { chunkDelayMs: 2, chunkChars: 24 } } });
    rig.groq.script({ kind: 'answer', text: DELFT });
    const { ts: mentionTs } = await rig.mention('Where did you study, again?');
    const answer = rig.fake.messages.find((m) => m.ts === rig.fake.callsOf('chat.stopStream').at(-1)!.params.ts)!;
    rig.fake.streams.refusedTeams.set('T1', 'feature_not_enabled');
    try {
      rig.groq.script({ kind: 'answer', text: FENNIMORE });
      const mark = rig.mark();
      const button = followUpsOf(answer.blocks)[0]!;
      const replied = await rig.replied(`follow-up:${await click(answer, button, 'twin-follow-ups')}`);
      assert.equal(replied.streamed, false);
      const refused = rig.fake.calls.slice(mark.calls).find((c) => c.method === 'chat.startStream')!;
      assert.equal(refused.error, 'feature_not_enabled', 'the stream was tried and refused');
      const [only, ...others] = rig.fake.messages.slice(mark.messages).filter((m) => m.bot_id && !m.deleted);
      assert.equal(others.length, 0, 'the question is not shown twice');
      assert.equal(only!.thread_ts, mentionTs);
      assert.equal(only!.stream, undefined, 'posted, not streamed');
      assert.match(seenText(only!), /asked:[\s\S]*Fennimore Health on their scheduling/);
      const feedback = feedbackOf(only!.blocks);
      assert.equal((feedback!.positive_button as { value: string }).value, `up:${lastRequestId()}`);
    } finally {
      rig.fake.streams.refusedTeams.clear();
    }
  });
});
