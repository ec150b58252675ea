import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSearch, snippet } from '../../src/cli/search-command.js';
import type { ProfileRetriever } from '../../src/core/ports.js';
import { EmbeddedProfileRetriever } from '../../src/retrieval/embedded-profile-retriever.js';
import { sampleChunks } from '../retrieval/sample-chunks.js';
import { capture } from '../support/capture.js';

describe('runSearch (twinbot search)', () => {
  const retriever = new EmbeddedProfileRetriever(sampleChunks());

  it('prints rank, score, id, title and a snippet, marking what falls below the minimum score', async () => {
    const { out, text } = capture();
    await runSearch({ retriever, question: 'What do you know about Kubernetes?', topK: 3, json: false, out });
    const lines = text().split('\n');
    assert.equal(lines[0], 'Retriever: embedded. Question: What do you know about Kubernetes?');
    assert.match(
      lines[1]!,
      /^ 1\. 1\.000 {2}chunk_003 {2}Experience at Brightwell Logistics {2}\[matched: kubernetes\]$/,
    );
    assert.match(
      lines[2]!,
      /^ {4}Since 2019 I have worked as a senior platform engineer at Brightwell Logistics\. .*…$/,
    );
    assert.match(lines[3]!, /^ 2\. 0\.\d{3} {2}chunk_\d{3} {2}.*\(below the minimum score\)/);
  });

  it('prints JSON with the full text', async () => {
    const { out, text } = capture();
    await runSearch({ retriever, question: 'Where did you study?', topK: 2, json: true, out });
    const parsed = JSON.parse(text());
    assert.equal(parsed.retriever, 'embedded');
    assert.equal(parsed.results[0].rank, 1);
    assert.equal(parsed.results[0].id, 'chunk_002');
    assert.equal(parsed.results[0].accepted, true);
    assert.equal(parsed.results[0].text, sampleChunks()[1]!.text);
  });

  it('says when nothing matches', async () => {
    const { out, text } = capture();
    const hits = await runSearch({ retriever, question: 'How do I bake bread?', topK: 3, json: false, out });
    assert.deepEqual(hits, []);
    assert.match(text(), /Nothing in the profile matches this question/);
  });

  it('works with any retriever through retrieve()', async () => {
    const plain: ProfileRetriever = {
      name: 'plain',
      retrieve: async (question, options) => retriever.retrieve(question, options),
    };
    const { out, text } = capture();
    const hits = await runSearch({ retriever: plain, question: 'Where did you study?', topK: 3, json: false, out });
    assert.equal(hits[0]?.chunk.id, 'chunk_002');
    assert.match(text(), /^Retriever: plain\./);
    assert.ok(!text().includes('below the minimum score'));
  });

  it('cuts snippets at a word boundary', () => {
    assert.equal(snippet('short text'), 'short text');
    assert.equal(snippet('one two three four five six seven', 20), 'one two three four…');
  });
});
