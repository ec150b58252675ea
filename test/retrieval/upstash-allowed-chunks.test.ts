/**
 * Issue 19, item 3: an Upstash index ingested while salary sharing was on must not serve the salary chunk (or the
 * unredacted text of a chunk) once the profile is loaded with sharing off. The real @upstash/vector client talks to
 * the fake; the retriever is built the way `twinbot start` builds it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { buildRetriever, loadConfiguredProfile, namespaceOf } from '../../src/main.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { syncProfile } from '../../src/retrieval/profile-sync.js';
import { UpstashProfileRetriever } from '../../src/retrieval/upstash-profile-retriever.js';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { LogSink } from '../support/log-sink.js';

const PAY = 'My current base salary is €88,000 a year and I am looking for €100,000 in my next role.';
const GOALS = 'I want to grow into a staff engineer role. I expect a salary of €105,000 base for that step.';
const WORK = 'I run the build platform at Kestrel Freightworks and look after forty services.';

const PROFILE = {
  personal: { name: 'Sal Ary' },
  content_chunks: [
    { id: 'pay', title: 'Compensation', type: 'salary', content: PAY, metadata: { category: 'salary', tags: [] } },
    { id: 'goals', title: 'Career goals', type: 'goals', content: GOALS },
    { id: 'work', title: 'Work', type: 'experience', content: WORK },
  ],
};

describe('Upstash results are kept only when the loaded profile allows them', () => {
  let fake: FakeUpstash;
  let dir: string;
  let profilePath: string;

  before(async () => {
    fake = await startFakeUpstash({ token: 'upstash-token-abc' });
    dir = await mkdtemp(join(tmpdir(), 'twin-allowed-'));
    profilePath = join(dir, 'sal.json');
    await writeFile(profilePath, JSON.stringify(PROFILE));
    // The index was ingested while the owner shared salary.
    const shared = await loadProfile(profilePath, { shareSalary: true });
    await syncProfile(shared.profile, { url: fake.url, token: fake.token, namespace: 'sal-ary', retries: 0 });
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({
    TWIN_PROFILE: profilePath,
    UPSTASH_VECTOR_REST_URL: fake.url,
    UPSTASH_VECTOR_REST_TOKEN: fake.token,
  });

  it('the retriever twinbot start builds never returns the salary chunk or the unredacted goals', async () => {
    const config = loadConfig(env(), dir);
    const logger = createLogger('info', new LogSink());
    const profile = await loadConfiguredProfile(config, logger);
    assert.deepEqual(
      profile.chunks.map((c) => c.id),
      ['goals', 'work'],
    );
    const retriever = await buildRetriever(config, profile, logger);
    for (const question of [PAY, GOALS]) {
      // The exact text scores 1.0 against its own vector, far above any minimum score.
      const hits = await retriever.retrieve(question, { topK: 5 });
      assert.ok(
        hits.every((h) => !h.chunk.text.includes('€')),
        `no pay reaches the prompt: ${hits.map((h) => h.chunk.id)}`,
      );
      assert.ok(!hits.some((h) => h.chunk.id === 'pay'));
    }
    const work = await retriever.retrieve(WORK, { topK: 5 });
    assert.equal(work[0]?.chunk.id, 'work', 'chunks the profile allows are still served');
  });

  it('filters by id and by content hash, in search as well as retrieve', async () => {
    const { profile } = await loadProfile(profilePath);
    const upstash = new UpstashProfileRetriever({
      url: fake.url,
      token: fake.token,
      namespace: namespaceOf(loadConfig(env(), dir), profile),
      minScore: 0.5,
      allowedChunks: profile.chunks,
    });
    const found = await upstash.search(`${PAY} ${GOALS} ${WORK}`, 10);
    assert.deepEqual(
      found.map((h) => h.chunk.id),
      ['work'],
    );
    const nothingAllowed = new UpstashProfileRetriever({
      url: fake.url,
      token: fake.token,
      namespace: 'sal-ary',
      minScore: 0.5,
      allowedChunks: [],
    });
    assert.deepEqual(await nothingAllowed.search(WORK, 10), []);
  });
});
