/** The readout's gate: a verdict names an arm only when the difference in helpful votes is significant. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ArmStats, readArms } from '../../../src/core/experiments/readout.js';
import { renderReadout } from '../../../src/core/experiments/readout-text.js';

function arm(name: string, helpful: number, total: number, costUsd = 0.01, replies = 100): ArmStats {
  return {
    arm: name,
    requests: replies + 5,
    answered: replies - 10,
    declined: 10,
    failed: 3,
    refused: 2,
    cacheHits: 10,
    tokensSaved: 9_000,
    modelReplies: replies - 10,
    tokens: 90_000,
    costUsd,
    latencyMs: { p50: 1_200, p95: 3_400 },
    ttftMs: { p50: 300, p95: 900 },
    votes: { helpful, total },
  };
}

describe('readArms', () => {
  test('a significant difference names the better arm, its interval, p, and what it costs by comparison', () => {
    const r = readArms([arm('A', 128, 200, 0.01), arm('B', 156, 200, 0.031)]);
    assert.equal(r.verdict?.better, 'B');
    assert.equal(r.verdict?.worse, 'A');
    assert.equal(
      r.summary,
      'Arm B is more helpful: 78% vs 64% (95% CI of the difference 5 to 23 points, p = 0.002); it costs 3.1x per answer.',
    );
    const b = r.arms.find((a) => a.arm === 'B');
    assert.equal(b?.helpfulRate, 0.78);
    assert.ok(b?.helpfulInterval && b.helpfulInterval.low < 0.78 && b.helpfulInterval.high > 0.78);
    assert.equal(b?.costPerAnswer, 0.031 / 90);
    assert.equal(b?.hitRate, 10 / 100);
  });

  test('the same rates on too few votes give no verdict, and say it is not significant', () => {
    const r = readArms([arm('A', 16, 25), arm('B', 20, 25)]);
    assert.equal(r.verdict, undefined);
    assert.match(
      r.summary,
      /^No verdict: arm B looks more helpful \(80% vs 64%\) but the difference is not significant \(p = 0\.\d+; 95% CI of the difference -\d+ to \d+ points\)\.$/,
    );
  });

  test('too few votes of one kind for the test: asks for more instead of guessing', () => {
    const r = readArms([arm('A', 3, 3), arm('B', 0, 4)]);
    assert.equal(r.verdict, undefined);
    assert.match(r.summary, /^No verdict yet: too few votes to tell the arms apart .*A has 3, B has 4\)\.$/);
  });

  test('no votes at all, or votes on one arm only, give no verdict', () => {
    assert.equal(
      readArms([arm('A', 0, 0), arm('B', 0, 0)]).summary,
      'No verdict: no helpful votes recorded for these arms yet.',
    );
    assert.match(readArms([arm('A', 50, 60), arm('B', 0, 0)]).summary, /only one arm has votes/);
  });

  test('with three arms the leader must clear alpha / 2: p = 0.04 is enough for two arms, not for three', () => {
    // 70/100 vs 56/100: p = 0.0403 (Python's math.erfc)
    const two = readArms([arm('A', 56, 100), arm('B', 70, 100)]);
    assert.equal(two.verdict?.better, 'B');
    assert.ok(two.verdict && Math.abs(two.verdict.pValue - 0.0403239) < 1e-6);
    const three = readArms([arm('A', 56, 100), arm('B', 70, 100), arm('C', 40, 100)]);
    assert.equal(three.verdict, undefined);
    assert.match(three.summary, /not significant \(p = 0\.04;/);
  });

  test('a cheaper winner is said to cost a fraction; a winner against a free arm says what it costs', () => {
    assert.match(
      readArms([arm('A', 100, 200, 0.04), arm('B', 160, 200, 0.01)]).summary,
      /it costs 0\.3x as much per answer as arm A\.$/,
    );
    assert.match(
      readArms([arm('A', 100, 200, 0), arm('B', 160, 200, 0.01)]).summary,
      /it costs \$0\.00011 per answer where arm A cost nothing\.$/,
    );
  });

  test('the text table shows each arm, the cache savings and the verdict', () => {
    const readout = readArms([arm('A', 128, 200, 0.01), arm('B', 156, 200, 0.031)]);
    const text = renderReadout({
      experiment: 'tone-test',
      days: 7,
      readout,
      configured: {
        name: 'tone-test',
        arms: [
          { name: 'A', model: 'openai/gpt-oss-20b', temperature: 0.7, weight: 1 },
          { name: 'B', model: 'openai/gpt-oss-120b', weight: 1, prompt: { name: 'brief', text: '...' } },
        ],
      },
    });
    assert.match(
      text,
      /^Experiment "tone-test", last 7 days\n {2}A: openai\/gpt-oss-20b, t=0\.7\n {2}B: openai\/gpt-oss-120b, brief\n/,
    );
    assert.match(
      text,
      /\nB +105 +90 +10 +3 +10 \(10%\) +78% \(72%-83%, 200 votes\) +1\.2s \/ 3\.4s +300ms \/ 900ms +1,000 +\$0\.00034\n/,
    );
    assert.match(text, /Answer cache: 20 hits, 18,000 tokens saved\.\nArm B is more helpful/);
  });
});
