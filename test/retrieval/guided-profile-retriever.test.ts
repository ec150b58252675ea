import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProfileRetriever } from '../../src/core/ports.js';
import type { RetrievedChunk } from '../../src/core/types.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { EmbeddedProfileRetriever } from '../../src/retrieval/embedded-profile-retriever.js';
import { describeReason, GuidedProfileRetriever } from '../../src/retrieval/guided-profile-retriever.js';

const { profile } = await loadProfile(new URL('../../profiles/sample.json', import.meta.url).pathname);
const guided = new GuidedProfileRetriever(new EmbeddedProfileRetriever(profile.chunks), profile.chunks, profile.name);
const ids = (hits: RetrievedChunk[]) => hits.map((h) => h.chunk.id);

describe('guided retrieval', () => {
  test('"What do you do now?" shares no word with the current role, and still retrieves it', async () => {
    const hits = await guided.retrieve('What do you do now?', { topK: 4 });
    assert.equal(hits[0]?.chunk.id, 'chunk_002');
    assert.deepEqual(hits[0]?.reasons?.map(describeReason), ['type: current role']);
  });

  test('a verbose question that names a project retrieves that project first', async () => {
    const question =
      "I was reading through your GitHub over the weekend and there's a lot there, but I keep coming back to " +
      'Podmeter. Could you walk me through why you started it, what problem it solves for the teams using it, ' +
      'and whether you would do anything differently if you started again today?';
    const hits = await guided.retrieve(question, { topK: 4 });
    assert.equal(hits[0]?.chunk.id, 'chunk_011');
    assert.ok(hits[0]?.reasons?.some((r) => r.kind === 'named' && r.name === 'Podmeter'));
  });

  test('typos and chat shorthand reach the same chunks', async () => {
    assert.equal((await guided.retrieve('wher did u go to colege', { topK: 3 }))[0]?.chunk.id, 'chunk_010');
    assert.ok(ids(await guided.retrieve('wat r ur carrer goals', { topK: 3 })).includes('chunk_013'));
  });

  test('strict (offline) returns only evidence; includeWeak adds candidates marked weak', async () => {
    const question = 'Who is your favourite footballer?';
    assert.deepEqual(await guided.retrieve(question, { topK: 4 }), []);
    const candidates = await guided.retrieve(question, { topK: 4, includeWeak: true });
    assert.ok(candidates.every((c) => c.weak === true));
  });

  test('a name or a type in a question not addressed to the person is not evidence', async () => {
    const nothing: ProfileRetriever = { name: 'none', retrieve: async () => [] };
    const typesAndNames = new GuidedProfileRetriever(nothing, profile.chunks, profile.name);
    const hits = await typesAndNames.search("What's the weather like in Rotterdam?", 4);
    assert.ok(hits.length > 0 && hits.every((h) => !h.accepted), JSON.stringify(hits.map((h) => h.chunk.id)));
    const asked = await typesAndNames.search('Do you like living in Rotterdam?', 4);
    assert.ok(asked[0]?.accepted);
  });

  test('precise questions keep their best chunk first', async () => {
    assert.equal((await guided.retrieve('Which databases have you used?', { topK: 3 }))[0]?.chunk.id, 'chunk_009');
    assert.equal((await guided.retrieve('What is Podmeter?', { topK: 3 }))[0]?.chunk.id, 'chunk_011');
  });

  test('types and names also guide a semantic retriever that found nothing (the Upstash path)', async () => {
    const nothing: ProfileRetriever = { name: 'upstash', retrieve: async () => [] };
    const overUpstash = new GuidedProfileRetriever(nothing, profile.chunks, profile.name);
    assert.equal((await overUpstash.retrieve('Tell me about yourself', { topK: 3 }))[0]?.chunk.id, 'chunk_001');
    assert.equal(
      (await overUpstash.retrieve('Tell me about Quillmark, your RAG thing', { topK: 3 }))[0]?.chunk.id,
      'chunk_012',
    );
  });

  test("search explains every pick: type, named thing and the question's words", async () => {
    const hits = await guided.search('How did you lead the Kubernetes migration?', 3);
    const reasons = hits.flatMap((h) => h.reasons.map(describeReason));
    assert.ok(
      reasons.some((r) => r.startsWith('type: leadership')),
      reasons.join(' | '),
    );
    assert.ok(
      reasons.some((r) => r.startsWith('words: ')),
      reasons.join(' | '),
    );
  });
});
