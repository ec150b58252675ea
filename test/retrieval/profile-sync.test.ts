import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Index } from '@upstash/vector';
import { TwinError } from '../../src/core/errors.js';
import { checkIndexVersion, type SyncOptions, syncProfile } from '../../src/retrieval/profile-sync.js';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { editChunk, profileOf, sampleChunks } from './sample-chunks.js';

const NS = 'tomas';

describe('syncProfile and checkIndexVersion against the fake Upstash', () => {
  let fake: FakeUpstash;
  let options: SyncOptions;

  beforeEach(async () => {
    fake = await startFakeUpstash();
    options = { url: fake.url, token: fake.token, namespace: NS, retries: 0, batchSize: 5 };
  });
  afterEach(async () => {
    await fake.close();
  });

  const commands = () => fake.calls.map((c) => c.path.split('/')[1]);
  const stored = () => fake.namespaces()[NS] ?? [];

  it('writes every chunk in batches as raw text with its metadata', async () => {
    const profile = profileOf(sampleChunks());
    const progress: string[] = [];
    const result = await syncProfile(profile, { ...options, onProgress: (d, t, p) => progress.push(`${p} ${d}/${t}`) });
    assert.deepEqual(
      { added: result.added, updated: result.updated, removed: result.removed, unchanged: result.unchanged },
      { added: 12, updated: 0, removed: 0, unchanged: 0 },
    );
    const upserts = fake.calls.filter((c) => c.path === `/upsert-data/${NS}`);
    assert.deepEqual(
      upserts.map((c) => (c.body as unknown[]).length),
      [5, 5, 2],
    );
    assert.deepEqual(progress, [
      'reading 0/0',
      'upserting 0/12',
      'upserting 5/12',
      'upserting 10/12',
      'upserting 12/12',
      'done 12/12',
    ]);
    const first = stored()[0]!;
    const chunk = profile.chunks[0]!;
    assert.equal(first.id, 'twin:chunk_001');
    assert.equal(first.data, chunk.text);
    assert.deepEqual(first.metadata, {
      chunkId: chunk.id,
      title: chunk.title,
      type: chunk.type,
      category: chunk.metadata.category,
      tags: chunk.metadata.tags,
      section: chunk.metadata.section,
      hash: chunk.hash,
      profileVersion: profile.version,
      profileName: profile.name,
    });
  });

  it('changes nothing when run twice in a row', async () => {
    const profile = profileOf(sampleChunks());
    await syncProfile(profile, options);
    const before = stored();
    fake.calls.length = 0;
    const again = await syncProfile(profile, options);
    assert.deepEqual([again.added, again.updated, again.removed, again.unchanged], [0, 0, 0, 12]);
    assert.deepEqual(commands(), ['range']);
    assert.deepEqual(stored(), before);
  });

  it('rewrites only the chunk that was edited', async () => {
    const chunks = sampleChunks();
    await syncProfile(profileOf(chunks), options);
    chunks[3] = editChunk(chunks[3]!, 'In 2021 I led a team of eight engineers through a database migration.');
    const edited = profileOf(chunks);
    fake.calls.length = 0;
    const result = await syncProfile(edited, options);
    assert.deepEqual([result.added, result.updated, result.removed, result.unchanged], [0, 1, 0, 11]);
    const upserts = fake.calls.filter((c) => c.path.startsWith('/upsert-data'));
    assert.deepEqual(
      upserts.map((c) => (c.body as { id: string }[]).map((v) => v.id)),
      [['twin:chunk_004']],
    );
    const vector = stored().find((v) => v.id === 'twin:chunk_004')!;
    assert.equal(vector.data, chunks[3]!.text);
    assert.equal(vector.metadata?.profileVersion, edited.version);
  });

  it('deletes the vectors of chunks the profile dropped, and adds new ones', async () => {
    const chunks = sampleChunks();
    await syncProfile(profileOf(chunks), options);
    const dropped = chunks.splice(4, 1)[0]!;
    chunks.push({ ...dropped, id: 'chunk_099', hash: `${dropped.hash}x` });
    fake.calls.length = 0;
    const result = await syncProfile(profileOf(chunks), options);
    assert.deepEqual([result.added, result.updated, result.removed, result.unchanged], [1, 0, 1, 11]);
    assert.deepEqual(commands(), ['range', 'upsert-data', 'delete']);
    assert.deepEqual(fake.calls.at(-1)?.body, { ids: ['twin:chunk_005'] });
    const ids = stored().map((v) => v.id);
    assert.ok(!ids.includes('twin:chunk_005'));
    assert.ok(ids.includes('twin:chunk_099'));
  });

  it('computes the plan without writing on a dry run', async () => {
    const chunks = sampleChunks();
    await syncProfile(profileOf(chunks.slice(0, 10)), options);
    const before = stored();
    fake.calls.length = 0;
    const result = await syncProfile(profileOf(chunks), { ...options, dryRun: true });
    assert.equal(result.dryRun, true);
    assert.deepEqual([result.added, result.updated, result.removed, result.unchanged], [2, 0, 0, 10]);
    assert.deepEqual(commands(), ['range']);
    assert.deepEqual(stored(), before);
  });

  it('clears the namespace first on reset, foreign vectors included', async () => {
    const profile = profileOf(sampleChunks());
    await syncProfile(profile, options);
    const index = new Index({ url: fake.url, token: fake.token, retry: false, enableTelemetry: false });
    await index.namespace(NS).upsert({ id: 'other:1', data: 'not twinbot' });
    fake.calls.length = 0;
    const result = await syncProfile(profile, { ...options, reset: true });
    assert.deepEqual([result.added, result.updated, result.removed, result.unchanged], [0, 12, 0, 0]);
    assert.deepEqual(commands(), ['range', `reset`, 'upsert-data', 'upsert-data', 'upsert-data']);
    assert.equal(stored().length, 12);
    assert.ok(stored().every((v) => v.id.startsWith('twin:')));
  });

  it('keeps other namespaces apart', async () => {
    await syncProfile(profileOf(sampleChunks()), options);
    await syncProfile(profileOf(sampleChunks().slice(0, 3), 'Someone Else'), { ...options, namespace: 'someone-else' });
    assert.equal(fake.namespaces()[NS]?.length, 12);
    assert.equal(fake.namespaces()['someone-else']?.length, 3);
  });

  it('stops on a failed batch with an error naming it, and the next run finishes the job', async () => {
    const profile = profileOf(sampleChunks());
    fake.failNext(503, 1, { command: 'upsert-data', skip: 1, message: 'Service Unavailable' });
    await assert.rejects(syncProfile(profile, options), (e: unknown) => {
      assert.ok(e instanceof TwinError && e.code === 'retrieval');
      assert.match(e.message, /upserting chunks 6-10 of 12/);
      assert.match(e.message, /Service Unavailable/);
      assert.match(e.message, /twin:chunk_006 … twin:chunk_010/);
      assert.match(e.message, /5 of 12 changes were written.*run the ingest again/);
      return true;
    });
    assert.equal(stored().length, 5);
    const resumed = await syncProfile(profile, options);
    assert.deepEqual([resumed.added, resumed.updated, resumed.removed, resumed.unchanged], [7, 0, 0, 5]);
    const third = await syncProfile(profile, options);
    assert.deepEqual([third.added, third.updated, third.removed, third.unchanged], [0, 0, 0, 12]);
  });

  it('resumes a run that failed while deleting', async () => {
    const chunks = sampleChunks();
    await syncProfile(profileOf(chunks), options);
    const fewer = profileOf(chunks.slice(0, 4));
    fake.failNext(500, 1, { command: 'delete', skip: 1 });
    await assert.rejects(syncProfile(fewer, options), /deleting vectors 6-8 of 8/);
    const resumed = await syncProfile(fewer, options);
    assert.deepEqual([resumed.removed, resumed.unchanged], [3, 4]);
    assert.equal(stored().length, 4);
  });

  it('writes nothing for a profile with duplicate ids or empty chunks', async () => {
    const chunks = sampleChunks();
    const duplicate = profileOf([...chunks, { ...chunks[0]!, title: 'Again' }]);
    await assert.rejects(syncProfile(duplicate, options), (e: unknown) => {
      assert.ok(e instanceof TwinError && e.code === 'profile');
      assert.match(e.message, /nothing was written: chunk 13 \("chunk_001"\) repeats an id/);
      return true;
    });
    const empty = profileOf([...chunks.slice(0, 2), { ...chunks[2]!, text: '  ' }]);
    await assert.rejects(syncProfile(empty, options), /chunk 3 \("chunk_003"\) has no text/);
    assert.deepEqual(fake.calls, []);
  });

  it('explains a refused token before writing anything', async () => {
    await assert.rejects(
      syncProfile(profileOf(sampleChunks()), { ...options, token: 'nope' }),
      (e: unknown) => e instanceof TwinError && /refused the token/.test(e.message) && !e.message.includes('nope'),
    );
    assert.deepEqual(stored(), []);
  });

  it('tells whether the index matches the profile', async () => {
    const chunks = sampleChunks();
    const profile = profileOf(chunks);
    assert.equal((await checkIndexVersion(profile, options)).status, 'empty');
    await syncProfile(profile, options);
    const fresh = await checkIndexVersion(profile, options);
    assert.deepEqual(fresh, {
      status: 'up_to_date',
      profileVersion: profile.version,
      missing: 0,
      changed: 0,
      extra: 0,
      indexedVersions: [profile.version],
    });
    chunks[0] = editChunk(chunks[0]!, 'I am a platform engineer who now also writes Rust.');
    const stale = await checkIndexVersion(profileOf(chunks.slice(0, 11)), options);
    assert.equal(stale.status, 'out_of_date');
    assert.deepEqual([stale.missing, stale.changed, stale.extra], [0, 1, 1]);
  });
});
