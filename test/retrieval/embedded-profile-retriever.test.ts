import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { TwinError } from '../../src/core/errors.js';
import type { Chunk } from '../../src/core/types.js';
import { EmbeddedProfileRetriever } from '../../src/retrieval/embedded-profile-retriever.js';
import { sampleChunks } from './sample-chunks.js';

const OFF_TOPIC = [
  "What's the weather in Paris?",
  'How do I bake bread?',
  'Who won the World Cup in 2022?',
  'What is the capital of France?',
  'Can you recommend a good movie?',
  'Write me a poem about the sea',
];

async function topIds(r: EmbeddedProfileRetriever, question: string, topK = 3): Promise<string[]> {
  return (await r.retrieve(question, { topK })).map((hit) => hit.chunk.id);
}

function chunk(id: string, title: string, text: string, tags: string[] = [], category = 'general'): Chunk {
  const hash = createHash('sha256').update(`${title}\n${text}`).digest('hex');
  return { id, title, type: category, text, metadata: { category, tags, section: ['content_chunks', id] }, hash };
}

describe('EmbeddedProfileRetriever', () => {
  const retriever = new EmbeddedProfileRetriever(sampleChunks());

  it('answers the questions of the issue with the right chunk first', async () => {
    assert.equal((await topIds(retriever, 'Where did you study?'))[0], 'chunk_002');
    assert.equal((await topIds(retriever, 'What do you know about Kubernetes?'))[0], 'chunk_003');
    assert.equal((await topIds(retriever, 'Tell me about a time you led a team'))[0], 'chunk_004');
    assert.equal((await topIds(retriever, 'What are your career goals?'))[0], 'chunk_008');
    assert.equal((await topIds(retriever, 'Which programming languages do you know?'))[0], 'chunk_005');
    assert.equal((await topIds(retriever, 'Tell me about a project'))[0], 'chunk_007');
  });

  it('matches other forms of a word (stemming)', async () => {
    assert.equal((await topIds(retriever, 'What are your studies?'))[0], 'chunk_002');
    assert.equal((await topIds(retriever, 'Have you done any mentoring?'))[0], 'chunk_004');
    assert.equal((await topIds(retriever, 'tell me about your deployments'))[0], 'chunk_003');
  });

  it('understands abbreviations and related words (synonyms)', async () => {
    assert.equal((await topIds(retriever, 'Do you know k8s?'))[0], 'chunk_003');
    assert.equal((await topIds(retriever, 'Where did you go to uni?'))[0], 'chunk_002');
    assert.equal((await topIds(retriever, 'What about ML?'))[0], 'chunk_009');
    assert.equal((await topIds(retriever, 'Are you good with PostgreSQL?'))[0], 'chunk_006');
    assert.equal((await topIds(retriever, 'Have you managed people?'))[0], 'chunk_004');
    assert.equal((await topIds(retriever, 'What do you do in your spare time?'))[0], 'chunk_010');
    assert.equal((await topIds(retriever, 'What degree do you have?'))[0], 'chunk_002');
  });

  it('forgives one typo in a long word', async () => {
    assert.equal((await topIds(retriever, 'kubernetse experience'))[0], 'chunk_003');
  });

  it('retrieves nothing for questions the profile does not answer', async () => {
    for (const q of OFF_TOPIC) assert.deepEqual(await topIds(retriever, q), [], q);
  });

  it('refuses off-topic questions on any profile, however small', async () => {
    const tiny = new EmbeddedProfileRetriever([
      chunk('a', 'Baking', 'I bake sourdough bread every weekend and teach bread classes.', ['baking']),
      chunk('b', 'Work', 'I work as a nurse at a children’s hospital in Leeds.', ['nursing']),
      chunk('c', 'Travel', 'I lived in Paris for two years and love French food.', ['travel']),
    ]);
    assert.deepEqual(await topIds(tiny, 'How do I bake bread?'), ['a']);
    assert.equal((await topIds(tiny, 'Where do you work?'))[0], 'b');
    assert.deepEqual(await topIds(tiny, 'What do you know about Kubernetes?'), []);
    assert.deepEqual(await topIds(tiny, 'Who won the World Cup in 2022?'), []);
    assert.deepEqual(await topIds(tiny, 'What is the capital of Australia?'), []);
  });

  it('ranks a chunk titled or tagged with the word above one that mentions it in passing', async () => {
    const r = new EmbeddedProfileRetriever([
      chunk('passing', 'Weekends', 'On weekends I hike, cook, read novels, go sailing now and then, and see friends.'),
      chunk('titled', 'Sailing', 'I race a small dinghy on the lake with my club every summer.', ['dinghy']),
    ]);
    assert.deepEqual(await topIds(r, 'Tell me about sailing', 2), ['titled', 'passing']);
  });

  it('returns scores between 0 and 1, best first, at most topK', async () => {
    const hits = await retriever.retrieve('Tell me about your work with Kubernetes and AWS', { topK: 2 });
    assert.ok(hits.length > 0 && hits.length <= 2);
    for (const h of hits) assert.ok(h.score > 0 && h.score <= 1);
    assert.deepEqual(
      hits.map((h) => h.score),
      [...hits.map((h) => h.score)].sort((a, b) => b - a),
    );
  });

  it('search explains candidates, including those below the minimum score', () => {
    const hits = retriever.search('What do you know about Kubernetes?', 5);
    assert.equal(hits[0]?.chunk.id, 'chunk_003');
    assert.equal(hits[0]?.accepted, true);
    assert.deepEqual(hits[0]?.matched, ['kubernetes']);
    assert.ok(
      hits.some((h) => !h.accepted),
      'weaker candidates are listed as not accepted',
    );
    assert.ok(hits.every((h) => h.coverage >= 0 && h.coverage <= 1));
  });

  it('honours minScore', async () => {
    const lenient = new EmbeddedProfileRetriever(sampleChunks(), { minScore: 0 });
    const strict = new EmbeddedProfileRetriever(sampleChunks(), { minScore: 1 });
    const q = 'What do you know about Kubernetes?';
    assert.ok((await lenient.retrieve(q, { topK: 5 })).length > (await retriever.retrieve(q, { topK: 5 })).length);
    assert.deepEqual(await topIds(strict, 'How many years of experience do you have with Kubernetes?'), []);
    assert.throws(
      () => new EmbeddedProfileRetriever([], { minScore: 2 }),
      (e: unknown) => e instanceof TwinError && e.code === 'config',
    );
  });

  it('copes with no chunks, an empty question and a question of stop words only', async () => {
    assert.deepEqual(await topIds(new EmbeddedProfileRetriever([]), 'Where did you study?'), []);
    assert.deepEqual(await topIds(retriever, '   '), []);
    assert.deepEqual(await topIds(retriever, 'What do you know about it?'), []);
  });

  it('needs a topic word: framing words alone retrieve nothing', async () => {
    assert.deepEqual(await topIds(retriever, 'What is a typical day like?'), []);
  });

  it('stops when the request is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      retriever.retrieve('Where did you study?', { topK: 3, signal: controller.signal }),
      (e: unknown) => e instanceof TwinError && e.code === 'aborted',
    );
  });
});
