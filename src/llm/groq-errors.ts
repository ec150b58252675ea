/**
 * Translates whatever groq-sdk throws into twinbot's small error vocabulary (STYLE.md 4), where Groq is called.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, GroqError } from 'groq-sdk';
import { TwinError, type TwinErrorCode, type TwinErrorOptions } from '../core/errors.js';
import { parseGoDuration } from './rate-limit-headers.js';

/** Why our own AbortController fired, when it did: it decides what an SDK abort means. */
export type AbortReason = 'caller' | 'deadline' | 'stall';

export interface TranslateContext {
  /** Set when our own controller aborted the request. */
  abortReason?: AbortReason;
  /** Strings that must never appear in a message (the API key). `gsk_` keys and Bearer tokens are always masked. */
  secrets?: readonly string[];
  /** The stall timeout, for the message. */
  stallTimeoutMs?: number;
  /** Epoch ms now, for `retry-after` given as an HTTP date. */
  now?: number;
}

/** Groq's error body: `{"error":{"message","type","code"}}`; inside a stream, the inner object itself. */
interface GroqErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
}

const MAX_DETAIL = 300;

/**
 * Maps a groq-sdk error (or anything else thrown while calling Groq) to a `TwinError` about `model`.
 * The message never contains the key; when the upstream text had to be masked, the raw error is not kept as `cause`
 * either (loggers print causes).
 */
export function translateGroqError(err: unknown, model: string, context: TranslateContext = {}): TwinError {
  if (err instanceof TwinError) return err;
  const detail = describe(err);
  const safe = redact(detail, context.secrets);
  const cause = safe === detail ? err : undefined;
  const make = (code: TwinErrorCode, message: string, extra: TwinErrorOptions = {}) =>
    new TwinError(code, message, { model, cause, ...extra });

  if (context.abortReason === 'stall') {
    const after = context.stallTimeoutMs === undefined ? '' : ` for ${context.stallTimeoutMs} ms`;
    return make('timeout', `Groq (${model}) sent nothing${after}: the request stalled`);
  }
  if (context.abortReason === 'deadline')
    return make('deadline', `The request's deadline passed while Groq (${model}) was answering`);
  if (context.abortReason === 'caller' || err instanceof APIUserAbortError || isAbortError(err)) {
    return make('aborted', `The call to Groq (${model}) was cancelled`);
  }
  if (err instanceof APIConnectionTimeoutError)
    return make('timeout', `Groq (${model}) did not start answering in time`);
  if (err instanceof APIConnectionError) return make('network', `Groq could not be reached: ${safe}`);

  if (err instanceof APIError) {
    const status = err.status;
    const body = errorBody(err);
    const code = typeof body?.code === 'string' ? body.code : undefined;
    const text = `Groq (${model}) answered ${status ?? 'in the stream'}: ${safe}`;
    if (status === undefined) return make('upstream', text);
    const withStatus = (c: TwinErrorCode, extra: TwinErrorOptions = {}) => make(c, text, { status, ...extra });
    const retryAfterMs = retryAfter(err.headers, context.now);
    if (status === 401 || status === 403) return withStatus('auth');
    if (status === 400 && code === 'model_decommissioned') return withStatus('model_gone');
    if (status === 404) {
      // why: a 404 that is not about the model means the URL is wrong (e.g. GROQ_BASE_URL ending in /openai/v1).
      if (code === 'model_not_found' || /model/i.test(detail)) return withStatus('model_gone');
      return withStatus('config');
    }
    if (status === 408) return withStatus('timeout', { retryAfterMs });
    if (status === 413) return withStatus('too_large');
    if (status === 429) {
      return withStatus('rate_limited', {
        retryAfterMs: retryAfterMs ?? retryAfterFromText(detail),
        limitScope: /per day|\((?:RPD|TPD)\)/i.test(detail) ? 'day' : 'minute',
      });
    }
    if (status === 498 || status === 503) return withStatus('capacity', { retryAfterMs });
    if (status >= 500 || status === 409) return withStatus('upstream', { retryAfterMs });
    return withStatus('bad_request');
  }
  if (err instanceof GroqError) return make('internal', `groq-sdk failed: ${safe}`);
  if (err instanceof SyntaxError) return make('upstream', `Groq (${model}) sent a malformed stream: ${safe}`);
  if (isConnectionFailure(err)) return make('network', `The connection to Groq broke: ${safe}`);
  return make('internal', `Calling Groq (${model}) failed: ${safe}`);
}

/** Masks API keys and bearer tokens in a text. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(/gsk_[A-Za-z0-9]{6,}/g, 'gsk_[redacted]').replace(/(Bearer\s+)\S+/gi, '$1[redacted]');
}

function describe(err: unknown): string {
  let text: string;
  if (err instanceof APIError) {
    const message = errorBody(err)?.message;
    text = typeof message === 'string' ? message : err.message;
  } else {
    text = err instanceof Error ? err.message : String(err);
  }
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

function errorBody(err: APIError): GroqErrorBody | undefined {
  const raw = err.error as { error?: GroqErrorBody } & GroqErrorBody;
  if (!raw || typeof raw !== 'object') return undefined;
  // why: HTTP errors carry the whole body ({error:{...}}); errors inside a stream carry the inner object.
  return raw.error && typeof raw.error === 'object' ? raw.error : raw;
}

function retryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** "Please try again in 5.2s." / "in 1m32.5s" / "in 860ms" */
function retryAfterFromText(text: string): number | undefined {
  const match = /try again in\s+([0-9.hmsµun]+?)(?:[.,;]?\s|[.,;]?$)/i.exec(text);
  return match ? parseGoDuration(match[1] as string) : undefined;
}

function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(code)) return true;
  return err instanceof TypeError && /fetch failed|terminated|socket|network/i.test(err.message);
}
