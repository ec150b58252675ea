/** The pure parts of Slack streaming: where streamed text may end, refusal memory, suggested prompts, loading lines. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { neutraliseMentions } from '../../../src/adapters/slack/slack-render.js';
import { loadingMessages } from '../../../src/adapters/slack/slack-status.js';
import { streamableEnd } from '../../../src/adapters/slack/stream-rules.js';
import { suggestedPrompts } from '../../../src/adapters/slack/suggested-prompts.js';
import { WorkspaceRefusals } from '../../../src/adapters/slack/workspace-refusals.js';

describe('slack streaming parts', () => {
  test('a mention still being written waits for the next text, so it is made inert whole', () => {
    for (const tail of ['<', '<!', '<@', '<#', '@', '@ch', '@channe', '@everyone']) {
      const text = `Hello ${tail}`;
      assert.equal(streamableEnd(text), 'Hello '.length, tail);
    }
    assert.equal(streamableEnd('Hello <!channel> there'), 'Hello <!channel> there'.length);
    assert.equal(streamableEnd('a < b'), 'a < b'.length);
  });

  test('streamed in any pieces cut where streamableEnd allows, the text is as inert as made inert at once', () => {
    const answer = 'Ping <!channel> and <@U1> or @here, also @everyone; <#C1> and a < b & @channelx.';
    for (let cut = 1; cut < answer.length; cut++) {
      const first = answer.slice(0, streamableEnd(answer.slice(0, cut)));
      const streamed = neutraliseMentions(first) + neutraliseMentions(answer.slice(first.length));
      assert.equal(streamed, neutraliseMentions(answer), `cut at ${cut}`);
    }
  });

  test('a refusal is remembered for its time, per workspace, then streaming is tried again', () => {
    let now = 1_000;
    const refusals = new WorkspaceRefusals(60_000, () => now);
    refusals.refuse('T1');
    assert.equal(refusals.refused('T1'), true);
    assert.equal(refusals.refused('T2'), false);
    now += 59_999;
    assert.equal(refusals.refused('T1'), true);
    now += 1;
    assert.equal(refusals.refused('T1'), false);
  });

  test('suggested prompts: at most four distinct example questions, each with a short title', () => {
    const long = 'What was the hardest technical decision you made while leading the billing platform migration?';
    const { prompts } = suggestedPrompts({
      name: 'Ada Lovelace',
      exampleQuestions: ['What do you do?', ' What do you do? ', long, 'Q3?', 'Q4?', 'Q5?'],
    });
    assert.deepEqual(
      prompts.map((p) => p.message),
      ['What do you do?', long, 'Q3?', 'Q4?'],
    );
    assert.ok(prompts.every((p) => p.title.length <= 40 && p.title !== ''));
    assert.match(prompts[1]!.title, /…$/);
    assert.deepEqual(suggestedPrompts({ name: 'Ada', exampleQuestions: [] }).prompts, []);
  });

  test('loading messages start with the progress note; a place in line stands alone', () => {
    assert.deepEqual(loadingMessages("You're number 3 in line…", 'queued'), ["You're number 3 in line…"]);
    const working = loadingMessages('Thinking…', 'thinking');
    assert.equal(working[0], 'Thinking…');
    assert.ok(working.length > 1);
  });
});
