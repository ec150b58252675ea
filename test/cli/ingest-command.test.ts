import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type IngestOptions, runIngest } from '../../src/cli/ingest-command.js';
import { TwinError } from '../../src/core/errors.js';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { editChunk, profileOf, sampleChunks } from '../retrieval/sample-chunks.js';
import { capture } from '../support/capture.js';

describe('runIngest (twinbot ingest) against the fake Upstash', () => {
  let fake: FakeUpstash;
  beforeEach(async () => {
    fake = await startFakeUpstash();
  });
  afterEach(async () => {
    await fake.close();
  });

  const run = (extra: Partial<IngestOptions>) => {
    const cap = capture();
    const options: IngestOptions = {
      profile: profileOf(sampleChunks()),
      url: fake.url,
      token: fake.token,
      namespace: 'tomas',
      dryRun: false,
      reset: false,
      out: cap.out,
      isTTY: false,
      retries: 0,
      batchSize: 5,
      ...extra,
    };
    return { promise: runIngest(options), text: cap.text };
  };

  it('syncs, re-syncs with no changes, and reflects an edit, printing plain lines without a terminal', async () => {
    const first = run({});
    await first.promise;
    const lines = first.text().trimEnd().split('\n');
    assert.match(lines[0]!, /^Syncing "Tomás Reyes-Hale" \(version \w+, 12 chunks\) into Upstash namespace "tomas"\.$/);
    assert.ok(lines.includes("Index holds 0 of this profile's vectors."));
    assert.ok(lines.includes('Writing chunks (12 changes)…'));
    assert.ok(lines.includes('Wrote 12/12 changes.'));
    assert.equal(lines.at(-1), 'Added 12, updated 0, removed 0, unchanged 0.');
    assert.ok(!first.text().includes('\r'), 'no terminal control characters in a log');

    const second = run({});
    await second.promise;
    assert.deepEqual(second.text().trimEnd().split('\n').slice(1), [
      "Index holds 12 of this profile's vectors.",
      'Added 0, updated 0, removed 0, unchanged 12. The index was already up to date.',
    ]);

    const chunks = sampleChunks();
    chunks[1] = editChunk(chunks[1]!, 'I studied physics at Northgate University.');
    const third = run({ profile: profileOf(chunks) });
    const result = await third.promise;
    assert.equal(result.updated, 1);
    assert.equal(third.text().trimEnd().split('\n').at(-1), 'Added 0, updated 1, removed 0, unchanged 11.');
  });

  it('redraws one line on a terminal', async () => {
    const { promise, text } = run({ isTTY: true });
    await promise;
    const out = text();
    const frames = out.split('\r\u001b[2K').slice(1);
    assert.ok(frames.length >= 4, 'a frame per batch');
    assert.match(frames[0]!, /^\[-{24}\] 0 found reading the index/);
    assert.match(frames.at(-1)!, /^\[#{24}\] 12\/12 writing chunks\nAdded 12, updated 0, removed 0, unchanged 0\.\n$/);
  });

  it('says a dry run writes nothing', async () => {
    const { promise, text } = run({ dryRun: true });
    const result = await promise;
    assert.equal(result.added, 12);
    assert.match(text(), /^Dry run: comparing "Tomás Reyes-Hale" .* nothing will be written\.\n/);
    assert.match(text(), /Dry run, nothing written\. Would have added 12, updated 0, removed 0, unchanged 0\.\n$/);
    assert.deepEqual(fake.namespaces().tomas ?? [], []);
  });

  it('ends the progress line before the error surfaces', async () => {
    fake.failNext(500, 1, { command: 'upsert-data' });
    const { promise, text } = run({ isTTY: true });
    await assert.rejects(promise, (e: unknown) => e instanceof TwinError && /run the ingest again/.test(e.message));
    assert.ok(text().endsWith('\n'));
  });
});
