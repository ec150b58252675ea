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

/** Texts whose counts are remembered, per vocabulary. */
const CACHE_SIZE = 512;
const cache: Record<TokenizerName, Map<string, number>> = { o200k_base: new Map(), cl100k_base: new Map() };

/**
 * Tokens of one text in the model's vocabulary. why the cache: the system instructions, and often the same profile
 * chunks and earlier turns, come back in call after call; counting them is most of the gateway's work per call
 * (about 0.1 ms per 350 tokens), which a burst of questions pays all at once.
 */
export function countTextTokens(text: string, model: string): number {
  if (text === '') return 0;
  const name = tokenizerFor(model);
  const counts = cache[name];
  let count = counts.get(text);
  if (count === undefined) {
    count = name === 'cl100k_base' ? countCl100k(text) : countO200k(text);
    if (counts.size >= CACHE_SIZE) counts.delete(counts.keys().next().value as string);
  } else {
    // why: refreshed on use, so the map's insertion order is least recently used first.
    counts.delete(text);
  }
  counts.set(text, count);
  return count;
}

/** Estimated prompt tokens of a chat request: every message's text plus the per-message and priming overhead. */
export function estimatePromptTokens(messages: readonly LlmMessage[], model: string): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) total += countTextTokens(message.content, model) + MESSAGE_OVERHEAD_TOKENS;
  return total;
}
