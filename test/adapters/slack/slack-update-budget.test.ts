/**
 * The workspace's chat.update budget through the REAL Bolt app against the fake Slack (issue 20.2): many answers
 * streaming at once in one workspace share its updates, never more than the budget in any window, and every
 * answer's final text lands. The budget is data, so a small one keeps the test short. Native streaming is off here:
 * this is the post-and-update path every workspace that refuses streaming gets (slack-streaming.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SlackRig, startSlackRig } from './slack-rig.js';

const RATE = { writes: 4, perMs: 1_000 };

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

describe('slack update budget', () => {
  let rig: SlackRig;
  let asked = 0;

  before(async () => {
    rig = await startSlackRig({
      mode: 'http',
      harness: {
        groq: {
          answer: () => {
            let text = `Answer ${asked++}.`;
            for (let s = 1; text.length < 600; s++) text += ` Sentence ${s}: I planned the rollback first.`;
            return text;
          },
          chunkDelayMs: 15,
        },
      },
      adapter: { updateIntervalMs: 50, updateRate: RATE, nativeStreaming: false },
    });
  });

  after(async () => {
    await rig.close();
  });

  test('eight answers streaming in one workspace share its chat.update budget; every final text lands', async () => {
    const mark = rig.mark();
    const seen = await Promise.all(Array.from({ length: 8 }, (_, i) => rig.mention(`What did you build? (${i})`)));
    const updates = rig.fake.calls.slice(mark.calls).filter((c) => c.method === 'chat.update' && c.ok);
    assert.ok(updates.length >= 8, `the answers were updated as they streamed (${updates.length})`);
    const at = updates.map((c) => c.at ?? 0);
    assert.ok(
      updates.length <= allowed(at, RATE),
      `${updates.length} writes in ${Math.max(...at) - Math.min(...at)} ms`,
    );
    for (const s of seen) assert.match(s.visible.text, /Answer \d+\..*Sentence \d+: .*Sources: /s);
  });
});
