/**
 * Native streaming (issue 16.1) through the REAL Bolt app against the fake Slack, answers from the real groq-sdk
 * against the fake Groq: a streamed answer arrives whole without any chat.update; a workspace that refuses streaming
 * gets the post-and-update path with the whole answer (and is not asked again); a stream that expires mid-answer or
 * at its end hands over with nothing lost or doubled; a restarted or failed answer replaces what was streamed; the
 * assistant status rotates while the twin works and is cleared; a new assistant thread gets suggested prompts.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FakeMessage } from '../../fakes/slack/fake-slack-server.js';
import { eventCallback } from '../../fakes/slack/slack-payloads.js';
import { CHANNEL, inert, MEMBER, type SlackRig, seenText, startSlackRig } from './slack-rig.js';

/** What the fake Groq streams when a test does not script the text (a try that breaks midway). */
const FIRST_TRY =
  'At Kestrel I owned the billing platform for three years. The first version posted invoices in a nightly ' +
  'batch, and every month we spent days reconciling it by hand. I proposed moving it to event sourcing and ' +
  'wrote the design with two colleagues, then we migrated one product line at a time.';

const LINE = 'I led the migration of our billing platform to event sourcing, which cut reconciliation time a lot. ';

function longAnswer(chars: number, tag: string): string {
  let text = `${tag} `;
  for (let i = 1; text.length < chars; i++) text += `${i}. ${LINE}`;
  return text.trim();
}

/** The bot messages an action left that people can still see. */
function visibleMessages(rig: SlackRig, from: number): FakeMessage[] {
  return rig.fake.messages.slice(from).filter((m) => m.bot_id && !m.deleted);
}

/** Every text a message ever showed is a start of the answer: nothing shown twice, nothing shown out of order. */
function neverDoubled(message: FakeMessage, answer: string): void {
  for (const version of message.versions) {
    const shown = seenText(version).replace(/\nSources: .*$/s, '');
    assert.ok(answer.startsWith(shown.trimEnd()), `a version showed text the answer does not start with:\n${shown}`);
  }
}

describe('Slack native streaming', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({
      mode: 'http',
      harness: { groq: { chunkDelayMs: 3, chunkChars: 24, answer: () => FIRST_TRY } },
      adapter: { appendIntervalMs: 15 },
    });
  });
  after(() => rig.close());
  beforeEach(() => {
    rig.groq.reset();
    rig.fake.streams.refusedTeams.clear();
    rig.fake.streams.expireAfterAppends = undefined;
    rig.fake.methodErrors.clear();
  });

  test('a mention in a channel streams the answer whole: start, appends, stop with the sources; no chat.update', async () => {
    const answer = longAnswer(1_500, 'STREAMED');
    rig.groq.script({ kind: 'answer', text: answer });
    const mark = rig.mark();
    const { ts, visible } = await rig.mention('Tell me about the billing migration');
    const calls = rig.fake.calls.slice(mark.calls);
    const start = calls.find((c) => c.method === 'chat.startStream')!;
    assert.ok(start.ok);
    assert.equal(start.params.thread_ts, ts, 'the stream replies in the thread of the mention');
    assert.equal(start.params.recipient_user_id, MEMBER, 'in a channel the stream names its recipient');
    assert.equal(start.params.recipient_team_id, 'T1');
    assert.ok(calls.filter((c) => c.method === 'chat.appendStream' && c.ok).length >= 2, 'text was appended');
    assert.equal(calls.filter((c) => c.method === 'chat.update').length, 0, 'no chat.update budget spent');
    assert.equal(calls.filter((c) => c.method === 'chat.postMessage').length, 0);
    const [message, ...others] = visibleMessages(rig, mark.messages);
    assert.equal(others.length, 0, 'one message');
    assert.equal(message!.stream?.state, 'stopped');
    assert.equal(message!.text.replace(/\u200b/g, ''), answer, 'the fake holds exactly the answer');
    assert.match(seenText(message!), /Sources: /);
    assert.equal(visible.text, seenText(message!));
    neverDoubled(message!, answer);
    for (const c of calls.filter((c) => c.method.startsWith('chat.'))) assert.ok(inert(c.params), c.method);
  });

  test('an answer longer than one stream (12 000 characters) continues in a posted message, nothing lost', async () => {
    let answer = '';
    for (let i = 1; answer.length < 13_500; i++) answer += `${i}. ${LINE}${i % 6 === 0 ? '\n\n' : ''}`;
    answer = answer.trim();
    rig.groq.script({ kind: 'answer', text: answer });
    const mark = rig.mark();
    await rig.mention('Tell me everything about your billing migration');
    const [streamed, posted, ...others] = visibleMessages(rig, mark.messages);
    assert.equal(others.length, 0);
    assert.equal(streamed!.stream?.state, 'stopped');
    assert.ok(streamed!.text.length <= 12_000, `one stream holds at most 12 000 characters (${streamed!.text.length})`);
    assert.equal(posted!.stream, undefined);
    assert.equal(posted!.thread_ts, streamed!.thread_ts, 'the rest follows in the same thread');
    for (const c of rig.fake.calls.slice(mark.calls)) {
      const md = typeof c.params.markdown_text === 'string' ? c.params.markdown_text : '';
      assert.ok(md.length <= 12_000, `${c.method} carried ${md.length} characters`);
    }
    const shown = [streamed!, posted!].map((m) => seenText(m).replace(/\nSources: .*$/s, '')).join('');
    const squash = (t: string) => t.replace(/\s+/g, '');
    assert.equal(squash(shown), squash(answer));
    assert.match(seenText(posted!), /Sources: /, 'the sources close the last part');
  });

  test('while the twin works the assistant status rotates loading messages, and the answer clears it', async () => {
    rig.groq.script({ kind: 'answer', text: 'I mentor two junior engineers every week.' });
    const mark = rig.mark();
    const { ts } = await rig.mention('Do you mentor people?');
    const statuses = rig.fake.calls.slice(mark.calls).filter((c) => c.method === 'assistant.threads.setStatus');
    assert.ok(statuses.length >= 1);
    const first = statuses[0]!;
    assert.equal(first.params.thread_ts, ts);
    assert.equal(first.params.status, 'Thinking…');
    const loading = first.params.loading_messages as string[];
    assert.ok(Array.isArray(loading) && loading.length > 1, 'several lines rotate');
    for (const line of loading) assert.doesNotMatch(line, /busy|limit|sorry|try again/i, 'never failure words');
    assert.equal(rig.fake.threadStatus.has(`${CHANNEL}:${ts}`), false, 'the status is gone once the answer is there');
  });

  test('a stream that expires mid-answer hands its message to chat.update: nothing lost, nothing doubled', async () => {
    rig.fake.streams.expireAfterAppends = 2;
    const answer = longAnswer(2_000, 'EXPIRING');
    rig.groq.script({ kind: 'answer', text: answer });
    const mark = rig.mark();
    await rig.mention('Walk me through the migration');
    const calls = rig.fake.calls.slice(mark.calls);
    const failed = calls.filter((c) => c.method === 'chat.appendStream' && !c.ok);
    assert.equal(failed[0]?.error, 'message_not_in_streaming_state', 'the stream expired');
    const [message, ...others] = visibleMessages(rig, mark.messages);
    assert.equal(others.length, 0, 'the same message goes on');
    assert.equal(message!.stream?.state, 'expired');
    assert.ok(message!.edits >= 1, 'chat.update carried the rest');
    assert.equal(seenText(message!).replace(/\nSources: .*$/s, ''), answer);
    assert.match(seenText(message!), /Sources: /);
    neverDoubled(message!, answer);
  });

  test('a stream that cannot be stopped (expired) is replaced by the whole answer, posted at once', async () => {
    rig.fake.methodErrors.set('chat.stopStream', 'message_not_in_streaming_state');
    const answer = 'I hold an AWS Solutions Architect certification and a Kubernetes one, both renewed this year.';
    rig.groq.script({ kind: 'answer', text: `${answer} ${LINE}` });
    const mark = rig.mark();
    await rig.mention('Any certifications?');
    const calls = rig.fake.calls.slice(mark.calls);
    assert.ok(
      calls.some((c) => c.method === 'chat.delete' && c.ok),
      'the expired stream was removed',
    );
    const [message, ...others] = visibleMessages(rig, mark.messages);
    assert.equal(others.length, 0, 'one answer is left');
    assert.equal(seenText(message!).replace(/\nSources: .*$/s, ''), `${answer} ${LINE}`.trim());
    assert.equal(calls.filter((c) => c.method === 'chat.update').length, 0, 'no budget was needed');
    rig.fake.methodErrors.delete('chat.stopStream');
  });

  test('an answer restarted after streaming (the model failed once) replaces the streamed text cleanly', async () => {
    const answer =
      'I led the Kubernetes migration at Kestrel over two quarters with a team of five; we cut deploy time by ' +
      'half and I wrote the runbooks myself, which the on-call engineers still use today.';
    // The first try breaks after some of its text was streamed; the second try answers.
    rig.groq.script({ kind: 'stream_error', afterChars: 250 }, { kind: 'answer', text: answer });
    const mark = rig.mark();
    await rig.mention('Tell me about your billing migration, step by step');
    const calls = rig.fake.calls.slice(mark.calls);
    assert.equal(calls.filter((c) => c.method === 'chat.startStream' && c.ok).length, 2, 'each try streamed');
    assert.equal(calls.filter((c) => c.method === 'chat.delete' && c.ok).length, 1, 'the first one was removed');
    const [message, ...others] = visibleMessages(rig, mark.messages);
    assert.equal(others.length, 0, 'no trace of the first try');
    assert.equal(seenText(message!).replace(/\nSources: .*$/s, ''), answer);
  });

  test('a failure after text was streamed replaces it: never half an answer with a note under it', async () => {
    const broken = { kind: 'stream_error' as const, afterChars: 700 };
    // Every attempt the gateway makes breaks after text: the last failure is what the person sees.
    rig.groq.script(broken, broken, broken, broken);
    const mark = rig.mark();
    const { visible } = await rig.mention('Tell me about leading the Kubernetes migration');
    const left = visibleMessages(rig, mark.messages);
    assert.equal(left.length, 1);
    assert.doesNotMatch(visible.text, /billing|event sourcing/, 'no half answer is left');
    assert.match(visible.text, /isn't responding|try again/i);
  });

  test('a top-level direct message streams in the thread of the question, without recipient ids', async () => {
    rig.groq.script({ kind: 'answer', text: 'My main language is TypeScript, with some Go.' });
    const mark = rig.mark();
    const { ts, replied } = await rig.directMessage('Which languages do you use?');
    assert.equal(replied.streamed, true);
    const start = rig.fake.calls.slice(mark.calls).find((c) => c.method === 'chat.startStream')!;
    assert.equal(start.params.thread_ts, ts);
    assert.equal(start.params.recipient_user_id, undefined);
    assert.match(seenText(visibleMessages(rig, mark.messages)[0]!), /TypeScript, with some Go/);
  });

  test('a new assistant thread gets suggested prompts from the profile’s example questions', async () => {
    const callback = eventCallback({
      teamId: 'T1',
      event: {
        type: 'assistant_thread_started',
        assistant_thread: { user_id: MEMBER, context: {}, channel_id: 'DMEMBER', thread_ts: '1700000500.000100' },
      },
    });
    await rig.deliverEvent(callback);
    await rig.waitForLog((r) => r.event === 'slack.prompts_suggested' && r.ref === callback.event_id, 'the prompts');
    const call = rig.fake.callsOf('assistant.threads.setSuggestedPrompts').at(-1)!;
    assert.ok(call.ok, call.error);
    assert.equal(call.params.thread_ts, '1700000500.000100');
    const prompts = call.params.prompts as { title: string; message: string }[];
    const examples = rig.harness.twin.profile.exampleQuestions;
    assert.ok(prompts.length >= 1 && prompts.length <= 4);
    for (const p of prompts) {
      assert.ok(examples.includes(p.message), `${p.message} is one of the profile's example questions`);
      assert.ok(p.title.length <= 40);
    }
  });
});

describe('Slack native streaming: a workspace that refuses it', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({ mode: 'socket', harness: { groq: { chunkDelayMs: 3, chunkChars: 24 } } });
  });
  after(() => rig.close());

  test('a workspace that refuses streaming gets the post-and-update path, whole, and is not asked again', async () => {
    rig.fake.streams.refusedTeams.set('T1', 'feature_not_enabled');
    const answer = longAnswer(900, 'REFUSED');
    rig.groq.script({ kind: 'answer', text: answer }, { kind: 'answer', text: answer });
    const mark = rig.mark();
    const first = await rig.mention('What projects have you built?');
    const refused = rig.fake.calls.slice(mark.calls).filter((c) => c.method === 'chat.startStream');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.error, 'feature_not_enabled');
    const [message, ...others] = visibleMessages(rig, mark.messages);
    assert.equal(others.length, 0);
    assert.equal(message!.stream, undefined, 'an ordinary message');
    assert.equal(message!.thread_ts, first.ts);
    assert.match(seenText(message!), /^REFUSED .*Sources: /s);
    assert.equal(seenText(message!).replace(/\nSources: .*$/s, ''), answer);
    const again = rig.mark();
    await rig.mention('Tell me about your experience at Kestrel');
    const calls = rig.fake.calls.slice(again.calls);
    assert.equal(calls.filter((c) => c.method === 'chat.startStream').length, 0, 'the refusal is remembered');
    assert.match(seenText(visibleMessages(rig, again.messages)[0]!), /^REFUSED /);
  });
});

describe('Slack native streaming: the workspace appendStream budget', () => {
  const RATE = { writes: 3, perMs: 60_000 };
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({
      mode: 'http',
      harness: { groq: { chunkDelayMs: 3, chunkChars: 24 } },
      adapter: { appendIntervalMs: 15, appendRate: RATE },
    });
  });
  after(() => rig.close());

  test('answers streaming at once share the appends; skipped text goes with the next append or the stop', async () => {
    const answers = [0, 1, 2, 3].map((i) => longAnswer(1_500, `ANSWER${i}`));
    rig.groq.script(...answers.map((text) => ({ kind: 'answer' as const, text })));
    const mark = rig.mark();
    await Promise.all([0, 1, 2, 3].map((i) => rig.mention(`Tell me about your billing migration (${i})`)));
    const calls = rig.fake.calls.slice(mark.calls);
    assert.ok(calls.filter((c) => c.method === 'chat.appendStream').length <= RATE.writes, 'within the budget');
    assert.equal(calls.filter((c) => c.method === 'chat.stopStream' && c.ok).length, 4, 'every stream was closed');
    const texts = visibleMessages(rig, mark.messages).map((m) => m.text.replace(/\u200b/g, ''));
    assert.deepEqual([...texts].sort(), [...answers].sort(), 'every answer whole, once');
  });
});
