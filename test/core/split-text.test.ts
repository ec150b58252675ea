import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitText } from '../../src/core/split-text.js';

const squash = (s: string) => s.replace(/\s+/g, '').replace(/```/g, '');

describe('splitText', () => {
  test('short text stays whole', () => {
    assert.deepEqual(splitText('Hello there.', 2000), ['Hello there.']);
  });

  test('every part fits and nothing is lost', () => {
    const para = 'I built pipelines and mentored engineers for years. Each quarter brought new lessons! ';
    let text = '';
    for (let i = 0; i < 80; i++) text += para + (i % 5 === 4 ? '\n\n' : '');
    const parts = splitText(text, 2000);
    assert.ok(parts.length >= 3);
    for (const p of parts) assert.ok(p.length <= 2000, `part of ${p.length} chars`);
    assert.equal(squash(parts.join('')), squash(text));
  });

  test('prefers paragraph breaks, then sentence ends', () => {
    const a = 'A'.repeat(1200);
    const b = 'B'.repeat(1200);
    const parts = splitText(`${a}.\n\n${b}.`, 2000);
    assert.deepEqual(parts, [`${a}.`, `${b}.`]);
    const s1 = `${'word '.repeat(250)}end.`;
    const s2 = ` ${'next '.repeat(250)}`;
    const bySentence = splitText(s1 + s2, 2000);
    assert.ok(bySentence[0]!.endsWith('end.'));
  });

  test('a cut inside a code block closes and reopens the fence', () => {
    const code = Array.from({ length: 150 }, (_, i) => `line ${i} of the example code`).join('\n');
    const text = `Here is code:\n\`\`\`\n${code}\n\`\`\`\nDone.`;
    const parts = splitText(text, 2000);
    assert.ok(parts.length >= 2);
    for (const p of parts) {
      assert.ok(p.length <= 2000);
      assert.equal((p.match(/```/g)?.length ?? 0) % 2, 0, 'each part has balanced fences');
    }
    assert.equal(squash(parts.join('')), squash(text));
  });

  test('a word longer than the limit is cut hard, not dropped', () => {
    const text = 'x'.repeat(5000);
    const parts = splitText(text, 2000);
    assert.equal(parts.join(''), text);
    for (const p of parts) assert.ok(p.length <= 2000);
  });
});
