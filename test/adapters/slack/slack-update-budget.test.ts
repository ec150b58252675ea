/**
 * The workspace's chat.update budget through the REAL Bolt app against the fake Slack (issue 20.2): many answers
 * streaming at once in one workspace share its updates, never more than the budget in any window, and every
 * answer's final text lands. The budget is data, so a small one keeps the test short.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SlackRig, startSlackRig } from './slack-rig.js';

const RATE = { writes: 4, perMs: 1_000 };

/** The most calls in any window of `ms` ending at a call. */
function busiest(at: number[], ms: number): number {
  return Math.max(0, ...at.map((end) => at.filter((t) => t > end - ms && t <= end).length));
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
      adapter: { updateIntervalMs: 50, updateRate: RATE },
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
    // why: a little slack for the time a request spends on the wire between the grant and the fake.
    const most = busiest(
      updates.map((c) => c.at ?? 0),
      RATE.perMs - 50,
    );
    assert.ok(most <= RATE.writes, `${most} chat.update calls within one window`);
    for (const s of seen) assert.match(s.visible.text, /Answer \d+\..*Sentence \d+: .*Sources: /s);
  });
});
