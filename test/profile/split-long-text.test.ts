import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CHUNK_CHARS, splitLongText } from '../../src/profile/split-long-text.js';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const sentences = (n: number, tag = 's') =>
  Array.from({ length: n }, (_, i) => `This is ${tag} number ${i}, and it ends here.`).join(' ');

describe('splitLongText', () => {
  it('returns short text as one trimmed part', () => {
    assert.deepEqual(splitLongText('  I am short.  '), ['I am short.']);
    assert.equal(MAX_CHUNK_CHARS, 1500);
  });

  it('cuts at paragraph boundaries when paragraphs fit', () => {
    const paras = [sentences(20, 'a'), sentences(20, 'b'), sentences(20, 'c')];
    const parts = splitLongText(paras.join('\n\n'), 1000);
    assert.ok(parts.every((p) => p.length <= 1000));
    assert.ok(parts.every((p) => p.startsWith('This is') && p.endsWith('ends here.')));
    assert.equal(squash(parts.join(' ')), squash(paras.join(' ')));
  });

  it('cuts a paragraph at sentence ends, with balanced parts', () => {
    const text = sentences(50); // about 2 000 characters in one paragraph
    const parts = splitLongText(text, 1500);
    assert.equal(parts.length, 2);
    assert.ok(parts.every((p) => p.length <= 1500 && p.endsWith('.')));
    assert.ok(Math.abs(parts[0]!.length - parts[1]!.length) < 200, parts.map((p) => p.length).join(' vs '));
    assert.equal(squash(parts.join(' ')), squash(text));
  });

  it('falls back to words, then hard cuts, losing nothing', () => {
    const noStops = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const wordParts = splitLongText(noStops, 500);
    assert.ok(wordParts.every((p) => p.length <= 500 && /^word\d+/.test(p) && /word\d+$/.test(p)));
    assert.equal(wordParts.join(' '), noStops);

    const blob = 'x'.repeat(3200);
    const blobParts = splitLongText(blob, 1500);
    assert.ok(blobParts.every((p) => p.length <= 1500));
    assert.equal(blobParts.join(''), blob);
  });

  it('keeps single line breaks inside a part', () => {
    const text = `${sentences(30)}\nA new line follows.\n\n${sentences(30)}`;
    const parts = splitLongText(text, 1500);
    assert.ok(parts.some((p) => p.includes('\nA new line follows.')));
  });
});
