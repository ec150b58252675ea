/**
 * The Discord adapter end to end: the REAL discord.js client against the fake Discord (REST v10 + JSON gateway on
 * 127.0.0.1), a real TwinService answering through the real groq-sdk against the fake Groq.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TwinError } from '../../../src/core/errors.js';
import { fromError } from '../../../src/core/failure-messages.js';
import { FLAG_COMPONENTS_V2, textDisplays } from '../../fakes/discord/fake-discord-components.js';
import { PERMISSIONS } from '../../fakes/discord/fake-discord-server.js';
import { runAdapterScenarios } from '../adapter-scenarios.js';
import {
  botMessagesAfter,
  callsNotifyNobody,
  type DiscordRig,
  runMessage,
  runSlash,
  shownText,
  startDiscordRig,
  writes,
} from './discord-driver.js';

const squash = (s: string) => s.replace(/\s+/g, '');
const ORIGINAL = /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/;
const FOLLOW_UP = /^\/webhooks\/\d+\/[^/]+$/;
const GENERIC_FAILURE = fromError(new TwinError('internal', 'x'), 0).message;
/** The text a call's Components V2 body shows. */
// biome-ignore lint/suspicious/noExplicitAny: a recorded call's JSON body
const sentText = (body: any) => textDisplays(body?.components ?? []).join('\n');

/** About `chars` characters of first-person prose in paragraphs, numbered so nothing can go missing unnoticed. */
function longAnswer(chars: number): string {
  let text = '';
  for (let i = 1; text.length < chars; i++) {
    text += `Sentence ${i}: I led the migration of a billing system and learned to plan rollbacks first. `;
    if (i % 5 === 0) text += '\n\n';
  }
  return text.trim();
}

function requestsIn(text: string): number {
  return Number(/Requests: (\d+)/.exec(text)?.[1] ?? Number.NaN);
}

describe('discord adapter', () => {
  let rig: DiscordRig;

  before(async () => {
    rig = await startDiscordRig({
      // Unscripted Groq answers are long enough to stream a preview before a scripted mid-stream fault.
      harness: { groq: { answer: () => longAnswer(1_000) } },
      // why: one live edit, then the final one; the count is then exact whatever the machine's speed.
      // The channel's edit budget is tested on its own (discord-edit-budget.test.ts); here it never binds.
      adapter: { editIntervalMs: 60_000, editRate: { writes: 1_000, perMs: 5_000 } },
    });
  });

  after(async () => {
    await rig.close();
  });

  describe('shared scenarios', () => {
    runAdapterScenarios(() => rig.driver);
  });

  test('connects with minimal intents and no MessageContent', () => {
    const identify = rig.fake.gateway.identifies.at(-1);
    assert.ok(identify?.accepted);
    // Guilds (1) + GuildMessages (512) + DirectMessages (4096); MessageContent (32768) is privileged and not asked.
    assert.equal(identify.intents, 1 | 512 | 4096);
  });

  test('slash ask: defer first, one live edit, then the final Components V2 answer with the sources line', async () => {
    const text = longAnswer(600);
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text });
    const { interaction, calls } = await runSlash(rig, 'ask-twin', { question: 'What projects have you built?' });
    assert.equal(calls[0]?.path, `/interactions/${interaction.id}/${interaction.token}/callback`);
    assert.equal(calls[0]?.body.type, 5, 'deferred channel message');
    assert.equal(interaction.callbacks.length, 1);
    const edits = calls.filter((c) => c.method === 'PATCH' && ORIGINAL.test(c.path));
    assert.equal(edits.length, 2, 'a live preview and the final answer, nothing in between within the interval');
    assert.ok(text.startsWith(sentText(edits[0]?.body).trimEnd()), 'the preview is the start of the answer');
    for (const edit of edits) assert.equal(edit.body.content, undefined, 'no content beside components');
    const [original] = rig.fake.interactionMessages(interaction.token);
    assert.ok(original && (original.flags & FLAG_COMPONENTS_V2) !== 0, 'the answer is a Components V2 message');
    assert.equal(original.content, '');
    assert.ok(shownText(original).startsWith(text));
    assert.equal(rig.fake.interactionMessages(interaction.token).length, 1);
    assert.match(shownText(original), /\n-# Sources: Project: \S/);
    // The answer and its small print sit in one container, the small print under a separator; under it the action
    // rows of 👍/👎 and follow-up questions (discord-feedback.test.ts reads them).
    assert.deepEqual(
      original.components.map((c) => (c as { type: number }).type),
      [17, 1, 1],
    );
    const inside = (original.components[0] as { components: { type: number }[] }).components.map((c) => c.type);
    assert.deepEqual(inside, [10, 14, 10]);
    assert.ok(callsNotifyNobody(calls));
  });

  test('a 9 000-character answer arrives whole as Components V2 parts of at most 4 000 characters', async () => {
    const text = longAnswer(9_000);
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text });
    const { interaction, calls } = await runSlash(rig, 'ask-twin', {
      question: 'What programming languages do you know?',
    });
    const messages = rig.fake.interactionMessages(interaction.token);
    assert.equal(messages.length, 3);
    for (const m of messages) {
      assert.ok((m.flags & FLAG_COMPONENTS_V2) !== 0, 'every part is Components V2');
      assert.ok(shownText(m).length <= 4_000, `${shownText(m).length} characters`);
    }
    assert.ok(squash(messages.map(shownText).join('')).includes(squash(text)), 'nothing truncated or lost');
    assert.match(shownText(messages.at(-1)!), /\n-# Sources: /);
    assert.doesNotMatch(shownText(messages[0]!), /Sources: /, 'the sources line is on the last part only');
    assert.ok(writes(calls).length >= 4 && callsNotifyNobody(calls), 'every edit and follow-up pings nobody');
  });

  test('a long answer to a mention arrives whole as a reply and plain follow-ups', async () => {
    const text = longAnswer(9_000);
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text });
    const { message, replies, calls } = await runMessage(rig, {
      content: `<@${rig.fake.bot.id}> Tell me about your work`,
    });
    assert.equal(replies.length, 3);
    assert.equal(replies[0]?.message_reference?.message_id, message.id);
    assert.ok(replies.every((m) => (m.flags & FLAG_COMPONENTS_V2) !== 0));
    assert.ok(squash(replies.map(shownText).join('')).includes(squash(text)));
    assert.ok(callsNotifyNobody(calls));
  });

  test('a 429 from Discord REST is waited out by discord.js: nothing lost, nothing doubled', async () => {
    const text = longAnswer(9_000);
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text });
    rig.fake.rateLimitOnce('PATCH', ORIGINAL, { retryAfterS: 0.05, skip: 1 }); // the final edit
    rig.fake.rateLimitOnce('POST', FOLLOW_UP, { retryAfterS: 0.05 }); // the first follow-up
    const { interaction, calls } = await runSlash(rig, 'ask-twin', {
      question: 'What do you do at Kestrel Freightworks?',
    });
    assert.equal(calls.filter((c) => c.status === 429).length, 2);
    const ok = (method: string, path: RegExp) =>
      calls.filter((c) => c.method === method && path.test(c.path) && c.status === 200).length;
    assert.equal(ok('PATCH', ORIGINAL), 2, 'preview and final, the final once');
    assert.equal(ok('POST', FOLLOW_UP), 2, 'each follow-up once');
    const messages = rig.fake.interactionMessages(interaction.token);
    assert.equal(messages.length, 3);
    assert.ok(squash(messages.map(shownText).join('')).includes(squash(text)), 'in order, nothing lost');
  });

  test('a Groq failure after text was shown replaces the partial answer', async () => {
    rig.groq.reset();
    // Every attempt the gateway makes breaks after text: the last failure is what the person sees.
    const broken = { kind: 'stream_error' as const, afterChars: 600 };
    rig.groq.script(broken, broken, broken, broken);
    const { interaction, calls } = await runSlash(rig, 'ask-twin', {
      question: 'Tell me about a time you led a team.',
    });
    const edits = calls.filter((c) => c.method === 'PATCH' && ORIGINAL.test(c.path));
    assert.ok(edits.length >= 2);
    assert.match(sentText(edits[0]?.body), /^Sentence 1: /, 'the partial answer was on screen');
    const messages = rig.fake.interactionMessages(interaction.token);
    assert.equal(messages.length, 1);
    assert.match(shownText(messages[0]!), /isn't responding/);
    assert.doesNotMatch(shownText(messages[0]!), /Sentence/);
  });

  test('when Discord refuses the final edit, the interaction is still completed with a plain failure', async () => {
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'I write TypeScript every day.' });
    rig.fake.failOnce('PATCH', ORIGINAL, {
      status: 400,
      skip: 1,
      body: { message: 'Invalid Form Body', code: 50035, errors: {} },
    });
    const { interaction } = await runSlash(rig, 'ask-twin', { question: 'Which languages do you use?' });
    assert.equal(shownText(rig.fake.interactionMessages(interaction.token)[0]!), GENERIC_FAILURE);
    assert.ok(rig.harness.logs.events('discord.reply_failed').length >= 1);
    assert.ok(!rig.harness.logs.text().includes(interaction.token), 'interaction tokens are kept out of the logs');
  });

  test('a mention in a DM is answered in the DM, on the user’s own tenant', async () => {
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'I mostly write TypeScript and Go.' });
    const { message, replies } = await runMessage(rig, {
      content: 'Which programming languages do you use most?',
      dm: true,
    });
    assert.equal(replies.length, 1);
    assert.equal(replies[0]?.channel_id, rig.fake.dmChannelOf(rig.member.id));
    assert.equal(replies[0]?.message_reference?.message_id, message.id);
    assert.match(shownText(replies[0]!), /TypeScript and Go/);
    const record = rig.harness.logs.events('twin.usage').at(-1);
    assert.equal(record?.tenantId, `discord:dm:${rig.member.id}`);
    assert.equal(record?.command, 'dm');
  });

  test('/ask-twin in a DM answers there, on the user’s own tenant', async () => {
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'I have used PostgreSQL for years.' });
    const { interaction } = await runSlash(
      rig,
      'ask-twin',
      { question: 'What databases have you worked with?' },
      { dm: true },
    );
    const [reply] = rig.fake.interactionMessages(interaction.token);
    assert.equal(reply?.channel_id, rig.fake.dmChannelOf(rig.member.id));
    assert.match(shownText(reply!), /PostgreSQL/);
    assert.deepEqual(interaction.owners, { '0': '0' }, "the server install reaches the bot's own DM");
    const record = rig.harness.logs.events('twin.usage').at(-1);
    assert.equal(record?.tenantId, `discord:dm:${rig.member.id}`);
    assert.equal(record?.command, 'ask-twin');
  });

  test('a reply to the bot’s answer continues the conversation with the chain as history', async () => {
    rig.groq.reset();
    rig.groq.script(
      { kind: 'answer', text: 'I worked at Northwind on payments for four years.' },
      { kind: 'answer', text: 'There I wrote mostly Go and some Python.' },
    );
    const first = await runMessage(rig, { content: `<@${rig.fake.bot.id}> Where did you work before?` });
    const answer = first.replies[0];
    assert.ok(answer);
    const question = 'Which programming languages did you use there?';
    const second = await runMessage(rig, { content: question, replyTo: answer.id });
    assert.equal(second.replies[0]?.message_reference?.message_id, second.message.id);
    assert.equal(rig.groq.requests.length, 2);
    const messages = rig.groq.requests[1]?.body.messages ?? [];
    const contents = messages.map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : ''}`);
    const userTurn = contents.indexOf('user: Where did you work before?');
    const twinTurn = contents.indexOf('assistant: I worked at Northwind on payments for four years.');
    assert.ok(userTurn >= 0 && twinTurn > userTurn, `history in order, got ${JSON.stringify(contents)}`);
    assert.ok(!contents.some((c) => c.includes('Sources:')), 'small print is not history');
    assert.ok(contents.at(-1)?.includes(question));
  });

  test('messages from other bots and from itself are ignored', async () => {
    const { fake } = rig;
    const fromBot = fake.postMessage({ author: fake.user('helperbot', true), content: `<@${fake.bot.id}> hi` });
    const fromSelf = fake.postMessage({ author: fake.bot, content: `<@${fake.bot.id}> talking to myself` });
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'I enjoy hiking on weekends.' });
    const { message } = await runMessage(rig, { content: `<@${fake.bot.id}> What do you do for fun?` });
    // The gateway delivers in order: had the bots' messages been taken, their replies would be here too.
    const replies = botMessagesAfter(fake, fromBot).filter((m) => m.id !== fromSelf.id);
    assert.equal(replies.length, 1);
    assert.equal(replies[0]?.message_reference?.message_id, message.id);
  });

  test('@everyone from the model stays visible but inert', async () => {
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'Hi @everyone and @here, I studied at university.' });
    const { replies, calls } = await runMessage(rig, {
      content: `<@${rig.fake.bot.id}> What did you study at university?`,
    });
    assert.match(shownText(replies[0]!), /Hi @\u200beveryone and @\u200bhere/);
    assert.ok(callsNotifyNobody(calls));
  });

  test('a masked link or an image address from the model shows its address and unfurls into nothing', async () => {
    const text = `Verify here: [Click to verify](https://evil.example/login) and see https://evil.example/me.png. ${longAnswer(4_400)}`;
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text }, { kind: 'answer', text });
    const slash = await runSlash(rig, 'ask-twin', { question: 'Tell me about the projects you built recently' });
    const mention = await runMessage(rig, { content: `<@${rig.fake.bot.id}> Which side projects did you build?` });
    const shown = [
      ...rig.fake.interactionMessages(slash.interaction.token).map((m) => ({ m, calls: slash.calls })),
      ...mention.replies.map((m) => ({ m, calls: mention.calls })),
    ];
    assert.ok(
      shown.length >= 4,
      `the answers were split, so follow-ups were checked too: ${JSON.stringify(shown.map((s) => shownText(s.m).slice(0, 80)))}`,
    );
    for (const { m } of shown) {
      assert.deepEqual(m.embeds, [], 'no preview card or image');
      assert.ok((m.flags & 4) !== 0, 'SuppressEmbeds is set');
    }
    assert.match(shownText(shown[0]!.m), /Click to verify \(https:\/\/evil\.example\/login\)/);
    const sent = writes([...slash.calls, ...mention.calls]);
    assert.ok(sent.length >= 6, 'edits and follow-ups were sent');
    for (const c of sent) assert.ok((Number(c.body.flags) & 4) !== 0, `${c.method} ${c.path} suppresses embeds`);
  });

  test('/twin-usage is this guild’s report only: a DM question is not counted in it', async () => {
    const asAdmin = { permissions: PERMISSIONS.administrator }; // the Administrator bit alone makes an admin
    const report = async () => {
      const { interaction } = await runSlash(rig, 'twin-usage report', { window: '7d' }, asAdmin);
      const [m] = rig.fake.interactionMessages(interaction.token);
      assert.ok(m && (m.flags & 64) !== 0, 'ephemeral');
      assert.match(m.content, /^```\n[\s\S]*last 7 days[\s\S]*\n```$/);
      return requestsIn(m.content);
    };
    const before = await report();
    rig.groq.reset();
    rig.groq.script({ kind: 'answer', text: 'Go and TypeScript.' }, { kind: 'answer', text: 'Go and TypeScript.' });
    await runMessage(rig, { content: 'What programming languages do you use at work?', dm: true });
    assert.equal(await report(), before);
    await runMessage(rig, { content: `<@${rig.fake.bot.id}> What programming languages do you use at work?` });
    assert.equal(await report(), before + 1);
  });
});
