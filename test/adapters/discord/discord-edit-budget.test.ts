/**
 * The channel's edit budget through the REAL discord.js against the fake Discord (issue 20.2): many answers
 * streaming at once in one channel share its edits, never more than the budget in any window, and every answer's
 * final text lands. The budget is data, so a small one keeps the test short.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DiscordRig, shownText, startDiscordRig } from './discord-driver.js';

const RATE = { writes: 3, perMs: 1_000 };

function answerOf(i: number): string {
  let text = `Answer ${i}.`;
  for (let s = 1; text.length < 600; s++) text += ` Sentence ${s}: I planned the rollback before the migration.`;
  return text;
}

/**
 * The most calls the budget lets through while calls arrived over `at`. why: calls reach the fake some time after
 * their turn (the SDK queues them, the machine may be busy), so arrival times can bunch; the exact sliding-window
 * rule is proven with a fake clock (test/core/write-budget.test.ts). Here: the budget binds, with one window of
 * slack either side. Unthrottled, these answers would make about fifteen writes each.
 */
function allowed(at: number[], rate: { writes: number; perMs: number }): number {
  const span = Math.max(...at) - Math.min(...at);
  return rate.writes * (Math.ceil(span / rate.perMs) + 2);
}

describe('discord edit budget', () => {
  let rig: DiscordRig;
  let asked = 0;

  before(async () => {
    rig = await startDiscordRig({
      harness: { groq: { answer: () => answerOf(asked++), chunkDelayMs: 15 } },
      adapter: { editIntervalMs: 50, editRate: RATE },
    });
  });

  after(async () => {
    await rig.close();
  });

  test('six answers streaming in one channel share its edits; every final text lands', async () => {
    const since = rig.fake.calls.length;
    const asks = Array.from({ length: 6 }, (_, i) =>
      rig.fake.postMessage({ author: rig.member, content: `<@${rig.fake.bot.id}> What did you build? (${i})` }),
    );
    for (const m of asks) {
      await rig.fake.waitForCall((c) => c.method === 'POST' && c.path === `/channels/${m.channel_id}/typing`, since);
    }
    await rig.adapter.settled();
    const calls = rig.fake.calls.slice(since);
    const edits = calls.filter((c) => c.method === 'PATCH' && /^\/channels\/\d+\/messages\/\d+$/.test(c.path));
    assert.ok(edits.length >= 6, `every answer's final text is an edit (${edits.length})`);
    const at = edits.map((c) => c.at ?? 0);
    assert.ok(edits.length <= allowed(at, RATE), `${edits.length} writes in ${Math.max(...at) - Math.min(...at)} ms`);
    const channel = asks[0]!.channel_id;
    const finals = rig.fake.channelMessages(channel).filter((m) => m.author.id === rig.fake.bot.id);
    assert.equal(finals.length, 6);
    for (const m of finals) assert.match(shownText(m), /Sentence \d+: .*\n-# Sources: /s);
  });
});
