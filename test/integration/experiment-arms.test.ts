/**
 * Two arms on the fake Groq, end to end through buildApp, the real gateway and groq-sdk: each person gets one arm,
 * each arm's model answers in its own words, the ledger says which arm every request ran in, the report reads it
 * back, and the readout names the better arm once votes say so.
 *
 * Votes: answer feedback (👍/👎) is not in this branch, so the votes below are scripted and given to the pure
 * readout (readArms) directly, beside the ledger's figures for everything else.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runExperimentReport } from '../../src/cli/experiment-command.js';
import { assignArm } from '../../src/core/experiments/experiment.js';
import { readArms } from '../../src/core/experiments/readout.js';
import type { AskRequest, ReplyEvent } from '../../src/core/types.js';
import { lastUserMessage } from '../fakes/groq/groq-wire.js';
import { silentLogger } from '../support/silent-logger.js';
import { startTwinHarness, type TwinHarness } from '../support/twin-harness.js';

const SMALL = 'openai/gpt-oss-20b';
const LARGE = 'openai/gpt-oss-120b';
const EXPERIMENT = `name=tone-test;arm=small,model=${SMALL},temperature=0.7;arm=large,model=${LARGE},temperature=0.3,prompt=detailed`;

/** The two models answer differently, so each reply shows which arm wrote it. */
function answerAs(body: { model: string; messages: { role: string; content: unknown }[] }): string {
  const topic = /<question>\n([^\n]*)/.exec(lastUserMessage(body as never))?.[1] ?? 'that';
  return body.model === LARGE
    ? `I studied physics at university, and about "${topic}" I can give you concrete examples from my projects.`
    : `Physics, mostly (${topic}).`;
}

const ask = (question: string, userId: string, tenantId = 'discord:100'): AskRequest => ({
  platform: 'discord',
  tenantId,
  channelId: 'c1',
  userId,
  command: 'ask-twin',
  question,
});

async function answer(h: TwinHarness, request: AskRequest): Promise<string> {
  let last: ReplyEvent | undefined;
  for await (const e of h.twin.ask(request)) last = e;
  assert.equal(last?.type, 'final', JSON.stringify(last));
  return last?.type === 'final' ? last.answer.text : '';
}

describe('an experiment with two arms on the fake Groq', () => {
  let h: TwinHarness;
  const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
  const started = Date.now();

  before(async () => {
    h = await startTwinHarness({ groq: { answer: answerAs as never }, env: { TWIN_EXPERIMENT: EXPERIMENT } });
    for (const [i, user] of users.entries()) {
      await answer(h, ask(`Where did you study, question ${i}?`, user));
    }
    // The same question twice in one arm: the second is a cache hit.
    const repeat = users.find((u) => assignArm(h.config.experiment!, 'discord:100', u)?.arm.name === 'large')!;
    await answer(h, ask('What did you study?', repeat));
    await answer(h, ask('what did you study', `${repeat}-colleague-${findColleague(h, repeat)}`));
  });
  after(async () => h.close());

  /** A second user of the large arm, so the repeat comes from someone else. */
  function findColleague(harness: TwinHarness, of: string): number {
    for (let i = 0; ; i++) {
      if (assignArm(harness.config.experiment!, 'discord:100', `${of}-colleague-${i}`)?.arm.name === 'large') return i;
    }
  }

  test('the start names the experiment and its arms in the log', () => {
    const [line] = h.logs.events('twin.experiment');
    assert.equal(line?.experiment, 'tone-test');
    assert.deepEqual(
      ((line?.arms ?? []) as { arm: string; model: string }[]).map((a) => [a.arm, a.model]),
      [
        ['small', SMALL],
        ['large', LARGE],
      ],
    );
  });

  test("every person's questions went to their arm's model, with its temperature", () => {
    const experiment = h.config.experiment!;
    const byArm = new Map<string, string>([
      ['small', SMALL],
      ['large', LARGE],
    ]);
    const requests = h.groq?.requests ?? [];
    assert.equal(requests.length, users.length + 1, 'one call per question; the repeated question was cached');
    for (const [i, user] of users.entries()) {
      const arm = assignArm(experiment, 'discord:100', user)?.arm.name as string;
      const sent = requests.find((r) => lastUserMessage(r.body).includes(`question ${i}?`));
      assert.equal(sent?.model, byArm.get(arm), `${user} is in arm ${arm}`);
      assert.equal(sent?.body.temperature, arm === 'large' ? 0.3 : 0.7);
      const system = String(sent?.body.messages[0]?.content);
      assert.equal(/Be warm and thorough/.test(system), arm === 'large', 'the large arm answers in the detailed style');
    }
  });

  test('the ledger records the arm of every request, and the report reads it back per arm', async () => {
    const stats = await h.usage.armStats({ experiment: 'tone-test', from: started - 1, to: Date.now() + 1 });
    assert.deepEqual(
      stats.map((s) => s.arm),
      ['large', 'small'],
    );
    const total = stats.reduce((sum, s) => sum + s.requests, 0);
    assert.equal(total, users.length + 2);
    const large = stats.find((s) => s.arm === 'large')!;
    assert.equal(large.cacheHits, 1);
    assert.ok(large.tokensSaved > 0, 'a hit saves what the original answer spent');
    assert.equal(large.modelReplies, large.answered - 1);
    for (const s of stats) {
      assert.ok(s.latencyMs && s.ttftMs, `${s.arm} has latency and first-token times`);
      assert.ok(s.ttftMs.p50 <= s.latencyMs.p50);
      assert.ok(s.tokens > 0 && s.costUsd > 0);
      assert.deepEqual(s.votes, { helpful: 0, total: 0 }, 'no votes in the ledger: feedback is not collected here');
    }
    for await (const r of h.usage.exportRecords({ from: started - 1, to: Date.now() + 1 })) {
      assert.equal(r.experiment, 'tone-test');
      assert.equal(r.model, r.arm === 'large' ? LARGE : SMALL);
    }
  });

  test('`twinbot experiment report` prints both arms, the cache savings, and no verdict without votes', async () => {
    let out = '';
    const code = await runExperimentReport(
      h.config,
      silentLogger,
      { values: { days: '1' }, positionals: [] },
      { now: Date.now() + 1, out: { write: (t: string) => (out += t) } },
    );
    assert.equal(code, 0);
    assert.match(out, /^Experiment "tone-test", last 1 day\n {2}large: openai\/gpt-oss-120b, t=0\.3, detailed\n/);
    assert.match(out, /\nlarge +\d+ +\d+ +0 +0 +1 \(\d+%\) +no votes /);
    assert.match(out, /\nsmall +\d+ +\d+ +0 +0 +0 \(0%\) +no votes /);
    assert.match(
      out,
      /Answer cache: 1 hit, [\d,]+ tokens saved\.\nNo verdict: no helpful votes recorded for these arms yet\.\n$/,
    );
  });

  test('with scripted votes (80% helpful for large, 55% for small) the readout names the large arm', async () => {
    const stats = await h.usage.armStats({ experiment: 'tone-test', from: started - 1, to: Date.now() + 1 });
    const votes: Record<string, { helpful: number; total: number }> = {
      large: { helpful: 80, total: 100 },
      small: { helpful: 55, total: 100 },
    };
    const readout = readArms(stats.map((s) => ({ ...s, votes: votes[s.arm]! })));
    assert.equal(readout.verdict?.better, 'large');
    assert.match(
      readout.summary,
      /^Arm large is more helpful: 80% vs 55% \(95% CI of the difference \d+ to \d+ points, p < 0\.001\); it costs [\d.]+x per answer\.$/,
    );
    assert.ok((readout.verdict?.costRatio ?? 0) > 1, 'the larger model costs more per answer');
  });
});
