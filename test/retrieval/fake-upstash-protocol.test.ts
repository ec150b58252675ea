import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Index } from '@upstash/vector';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';

// The real @upstash/vector client against the fake, over the commands twinbot does not use day to day, so other
// tests can trust the fake's protocol.
describe('fake Upstash speaks the protocol of @upstash/vector 1.2', () => {
  let fake: FakeUpstash;
  let index: Index;
  before(async () => {
    fake = await startFakeUpstash();
    index = new Index({ url: fake.url, token: fake.token, retry: { retries: 0 }, enableTelemetry: false });
    await index.namespace('ns').upsert([
      { id: 'a:1', data: 'Kubernetes clusters on AWS', metadata: { n: 1 } },
      { id: 'a:2', data: 'Baking sourdough bread', metadata: { n: 2 } },
      { id: 'b:1', data: 'Sailing small boats' },
    ]);
  });
  after(async () => {
    await fake.close();
  });

  it('sends bearer auth to /<command>/<namespace> and answers {result}', async () => {
    const call = fake.calls[0]!;
    assert.equal(call.path, '/upsert-data/ns');
    assert.equal((call.body as unknown[]).length, 3);
  });

  it('fetches by ids (null for a missing one) and by prefix', async () => {
    const byIds = await index.namespace('ns').fetch(['a:1', 'zzz'], { includeMetadata: true, includeData: true });
    assert.deepEqual(byIds, [{ id: 'a:1', metadata: { n: 1 }, data: 'Kubernetes clusters on AWS' }, null]);
    const byPrefix = await index.namespace('ns').fetch({ prefix: 'a:' });
    assert.deepEqual(
      byPrefix.map((v) => v?.id),
      ['a:1', 'a:2'],
    );
  });

  it('pages a range with a cursor, ending with an empty cursor', async () => {
    const first = await index.namespace('ns').range({ cursor: 0, limit: 2, includeMetadata: true });
    assert.deepEqual(
      first.vectors.map((v) => v.id),
      ['a:1', 'a:2'],
    );
    const second = await index.namespace('ns').range({ cursor: first.nextCursor, limit: 2 });
    assert.deepEqual(second, { nextCursor: '', vectors: [{ id: 'b:1' }] });
  });

  it('queries by text with scores in 0..1, best first, and answers batches', async () => {
    const hits = await index.namespace('ns').query({ data: 'kubernetes on aws', topK: 2, includeData: true });
    assert.equal(hits[0]?.id, 'a:1');
    assert.ok(hits[0]!.score > hits[1]!.score && hits[1]!.score >= 0.5 && hits[0]!.score <= 1);
    const many = await index.queryMany(
      [
        { data: 'sourdough', topK: 1 },
        { data: 'sailing boats', topK: 1 },
      ],
      { namespace: 'ns' },
    );
    assert.deepEqual(
      many.map((r) => r[0]?.id),
      ['a:2', 'b:1'],
    );
  });

  it('reports info and namespaces, deletes by prefix, resets and deletes a namespace', async () => {
    await index.namespace('other').upsert({ id: 'x', data: 'something' });
    const info = await index.info();
    assert.equal(info.vectorCount, 4);
    assert.equal(info.namespaces.ns?.vectorCount, 3);
    assert.deepEqual((await index.listNamespaces()).sort(), ['', 'ns', 'other']);
    assert.deepEqual(await index.namespace('ns').delete({ prefix: 'a:' }), { deleted: 2 });
    await index.namespace('ns').reset();
    assert.deepEqual(fake.namespaces().ns, []);
    await index.deleteNamespace('other');
    assert.deepEqual((await index.listNamespaces()).sort(), ['', 'ns']);
  });

  it('refuses a wrong token with 401 and a bad request with 400', async () => {
    const wrong = new Index({ url: fake.url, token: 'wrong', retry: { retries: 0 }, enableTelemetry: false });
    await assert.rejects(wrong.info(), { name: 'UpstashError', message: 'Unauthorized: Invalid auth token' });
    await assert.rejects(index.namespace('ns').query({ data: 'x', topK: 0 }), /topK must be a positive integer/);
  });
});
