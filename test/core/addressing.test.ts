import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressesThePerson, looksLikeFollowUp } from '../../src/core/addressing.js';

describe('reading a question', () => {
  test('a question to the person says "you" (or "u", "ur") or their name', () => {
    for (const q of ['What do you do?', 'wat r ur goals', "What's Talia's favourite tool?", 'Tell me about yourself']) {
      assert.ok(addressesThePerson(q, 'Talia Brennock'), q);
    }
    for (const q of ['What is the capital of Australia?', 'How do I bake bread?', 'Explain quantum entanglement']) {
      assert.ok(!addressesThePerson(q, 'Talia Brennock'), q);
    }
  });

  test('follow-ups lean on the previous question; new topics do not', () => {
    for (const q of ['and before that?', 'tell me more', 'how did that go?', 'which ones?', 'any others besides Go?']) {
      assert.ok(looksLikeFollowUp(q), q);
    }
    for (const q of ['how do I bake sourdough bread at home?', 'Which databases have you used in production?']) {
      assert.ok(!looksLikeFollowUp(q), q);
    }
  });
});
