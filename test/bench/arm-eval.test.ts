/**
 * `npm run eval -- --arms`: two arms answer the eval questions through the real gateway and groq-sdk against the
 * fake Groq, whose two models answer differently (the small one declines everything), and the table tells them apart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { QuestionSet } from '../../bench/eval/answer-eval.js';
import { armEvalTable, evaluateArms } from '../../bench/eval/arm-eval.js';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { silentLogger } from '../support/silent-logger.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SMALL = 'openai/gpt-oss-20b';
const LARGE = 'openai/gpt-oss-120b';
const sample = JSON.parse(readFileSync(`${ROOT}bench/eval/natural-sample.json`, 'utf8')) as Omit<QuestionSet, 'name'>;
const set: QuestionSet = { ...sample, name: 'natural-sample' };

describe('the eval, arm by arm', () => {
  let groq: FakeGroq;
  before(async () => {
    groq = await startFakeGroq({
      answer: (body) => (body.model === SMALL ? 'NOT_IN_PROFILE' : 'I build platforms, and I have for ten years.'),
    });
  });
  after(async () => groq.close());

  const env = () => ({
    GROQ_API_KEY: 'gsk_eval',
    GROQ_BASE_URL: groq.url,
    GROQ_RPM: '100000',
    GROQ_TPM: '100000000',
    GROQ_RPD: '1000000',
    GROQ_TPD: '1000000000',
  });

  test('every arm answers every question through its own model, and the table shows how each did', async () => {
    const results = await evaluateArms({
      spec: `arm=small,model=${SMALL};arm=large,model=${LARGE},temperature=0.2,tenants=slack:T1`,
      sets: [set],
      env: env(),
      root: ROOT,
      limit: 5,
      logger: silentLogger,
    });
    const [small, large] = results;
    assert.deepEqual(
      results.map((r) => [r.set, r.arm, r.model, r.questions, r.offProfile]),
      [
        ['natural-sample', 'small', SMALL, 5, 5],
        ['natural-sample', 'large', LARGE, 5, 5],
      ],
    );
    assert.equal(small?.answered, 0, 'the small model declines everything');
    assert.equal(small?.declined, 5);
    assert.equal(small?.offDeclined, 5);
    assert.ok((large?.answered ?? 0) >= 4, `the large model answers: ${JSON.stringify(large)}`);
    assert.equal(small?.failed, 0);
    assert.equal(large?.failed, 0);
    const sent = (model: string) => groq.requests.filter((r) => r.model === model);
    assert.equal(sent(SMALL).length + sent(LARGE).length, groq.requests.length);
    assert.ok(sent(LARGE).every((r) => r.body.temperature === 0.2));
    assert.ok(large?.readout?.latencyMs && large.readout.tokensPerAnswer && large.readout.tokensPerAnswer > 0);

    const table = armEvalTable(results, true);
    assert.match(
      table,
      /\| natural-sample \| small \| openai\/gpt-oss-20b \| 0% \(0\/5\) \| 100% \(5\/5\) \| 100% \(5\/5\) \| 0 \|/,
    );
    assert.match(table, /\| natural-sample \| large \| openai\/gpt-oss-120b \| \d+% \([45]\/5\) \|/);
    assert.match(table, /\n {4}\[small\] I don't know — that isn't in my profile\.\n {4}\[large\] I build platforms/);
  });

  test('without GROQ_API_KEY it says a model is needed', async () => {
    await assert.rejects(
      evaluateArms({ spec: 'model=a;model=b', sets: [set], env: {}, root: ROOT, limit: 1, logger: silentLogger }),
      /comparing arms needs a model: set GROQ_API_KEY/,
    );
  });
});
