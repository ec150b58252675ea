/** The Upstash path as an operator uses it: ingest (twice), search, and a start that syncs by itself. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { runCli, tempWorkdir } from '../support/run-cli.js';

describe('twinbot with Upstash', () => {
  let upstash: FakeUpstash;
  before(async () => {
    upstash = await startFakeUpstash();
  });
  after(async () => upstash.close());

  const env = (namespace: string) => ({
    UPSTASH_VECTOR_REST_URL: upstash.url,
    UPSTASH_VECTOR_REST_TOKEN: upstash.token,
    TWIN_NAMESPACE: namespace,
  });

  test('ingest adds every chunk, a second ingest changes nothing, and search reads the index', async () => {
    const cwd = tempWorkdir();
    const first = await runCli(['ingest'], env('cli-ingest'), cwd);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Added 16, updated 0, removed 0, unchanged 0/);
    const second = await runCli(['ingest'], env('cli-ingest'), cwd);
    assert.match(second.stdout, /unchanged 16|up to date/i);
    const search = await runCli(['search', 'where did you study?', '--json', '--top', '3'], env('cli-ingest'), cwd);
    assert.equal(search.code, 0, search.stderr);
    const found = JSON.parse(search.stdout) as { retriever: string; results: { id: string }[] };
    assert.equal(found.retriever, 'upstash');
    assert.equal(found.results.length, 3);
    assert.equal(found.results[0]?.id, 'chunk_010', 'the education chunk ranks first');
  });

  test('start with TWIN_AUTO_SYNC=1 syncs the profile, then answers', async () => {
    const cwd = tempWorkdir();
    const r = await runCli(['start'], { ...env('cli-auto'), TWIN_AUTO_SYNC: '1' }, cwd, 'Where did you study?\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /"event":"twin.sync"/);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
  });

  test('start without sync warns that the index is out of date, and still answers', async () => {
    const cwd = tempWorkdir();
    const r = await runCli(['start'], env('cli-empty'), cwd, 'Where did you study?\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /"event":"twin.index_out_of_date"/);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
  });

  test('ingest without Upstash says what it needs', async () => {
    const r = await runCli(['ingest'], {}, tempWorkdir());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN/);
  });
});
