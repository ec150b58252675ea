import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import {
  countTextTokens,
  estimatePromptTokens,
  loadTokenizers,
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMING_TOKENS,
  tokenizerFor,
} from '../../../src/llm/gateway/token-estimate.js';
import { countPromptTokens } from '../../fakes/groq/groq-wire.js';

const MESSAGES = [
  { role: 'system' as const, content: 'You are Ada Lovelace. Answer in the first person, from the profile only.' },
  { role: 'user' as const, content: 'What did you build at the Analytical Engine project, and with whom?' },
];

describe('token estimate', () => {
  before(async () => {
    // why: vocabularies load on first use; until then a count is an over-estimate (checked first, here).
    const text = MESSAGES.map((m) => m.content).join(' ');
    assert.ok(countTextTokens(text, 'qwen/qwen3-32b') >= countCl100k(text));
    await loadTokenizers(['openai/gpt-oss-20b', 'llama-3.1-8b-instant']);
  });

  it('uses o200k for gpt-oss and unknown models, cl100k for the Llama and Qwen families', () => {
    assert.equal(tokenizerFor('openai/gpt-oss-20b'), 'o200k_base');
    assert.equal(tokenizerFor('some/new-model'), 'o200k_base');
    assert.equal(tokenizerFor('llama-3.1-8b-instant'), 'cl100k_base');
    assert.equal(tokenizerFor('qwen/qwen3-32b'), 'cl100k_base');
    assert.equal(tokenizerFor('meta-llama/llama-4-scout'), 'cl100k_base');
  });

  it('counts text plus the per-message and priming overhead', () => {
    const text = MESSAGES.reduce((n, m) => n + countTextTokens(m.content, 'openai/gpt-oss-20b'), 0);
    assert.equal(
      estimatePromptTokens(MESSAGES, 'openai/gpt-oss-20b'),
      text + MESSAGES.length * MESSAGE_OVERHEAD_TOKENS + REPLY_PRIMING_TOKENS,
    );
    assert.equal(countTextTokens('', 'openai/gpt-oss-20b'), 0);
    assert.equal(estimatePromptTokens([], 'x'), REPLY_PRIMING_TOKENS);
  });

  it("agrees with the fake Groq's count for gpt-oss", () => {
    assert.equal(estimatePromptTokens(MESSAGES, 'openai/gpt-oss-20b'), countPromptTokens(MESSAGES));
  });

  it('remembers counts per vocabulary, and counts again what it has forgotten', () => {
    // why: this text has different counts in the two vocabularies, so a cache shared between them would show.
    const text = 'Kubernetes, PostgreSQL und Straßenbahn-Fahrpläne: 12345 ✓ — déjà vu';
    assert.notEqual(countO200k(text), countCl100k(text));
    for (let round = 0; round < 2; round++) {
      assert.equal(countTextTokens(text, 'openai/gpt-oss-20b'), countO200k(text));
      assert.equal(countTextTokens(text, 'llama-3.1-8b-instant'), countCl100k(text));
    }
    for (let i = 0; i < 1_000; i++) countTextTokens(`filler text number ${i}`, 'openai/gpt-oss-20b');
    assert.equal(countTextTokens(text, 'openai/gpt-oss-20b'), countO200k(text));
  });
});
