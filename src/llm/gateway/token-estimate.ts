/**
 * Local prompt-token estimates for admission. They need not be exact: the reservation is corrected with the real
 * usage afterwards and the budgets are clamped to Groq's headers, which absorb the remaining error.
 */
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import type { LlmMessage } from '../../core/ports.js';
import { describeModel } from '../model-catalog.js';

/** Tokens a chat template adds around each message (role and separators); OpenAI's formula, close for harmony. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Tokens that prime the reply, once per request. */
export const REPLY_PRIMING_TOKENS = 3;

export type TokenizerName = 'o200k_base' | 'cl100k_base';

/**
 * The vocabulary used to count a model's tokens. gpt-oss (and any model twinbot does not know) is counted with
 * o200k, its own vocabulary. No npm package in the tree ships Llama 3's or Qwen's vocabularies; both are byte-level
 * BPEs grown from cl100k (Llama 3 keeps cl100k's first 100 000 merges), so cl100k is the closest shipped one.
 */
export function tokenizerFor(model: string): TokenizerName {
  const family = describeModel(model)?.tokenizer;
  if (family === 'llama3' || family === 'qwen') return 'cl100k_base';
  if (family === undefined && /llama|qwen/i.test(model)) return 'cl100k_base';
  return 'o200k_base';
}

/** Tokens of one text in the model's vocabulary. */
export function countTextTokens(text: string, model: string): number {
  if (text === '') return 0;
  return tokenizerFor(model) === 'cl100k_base' ? countCl100k(text) : countO200k(text);
}

/** Estimated prompt tokens of a chat request: every message's text plus the per-message and priming overhead. */
export function estimatePromptTokens(messages: readonly LlmMessage[], model: string): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) total += countTextTokens(message.content, model) + MESSAGE_OVERHEAD_TOKENS;
  return total;
}
