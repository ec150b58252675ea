import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Index } from '@upstash/vector';
import { TwinError } from '../../src/core/errors.js';
import { syncProfile } from '../../src/retrieval/profile-sync.js';
import { namespaceFor } from '../../src/retrieval/upstash-connection.js';
import { UpstashProfileRetriever } from '../../src/retrieval/upstash-profile-retriever.js';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { profileOf, sampleChunks } from './sample-chunks.js';

// The fake's hashed similarity puts unrelated text near 0.5 and shared words around 0.6.
const MIN_SCORE = 0.55;

function isRetrievalError(pattern: RegExp) {
  return (e: unknown) => e instanceof TwinError && e.code === 'retrieval' && pattern.test(e.message);
}

describe('UpstashProfileRetriever against the fake Upstash', () => {
  let fake: FakeUpstash;
  const chunks = sampleChunks();
  const namespace = 'tomas';

  before(async () => {
    fake = await startFakeUpstash({ token: 'secret-token-123' });
    await syncProfile(profileOf(chunks), { url: fake.url, token: fake.token, namespace, retries: 0 });
  });
  after(async () => {
    await fake.close();
  });

  const retriever = (options: Partial<ConstructorParameters<typeof UpstashProfileRetriever>[0]> = {}) =>
    new UpstashProfileRetriever({
      url: fake.url,
      token: fake.token,
      namespace,
      minScore: MIN_SCORE,
      allowedChunks: chunks,
      ...options,
    });

  it('queries with the raw question and rebuilds the chunks from metadata and data', async () => {
    const hits = await retriever().retrieve('Where did you study computer science?', { topK: 3 });
    assert.equal(hits[0]?.chunk.id, 'chunk_002');
    assert.deepEqual(hits[0]?.chunk, chunks[1]);
    assert.ok(hits.every((h) => h.score >= MIN_SCORE && h.score <= 1));
    const call = fake.calls.at(-1)!;
    assert.equal(call.path, `/query-data/${namespace}`);
    assert.deepEqual(call.body, {
      data: 'Where did you study computer science?',
      topK: 3,
      includeMetadata: true,
      includeData: true,
    });
  });

  it('drops results below the minimum score', async () => {
    assert.deepEqual(await retriever().retrieve('How do I bake bread?', { topK: 3 }), []);
    const all = await retriever().search('How do I bake bread?', 3);
    assert.equal(all.length, 3);
    assert.ok(all.every((h) => !h.accepted));
  });

  it('ignores vectors in the namespace that twinbot did not write', async () => {
    const index = new Index({ url: fake.url, token: fake.token, retry: false, enableTelemetry: false });
    await index.namespace(namespace).upsert([
      { id: 'other:1', data: 'Kubernetes Kubernetes Kubernetes clusters', metadata: { note: 'not ours' } },
      { id: 'twin:broken', data: 'Kubernetes clusters everywhere', metadata: { note: 'no chunk metadata' } },
    ]);
    const hits = await retriever().retrieve('Kubernetes clusters', { topK: 5 });
    assert.ok(hits.length > 0);
    assert.ok(hits.every((h) => h.chunk.id.startsWith('chunk_')));
    await index.namespace(namespace).delete(['other:1', 'twin:broken']);
  });

  it('turns a refused token into a clear error that does not contain the token', async () => {
    const bad = retriever({ token: 'wrong-token-456' });
    await assert.rejects(bad.retrieve('Where did you study?', { topK: 3 }), (e: unknown) => {
      assert.ok(isRetrievalError(/refused the token.*UPSTASH_VECTOR_REST_TOKEN/)(e));
      assert.equal((e as TwinError).retryable, false);
      assert.ok(!(e as Error).message.includes('wrong-token-456'));
      return true;
    });
  });

  it('turns an HTTP error into a retrieval error naming the namespace', async () => {
    fake.failNext(500, 1, { message: 'Internal Server Error' });
    await assert.rejects(
      retriever().retrieve('Where did you study?', { topK: 3 }),
      isRetrievalError(/failed while querying namespace "tomas": Internal Server Error/),
    );
  });

  it('gives up after its timeout when Upstash does not answer', async () => {
    fake.setStalled(true);
    try {
      await assert.rejects(
        retriever({ timeoutMs: 100 }).retrieve('Where did you study?', { topK: 3 }),
        (e: unknown) => isRetrievalError(/did not answer within 100 ms/)(e) && (e as TwinError).retryable,
      );
    } finally {
      fake.setStalled(false);
    }
  });

  it('reports an unreachable index as a retryable retrieval error', async () => {
    fake.setDown(true);
    try {
      await assert.rejects(
        retriever().retrieve('Where did you study?', { topK: 3 }),
        (e: unknown) => isRetrievalError(/could not reach Upstash Vector/)(e) && (e as TwinError).retryable,
      );
    } finally {
      fake.setDown(false);
    }
  });

  it('stops with an aborted error when the caller gives up', async () => {
    fake.setStalled(true);
    const controller = new AbortController();
    const pending = retriever({ timeoutMs: 10_000 }).retrieve('Where did you study?', {
      topK: 3,
      signal: controller.signal,
    });
    setImmediate(() => controller.abort());
    try {
      await assert.rejects(pending, (e: unknown) => e instanceof TwinError && e.code === 'aborted');
    } finally {
      fake.setStalled(false);
    }
  });

  it('derives a URL-safe namespace from a profile name, and refuses one that is not', () => {
    assert.equal(namespaceFor('Tomás Reyes-Hale'), 'tomas-reyes-hale');
    assert.equal(namespaceFor('李雷'), 'twin');
    assert.throws(
      () => new UpstashProfileRetriever({ url: fake.url, token: fake.token, namespace: 'a/b?c', allowedChunks: [] }),
      (e: unknown) => e instanceof TwinError && e.code === 'config',
    );
  });
});
