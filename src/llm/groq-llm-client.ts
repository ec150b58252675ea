/**
 * The bare Groq client: one streamed attempt per `stream(call)`, no retries (the gateway owns them, STYLE.md 6).
 */
import Groq from 'groq-sdk';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'groq-sdk/resources/chat/completions';
import { TwinError } from '../core/errors.js';
import type { Clock, LlmCall, LlmClient, LlmEvent, Logger, RateLimitSnapshot } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import { MAX_TIMER_MS } from '../core/timers.js';
import { type AbortReason, translateGroqError } from './groq-errors.js';
import { isReasoningModel, lowestReasoningEffort } from './model-catalog.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';

export interface GroqLlmClientOptions {
  apiKey: string;
  /** Groq endpoint without /openai/v1 (groq-sdk appends it); default: env GROQ_BASE_URL, then https://api.groq.com. */
  baseURL?: string;
  model: string;
  fallbackModels?: string[];
  temperature: number;
  /** Completion limit sent as `max_completion_tokens` when the call sets none. */
  maxTokens: number;
  /** How long the request may wait for headers, and a stream may stay silent, before it counts as stalled. */
  stallTimeoutMs: number;
  /**
   * How long a stream may stay silent once its first token arrived (GROQ_STALL_S); default 5 000 ms. why: a stream
   * that stalls mid-answer used to wait the whole stallTimeoutMs (30 s) before the gateway could retry or fall back,
   * while between tokens of a live stream Groq is silent for well under a second.
   */
  stallAfterFirstTokenMs?: number;
  logger?: Logger;
  /** For the deadline arithmetic; default the system clock. */
  clock?: Clock;
}

type Usage = { promptTokens: number; completionTokens: number };

/** GROQ_STALL_S's default, in ms. */
export const DEFAULT_STALL_AFTER_FIRST_TOKEN_MS = 5_000;

/** `GroqLlmClient implements LlmClient` over groq-sdk with `maxRetries: 0`. */
export class GroqLlmClient implements LlmClient {
  readonly models: readonly string[];
  private readonly groq: Groq;
  private readonly clock: Clock;

  constructor(private readonly options: GroqLlmClientOptions) {
    const fallbacks = (options.fallbackModels ?? []).filter((m) => m !== options.model);
    this.models = [options.model, ...fallbacks];
    this.clock = options.clock ?? systemClock;
    // why: maxRetries 0 because groq-sdk honours retry-after without a cap (FACTS.md); one retry layer is ours.
    this.groq = new Groq({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      maxRetries: 0,
      // why: groq-sdk refuses a timeout that is not a positive integer (GROQ_TIMEOUT may be fractional seconds).
      timeout: Math.max(1, Math.round(options.stallTimeoutMs)),
    });
  }

  /**
   * One streamed attempt: `limits` (from the response headers), `delta`s, one `usage`, then `done`.
   * Throws a `TwinError`; before throwing on an HTTP error it yields the error response's `limits` when it has them.
   */
  async *stream(call: LlmCall): AsyncGenerator<LlmEvent> {
    const model = call.model ?? this.options.model;
    const firstTokenMs = this.options.stallTimeoutMs;
    const afterFirstMs = this.options.stallAfterFirstTokenMs ?? DEFAULT_STALL_AFTER_FIRST_TOKEN_MS;
    let sawToken = false;
    const stallMs = () => (sawToken ? afterFirstMs : firstTokenMs);
    const context = { secrets: [this.options.apiKey], stallTimeoutMs: firstTokenMs };
    if (call.signal?.aborted) throw new TwinError('aborted', `The call to Groq (${model}) was cancelled`, { model });
    const budgetMs = call.deadline - this.clock.now();
    if (!(budgetMs > 0))
      throw new TwinError('deadline', `The request's deadline passed before calling Groq (${model})`, { model });

    const controller = new AbortController();
    let reason: AbortReason | undefined;
    const abort = (why: AbortReason) => {
      if (reason) return;
      reason = why;
      controller.abort();
    };
    const onCallerAbort = () => abort('caller');
    call.signal?.addEventListener('abort', onCallerAbort, { once: true });
    // why: setTimeout fires at once for delays past 2^31-1 ms, so a far (or infinite) deadline sets no timer.
    const deadlineTimer = budgetMs < MAX_TIMER_MS ? setTimeout(() => abort('deadline'), budgetMs) : undefined;
    // why: groq-sdk's timeout stops at the headers; a stream that goes silent mid-body needs our own idle timer.
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = () => {
      idleTimer = setTimeout(() => abort('stall'), stallMs());
    };
    const disarmIdle = () => clearTimeout(idleTimer);
    const started = this.clock.now();
    let finished = false;

    try {
      armIdle();
      let stream: AsyncIterable<ChatCompletionChunk>;
      let headers: Headers;
      try {
        const result = await this.groq.chat.completions
          .create(this.params(call, model), { signal: controller.signal })
          .withResponse();
        stream = result.data;
        headers = result.response.headers;
      } catch (err) {
        disarmIdle();
        const limits = limitsOf(err);
        if (limits) yield { type: 'limits', model, limits };
        throw translateGroqError(err, model, { ...context, abortReason: reason });
      }
      disarmIdle();
      yield { type: 'limits', model, limits: parseRateLimitHeaders(headers) };

      let usage: Usage | undefined;
      let finishReason: string | undefined;
      const iterator = stream[Symbol.asyncIterator]();
      while (true) {
        armIdle();
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await iterator.next();
        } catch (err) {
          throw translateGroqError(err, model, { ...context, stallTimeoutMs: stallMs(), abortReason: reason });
        } finally {
          disarmIdle();
        }
        if (next.done) break;
        const chunk = next.value;
        usage = usageOf(chunk) ?? usage;
        if (chunk.x_groq?.error) {
          throw new TwinError('upstream', `Groq (${model}) stopped the stream: ${chunk.x_groq.error}`, { model });
        }
        const choice = chunk.choices?.[0];
        // why: only `content` is the answer; `reasoning` deltas (if Groq sends them anyway) never reach the person.
        const text = choice?.delta?.content;
        if (text) {
          sawToken = true;
          yield { type: 'delta', text };
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
      }
      // why: groq-sdk ends the iteration quietly when its signal aborts, so our reason must be checked here.
      if (reason) {
        throw translateGroqError(new Error('aborted'), model, {
          ...context,
          stallTimeoutMs: stallMs(),
          abortReason: reason,
        });
      }
      if (!finishReason)
        throw new TwinError('upstream', `Groq (${model}) ended the stream before the answer was complete`, { model });
      if (usage) yield { type: 'usage', model, ...usage };
      finished = true;
      this.options.logger?.debug(
        { event: 'groq.call', tenantId: call.tenantId, model, finishReason, ...usage, ms: this.clock.now() - started },
        'groq call done',
      );
      yield { type: 'done', model, finishReason };
    } catch (err) {
      const error =
        err instanceof TwinError ? err : translateGroqError(err, model, { ...context, abortReason: reason });
      this.options.logger?.debug(
        {
          event: 'groq.call',
          tenantId: call.tenantId,
          model,
          code: error.code,
          status: error.status,
          ms: this.clock.now() - started,
        },
        error.message,
      );
      throw error;
    } finally {
      clearTimeout(deadlineTimer);
      disarmIdle();
      call.signal?.removeEventListener('abort', onCallerAbort);
      // why: a consumer that stops early (break) must not leave the HTTP stream open.
      if (!finished) controller.abort();
    }
  }

  private params(call: LlmCall, model: string): ChatCompletionCreateParamsStreaming {
    const params: ChatCompletionCreateParamsStreaming = {
      model,
      messages: call.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      temperature: call.temperature ?? this.options.temperature,
      max_completion_tokens: call.maxTokens ?? this.options.maxTokens,
    };
    if (isReasoningModel(model)) {
      // why: reasoning tokens are billed as completion tokens and twin answers need little thought (FACTS.md);
      // include_reasoning works for gpt-oss and qwen alike, where reasoning_format does not suit gpt-oss.
      const effort = lowestReasoningEffort(model);
      if (effort) params.reasoning_effort = effort;
      params.include_reasoning = false;
    }
    return params;
  }
}

function usageOf(chunk: ChatCompletionChunk): Usage | undefined {
  // why: Groq puts usage under x_groq.usage on the final chunk; some report a separate OpenAI-style usage chunk too.
  const raw = chunk.x_groq?.usage ?? (chunk as { usage?: ChatCompletionChunk.XGroq['usage'] }).usage;
  if (!raw) return undefined;
  return { promptTokens: raw.prompt_tokens ?? 0, completionTokens: raw.completion_tokens ?? 0 };
}

function limitsOf(err: unknown): RateLimitSnapshot | undefined {
  const headers = (err as { headers?: unknown } | null)?.headers;
  if (!headers || typeof (headers as Headers).get !== 'function') return undefined;
  const snapshot = parseRateLimitHeaders(headers as Headers);
  return Object.keys(snapshot).length > 0 ? snapshot : undefined;
}
