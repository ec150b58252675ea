import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkQuestion, isGreeting } from '../../src/core/input-rules.js';

describe('checkQuestion', () => {
  test('empty and blank questions are refused', () => {
    assert.deepEqual(checkQuestion(''), { ok: false, code: 'empty_question', length: 0 });
    assert.deepEqual(checkQuestion('  \n\t '), { ok: false, code: 'empty_question', length: 0 });
  });

  test('over the limit is refused with its length, never truncated', () => {
    const r = checkQuestion('a'.repeat(2001));
    assert.deepEqual(r, { ok: false, code: 'question_too_long', length: 2001 });
    assert.equal(checkQuestion('a'.repeat(2000)).ok, true);
  });

  test('control characters are removed and spaces collapsed', () => {
    assert.deepEqual(checkQuestion(' where\u0007  did you\tstudy? '), { ok: true, question: 'where did you study?' });
  });
});

describe('isGreeting', () => {
  test('bare greetings only', () => {
    assert.equal(isGreeting('hi'), true);
    assert.equal(isGreeting('Hello there!'), true);
    assert.equal(isGreeting('hey, where did you study?'), false);
  });
});
