/**
 * The pieces of Groq's wire format the fake server writes: error bodies, completion objects and stream chunks, token
 * counts and Go durations. Written from FACTS.md "Groq" independently of src/llm so a bug there is not mirrored here.
 */
import { countTokens, decode, encode } from 'gpt-tokenizer/encoding/o200k_base';

/** The JSON body of POST /openai/v1/chat/completions, as far as the fake reads it. */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: unknown; name?: string }[];
  stream?: boolean | null;
  max_completion_tokens?: number | null;
  max_tokens?: number | null;
  temperature?: number | null;
  include_reasoning?: boolean | null;
  reasoning_format?: 'hidden' | 'raw' | 'parsed' | null;
  reasoning_effort?: 'none' | 'default' | 'low' | 'medium' | 'high' | null;
  stream_options?: { include_usage?: boolean } | null;
  [key: string]: unknown;
}

export interface GroqUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  queue_time: number;
  prompt_time: number;
  completion_time: number;
  total_time: number;
}

/** Tokens added per message for role and separators, and once for the reply's priming (OpenAI's chat formula). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const REPLY_PRIMING_TOKENS = 3;

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
      .join('');
  }
  return content === null || content === undefined ? '' : String(content);
}

/** Prompt tokens as the fake counts them: o200k over each message's text + 4 per message + 3. */
export function countPromptTokens(messages: ChatRequestBody['messages']): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) total += countTokens(contentText(message.content)) + MESSAGE_OVERHEAD_TOKENS;
  return total;
}

export function countTextTokens(text: string): number {
  return text === '' ? 0 : countTokens(text);
}

/** The first `tokens` tokens of `text`. */
export function truncateToTokens(text: string, tokens: number): string {
  if (tokens <= 0) return '';
  return decode(encode(text).slice(0, tokens));
}

export function lastUserMessage(body: ChatRequestBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const message = body.messages[i];
    if (message?.role === 'user') return contentText(message.content);
  }
  return '';
}

/** The default reply: a deterministic first-person sentence built from the last user message. */
export function defaultAnswer(body: ChatRequestBody): string {
  const question = lastUserMessage(body).replace(/\s+/g, ' ').trim().slice(0, 160);
  return (
    `Thanks for asking "${question}". Speaking for myself, I have worked on exactly this in my own projects, ` +
    'and I am happy to tell you what I learned and how I would approach it again.'
  );
}

/** Deterministic "thinking" for reasoning models; its length follows `reasoning_effort`. */
export function reasoningText(body: ChatRequestBody): string {
  const effort = body.reasoning_effort ?? 'default';
  if (effort === 'none') return '';
  const base = 'The user asks about my background. I should answer in the first person from the profile.';
  if (effort === 'low') return base;
  const more = ' Let me check which facts in the context apply, then keep the answer short and grounded.';
  return effort === 'high' ? base + more + more : base + more;
}

export function isReasoningModel(model: string): boolean {
  return /gpt-oss|qwen3/i.test(model);
}

/** Efforts each model family accepts (groq-sdk 1.6 types); `undefined` = the parameter is refused. */
export function acceptedEfforts(model: string): readonly string[] | undefined {
  if (/gpt-oss/i.test(model)) return ['low', 'medium', 'high'];
  if (/qwen3/i.test(model)) return ['none', 'default'];
  return undefined;
}

/** Deterministic usage timings in seconds, shaped like Groq's. */
export function usageOf(promptTokens: number, completionTokens: number): GroqUsage {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  const promptTime = round(promptTokens / 50_000);
  const completionTime = round(completionTokens / 1_000);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    queue_time: 0.005,
    prompt_time: promptTime,
    completion_time: completionTime,
    total_time: round(promptTime + completionTime),
  };
}

/** Go's `time.Duration.String()` shape, rounded like Groq's headers ("2m59.56s", "7.66s", "500ms"). */
export function formatGoDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  if (ms < 1000) {
    const rounded = Number(ms.toFixed(2));
    if (rounded < 1000) return `${rounded}ms`;
  }
  const centis = Math.round(ms / 10);
  const hours = Math.floor(centis / 360_000);
  const minutes = Math.floor((centis % 360_000) / 6_000);
  const seconds = (centis % 6_000) / 100;
  return `${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${seconds}s`;
}

export function errorBody(message: string, type: string, code?: string): { error: Record<string, string> } {
  return { error: code === undefined ? { message, type } : { message, type, code } };
}

/** Groq's default error bodies by status, for scripted errors without a body. */
export function defaultErrorBody(status: number, model: string): { error: Record<string, string> } {
  switch (status) {
    case 400:
      return errorBody('Bad request', 'invalid_request_error');
    case 401:
      return errorBody('Invalid API Key', 'invalid_request_error', 'invalid_api_key');
    case 403:
      return errorBody('Forbidden', 'permission_error', 'permission_denied');
    case 404:
      return modelNotFound(model);
    case 413:
      return errorBody(
        `Request too large for model \`${model}\` in organization \`org_fake\` service tier \`on_demand\` on tokens per minute (TPM): Limit 6000, Requested 7000, please reduce your message size and try again.`,
        'tokens',
        'rate_limit_exceeded',
      );
    case 429:
      return errorBody(
        `Rate limit reached for model \`${model}\` in organization \`org_fake\` service tier \`on_demand\` on tokens per minute (TPM): Limit 6000, Used 5999, Requested 100. Please try again in 1s.`,
        'tokens',
        'rate_limit_exceeded',
      );
    case 498:
      return errorBody(
        'Flex tier capacity exceeded. Please try again later.',
        'capacity_exceeded',
        'capacity_exceeded',
      );
    case 503:
      return errorBody(
        'Service Unavailable. Groq is over capacity, please try again.',
        'internal_server_error',
        'service_unavailable',
      );
    default:
      return errorBody(
        status >= 500 ? 'Internal Server Error' : 'Request failed',
        status >= 500 ? 'internal_server_error' : 'invalid_request_error',
      );
  }
}

export function modelNotFound(model: string): { error: Record<string, string> } {
  return errorBody(
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    'model_not_found',
  );
}

export function modelDecommissioned(model: string): { error: Record<string, string> } {
  return errorBody(
    `The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`,
    'invalid_request_error',
    'model_decommissioned',
  );
}

/** Fault injection draws from a seeded PRNG so a bench run is reproducible. */
export { seededRandom } from '../../support/seeded-random.js';

/** Splits text into pieces of `size` characters without breaking surrogate pairs. */
export function splitChars(text: string, size: number): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += Math.max(1, size)) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}
