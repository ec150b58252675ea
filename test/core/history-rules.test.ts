import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from 'discord.js';
import { readReplyChain } from '../../src/adapters/discord/discord-facts.js';
import {
  fetchThreadTurns,
  THREAD_LIMITS,
  type ThreadMessage,
  threadTurns,
} from '../../src/adapters/slack/thread-history.js';
import { CORE_HISTORY_TURNS, HISTORY_RULES, type HistoryRule, mergeTurns } from '../../src/core/history-rules.js';
import type { Turn } from '../../src/core/types.js';

// Every expectation below is computed from the table, so these tests prove the adapters read it: change a row and
// the adapter follows without an edit here.

test('every row states its numbers, its merge separator, its other-bots policy and why', () => {
  for (const [platform, rule] of Object.entries(HISTORY_RULES)) {
    assert.ok(rule.fetchedMessages > 0 && rule.keptTurns > 0, platform);
    assert.ok(rule.mergeSeparator.length > 0, platform);
    assert.ok(['skip', 'user'].includes(rule.otherBots), platform);
    assert.ok(rule.why.length > 20, platform);
  }
  assert.ok(CORE_HISTORY_TURNS > 0);
});

test("the shared merge joins consecutive turns of one side with each row's separator, without changing its input", () => {
  const turns: Turn[] = [
    { role: 'user', text: 'a' },
    { role: 'user', text: 'b' },
    { role: 'twin', text: 'c' },
    { role: 'twin', text: 'd' },
    { role: 'user', text: 'e' },
  ];
  for (const rule of Object.values(HISTORY_RULES)) {
    const sep = rule.mergeSeparator;
    assert.deepEqual(mergeTurns(turns, sep), [
      { role: 'user', text: `a${sep}b` },
      { role: 'twin', text: `c${sep}d` },
      { role: 'user', text: 'e' },
    ]);
  }
  assert.equal(turns[0]?.text, 'a');
});

const self = { botUserId: 'UBOT', botId: 'BBOT' };
const ts = (i: number) => `1.${String(i).padStart(6, '0')}`;

test("Slack's thread reader follows its row: turns kept, merge separator, other bots", () => {
  const rule: HistoryRule = HISTORY_RULES.slack;
  const messages: ThreadMessage[] = [
    { ts: ts(1), user: 'U1', text: 'first' },
    { ts: ts(2), user: 'U1', text: 'second' },
    { ts: ts(3), user: 'UOTHER', bot_id: 'BOTHER', text: 'beep' },
    { ts: ts(4), user: 'UBOT', bot_id: 'BBOT', text: 'an answer' },
  ];
  const others = rule.otherBots === 'skip' ? '' : `${rule.mergeSeparator}beep`;
  assert.deepEqual(threadTurns(messages, self, ts(99)), [
    { role: 'user', text: `first${rule.mergeSeparator}second${others}` },
    { role: 'twin', text: 'an answer' },
  ]);
  // The other policy, given as a row, is followed too.
  const flipped = { ...rule, otherBots: rule.otherBots === 'skip' ? ('user' as const) : ('skip' as const) };
  assert.equal(threadTurns(messages, self, ts(99), rule.keptTurns, flipped)[0]?.text.includes('beep'), others === '');

  const long: ThreadMessage[] = Array.from({ length: rule.keptTurns * 2 + 3 }, (_, i) =>
    i % 2 === 0 ? { ts: ts(i + 1), user: 'U1', text: `q${i}` } : { ts: ts(i + 1), user: 'UBOT', text: `a${i}` },
  );
  const kept = threadTurns(long, self, ts(999));
  assert.equal(kept.length, rule.keptTurns);
  assert.equal(kept.at(-1)?.text, `q${long.length - 1}`);
  assert.deepEqual(THREAD_LIMITS, { maxMessages: rule.fetchedMessages, maxTurns: rule.keptTurns });
});

test("Slack reads at most its row's fetched messages from conversations.replies", async () => {
  let read = 0;
  const client = {
    conversations: {
      replies: async (args: { limit: number }) => {
        const page = Array.from({ length: args.limit }, (_, i) => ({ ts: ts(read + i + 1), user: 'U1', text: 'x' }));
        read += page.length;
        return { messages: page, response_metadata: { next_cursor: 'more' } };
      },
    },
  };
  await fetchThreadTurns(client as never, 'C1', ts(0), ts(999_999), self);
  assert.equal(read, HISTORY_RULES.slack.fetchedMessages);
});

/** A discord.js reply chain, oldest first, each message replying to the one before; `fetches` counts REST reads. */
function replyChain(parents: { author: string; bot?: boolean; content: string }[]) {
  const byId = new Map<string, unknown>();
  const counter = { fetches: 0 };
  const channel = {
    messages: {
      fetch: async (id: string) => {
        counter.fetches++;
        return byId.get(id);
      },
    },
  };
  const reference = (i: number) => (i < 0 ? undefined : { messageId: `m${i}`, channelId: 'C1' });
  parents.forEach((p, i) => {
    byId.set(`m${i}`, {
      id: `m${i}`,
      author: { id: p.author, bot: p.bot ?? false },
      content: p.content,
      reference: reference(i - 1),
      mentions: { roles: [] },
    });
  });
  const message = { channelId: 'C1', channel, reference: reference(parents.length - 1) } as unknown as Message;
  return { message, counter };
}

test("Discord's reply-chain walk follows its row: messages walked, merge separator, other bots", async () => {
  const rule: HistoryRule = HISTORY_RULES.discord;
  const { message } = replyChain([
    { author: 'U1', content: 'first' },
    { author: 'BOTHER', bot: true, content: 'beep' },
    { author: 'U1', content: 'second' },
    { author: 'BOT', bot: true, content: 'an answer\n-# Sources: x' },
  ]);
  const others = rule.otherBots === 'skip' ? '' : `beep${rule.mergeSeparator}`;
  assert.deepEqual(await readReplyChain(message, 'BOT'), [
    { role: 'user', text: `first${rule.mergeSeparator}${others}second` },
    { role: 'twin', text: 'an answer' },
  ]);
  const flipped = { ...rule, otherBots: rule.otherBots === 'skip' ? ('user' as const) : ('skip' as const) };
  const turns = await readReplyChain(message, 'BOT', rule.fetchedMessages, flipped);
  assert.equal(turns[0]?.text.includes('beep'), others === '');

  const long = replyChain(
    Array.from({ length: rule.fetchedMessages * 2 }, (_, i) =>
      i % 2 === 0 ? { author: 'U1', content: `q${i}` } : { author: 'BOT', bot: true, content: `a${i}` },
    ),
  );
  const walked = await readReplyChain(long.message, 'BOT');
  assert.equal(long.counter.fetches, rule.fetchedMessages);
  assert.equal(walked.length, Math.min(rule.fetchedMessages, rule.keptTurns));
});
