/**
 * Local prompt-token estimates for admission. They need not be exact: the reservation is corrected with the real
 * usage afterwards and the budgets are clamped to Groq's headers, which absorb the remaining error.
 */
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

type Counter = (text: string) => number;
const counters: Partial<Record<TokenizerName, Counter>> = {};
const loading: Partial<Record<TokenizerName, Promise<void>>> = {};

function load(name: TokenizerName): Promise<void> {
  loading[name] ??= (
    name === 'cl100k_base' ? import('gpt-tokenizer/encoding/cl100k_base') : import('gpt-tokenizer/encoding/o200k_base')
  ).then((m) => {
    counters[name] = m.countTokens;
  });
  return loading[name];
}

/**
 * Loads the vocabularies of these models; undefined when they are loaded already. why: each vocabulary costs ~0.4 s
 * and 30-60 MB, so it loads when the first call to a model needs it, not when the process starts (issue 20.5); the
 * gateway awaits this before counting. Nothing to await once loaded, so later calls take no extra turn.
 */
export function loadTokenizers(models: readonly string[]): Promise<void> | undefined {
  const missing = [...new Set(models.map(tokenizerFor))].filter((name) => counters[name] === undefined);
  if (missing.length === 0) return undefined;
  return Promise.all(missing.map(load)).then(() => undefined);
}

/** Bytes per token assumed while a vocabulary is not loaded: fewer than any real text has, so it over-reserves. */
const BYTES_PER_TOKEN_UNLOADED = 2;

/** Texts whose counts are remembered, per vocabulary. */
const CACHE_SIZE = 512;
const cache: Record<TokenizerName, Map<string, number>> = { o200k_base: new Map(), cl100k_base: new Map() };

/**
 * Tokens of one text in the model's vocabulary (an over-estimate until `loadTokenizers` loaded it). why the cache: the system instructions, and often the same profile
 * chunks and earlier turns, come back in call after call; counting them is most of the gateway's work per call
 * (about 0.1 ms per 350 tokens), which a burst of questions pays all at once.
 */
export function countTextTokens(text: string, model: string): number {
  if (text === '') return 0;
  const name = tokenizerFor(model);
  const counts = cache[name];
  let count = counts.get(text);
  if (count === undefined) {
    const counter = counters[name];
    if (counter === undefined) {
      // why: a caller that did not await loadTokenizers gets a safe over-estimate, never a wait or a throw.
      void load(name);
      return Math.ceil(Buffer.byteLength(text) / BYTES_PER_TOKEN_UNLOADED);
    }
    count = counter(text);
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
