import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { TwinError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/ports.js';
import { EmbeddedProfileRetriever } from '../../src/retrieval/embedded-profile-retriever.js';
import { FallbackProfileRetriever } from '../../src/retrieval/fallback-profile-retriever.js';
import { syncProfile } from '../../src/retrieval/profile-sync.js';
import { UpstashProfileRetriever } from '../../src/retrieval/upstash-profile-retriever.js';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { profileOf, sampleChunks } from './sample-chunks.js';

/** The log stream as records, read by the test instead of a mocked logger. */
function logStream(): { logger: Logger; events: (name: string) => Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink) as unknown as Logger;
  return { logger, events: (name) => records.filter((r) => r.event === name) };
}

describe('FallbackProfileRetriever: Upstash first, the embedded index during an outage', () => {
  let fake: FakeUpstash;
  let now = 0;
  const clock = { now: () => now };
  const namespace = 'tomas';
  const question = 'Where did you study computer science?';

  before(async () => {
    fake = await startFakeUpstash();
    await syncProfile(profileOf(sampleChunks()), { url: fake.url, token: fake.token, namespace, retries: 0 });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.setDown(false);
    fake.setStalled(false);
    now = 0;
  });

  function build(options: { timeoutMs?: number; upstashTimeoutMs?: number } = {}) {
    const log = logStream();
    const upstash = new UpstashProfileRetriever({
      url: fake.url,
      token: fake.token,
      namespace,
      minScore: 0.55,
      timeoutMs: options.upstashTimeoutMs ?? 2000,
      allowedChunks: sampleChunks(),
    });
    const embedded = new EmbeddedProfileRetriever(sampleChunks());
    const retriever = new FallbackProfileRetriever(upstash, embedded, log.logger, {
      clock,
      retryAfterMs: 10_000,
      timeoutMs: options.timeoutMs ?? 5000,
    });
    return { retriever, ...log };
  }

  const queries = () => fake.calls.filter((c) => c.path.startsWith('/query-data')).length;

  it('answers from Upstash while it is up', async () => {
    const { retriever, events } = build();
    const before = queries();
    const hits = await retriever.retrieve(question, { topK: 3 });
    assert.equal(hits[0]?.chunk.id, 'chunk_002');
    assert.equal(queries(), before + 1);
    assert.equal(retriever.degraded, false);
    assert.deepEqual(events('retrieval_fallback'), []);
  });

  it('answers every request during an outage, warns once, and says when Upstash is back', async () => {
    const { retriever, events } = build();
    fake.setDown(true);
    for (let i = 0; i < 3; i++) {
      const hits = await retriever.retrieve(question, { topK: 3 });
      assert.equal(hits[0]?.chunk.id, 'chunk_002', `request ${i + 1} still gets its answer`);
    }
    assert.equal(retriever.degraded, true);
    const warnings = events('retrieval_fallback');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.level, 40);
    assert.equal(warnings[0]?.primary, 'upstash');
    assert.equal(warnings[0]?.code, 'retrieval');

    // Within retryAfterMs the primary is not tried again: nobody waits out its failure.
    const tried = fake.calls.length;
    await retriever.retrieve(question, { topK: 3 });
    assert.equal(fake.calls.length, tried);

    // Later it is tried again; still down: still one warning.
    now += 10_000;
    await retriever.retrieve(question, { topK: 3 });
    assert.equal(fake.calls.length, tried + 1);
    assert.equal(events('retrieval_fallback').length, 1);

    fake.setDown(false);
    now += 10_000;
    const back = await retriever.retrieve(question, { topK: 3 });
    assert.equal(back[0]?.chunk.id, 'chunk_002');
    assert.equal(retriever.degraded, false);
    const recovered = events('retrieval_recovered');
    assert.equal(recovered.length, 1);
    assert.equal(recovered[0]?.level, 30);
    assert.equal(recovered[0]?.downMs, 20_000);
    assert.equal(recovered[0]?.servedByFallback, 5);

    // A second outage is a new warning.
    fake.failNext(500, 1);
    await retriever.retrieve(question, { topK: 3 });
    assert.equal(events('retrieval_fallback').length, 2);
  });

  it('falls back when Upstash is too slow', async () => {
    const { retriever, events } = build({ timeoutMs: 100, upstashTimeoutMs: 10_000 });
    fake.setStalled(true);
    const hits = await retriever.retrieve(question, { topK: 3 });
    assert.equal(hits[0]?.chunk.id, 'chunk_002');
    assert.match(String(events('retrieval_fallback')[0]?.error), /took longer than 100 ms/);
  });

  it('does not hide a request the caller cancelled', async () => {
    const { retriever } = build();
    fake.setStalled(true);
    const controller = new AbortController();
    const pending = retriever.retrieve(question, { topK: 3, signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(pending, (e: unknown) => e instanceof TwinError && e.code === 'aborted');
  });
});
