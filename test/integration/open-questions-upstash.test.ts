/**
 * Issue 12 on the Upstash path: the question-type table and the profile's named things apply in front of Upstash
 * Vector too (the retriever main.ts builds: guided -> Upstash with the embedded fallback), and when Upstash is down
 * the embedded index answers the same questions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Config } from '../../src/config.js';
import type { Logger, ProfileRetriever } from '../../src/core/ports.js';
import { buildRetriever } from '../../src/main.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { SAMPLE_PROFILE } from '../support/twin-harness.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('open questions with Upstash Vector', () => {
  let fake: FakeUpstash;
  let retriever: ProfileRetriever;

  before(async () => {
    fake = await startFakeUpstash({ token: 'upstash-token' });
    const { profile } = await loadProfile(SAMPLE_PROFILE);
    const config = {
      upstash: { url: fake.url, token: fake.token },
      twin: { autoSync: true, namespace: 'open-questions' },
    } as unknown as Config;
    retriever = await buildRetriever(config, profile, silent);
  });
  after(async () => fake.close());

  const first = async (question: string) => (await retriever.retrieve(question, { topK: 4 }))[0]?.chunk.id;

  test('question types and names guide the semantic search', async () => {
    const before = fake.calls.length;
    assert.equal(await first('What do you do now?'), 'chunk_002');
    assert.equal(await first('Tell me a bit about yourself.'), 'chunk_001');
    // why: the fake's hashed embedding ranks by shared words, so only the type's contribution is certain here.
    const goals = await retriever.retrieve('wat r ur carrer goals', { topK: 3 });
    assert.ok(goals.some((h) => h.chunk.id === 'chunk_013' && h.reasons?.some((r) => r.kind === 'type')));
    assert.ok(
      fake.calls.slice(before).some((c) => c.path === '/query-data/open-questions'),
      'Upstash was asked',
    );
  });

  test('with Upstash down, the embedded fallback answers the same questions', async () => {
    fake.setDown(true);
    try {
      assert.equal(await first('What do you do now?'), 'chunk_002');
      assert.equal(await first('Tell me about the Podmeter project you built'), 'chunk_011');
    } finally {
      fake.setDown(false);
    }
  });
});
