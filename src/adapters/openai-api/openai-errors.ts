/**
 * OpenAI's error shape (`{"error":{"message","type","param","code"}}`) and status codes, so clients surface the
 * twin's refusals as their own typed errors (401 AuthenticationError, 429 RateLimitError, 400 BadRequestError).
 */
import type { Failure, FailureCode } from '../../core/types.js';

export interface ApiError {
  status: number;
  type: string;
  code: string;
  message: string;
  param?: string;
  /** Seconds, for `retry-after`. */
  retryAfterS?: number;
  /** False when retrying soon cannot help (a spent quota): `x-should-retry: false` stops SDK retries. */
  shouldRetry?: boolean;
}

const BY_CODE: Record<FailureCode, { status: number; type: string; code: string }> = {
  empty_question: { status: 400, type: 'invalid_request_error', code: 'empty_question' },
  question_too_long: { status: 400, type: 'invalid_request_error', code: 'question_too_long' },
  user_rate_limited: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  busy: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  over_quota: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  llm_unavailable: { status: 503, type: 'server_error', code: 'llm_unavailable' },
  timeout: { status: 503, type: 'server_error', code: 'timeout' },
  shutting_down: { status: 503, type: 'server_error', code: 'shutting_down' },
  misconfigured: { status: 500, type: 'server_error', code: 'misconfigured' },
  internal: { status: 500, type: 'server_error', code: 'internal_error' },
};

/** The HTTP error for a request the twin ended without an answer; the message is the core's sentence. */
export function errorOfFailure(failure: Failure): ApiError {
  const known = BY_CODE[failure.code];
  const retryAfterS =
    failure.retryAfterMs !== undefined ? Math.max(1, Math.ceil(failure.retryAfterMs / 1000)) : undefined;
  return {
    ...known,
    message: failure.message,
    retryAfterS: known.status === 429 || known.status === 503 ? (retryAfterS ?? 30) : undefined,
    shouldRetry: failure.code === 'over_quota' ? false : undefined,
  };
}

export function badRequest(message: string, param?: string, code = 'invalid_request'): ApiError {
  return { status: 400, type: 'invalid_request_error', code, message, param };
}

export const INVALID_KEY: ApiError = {
  status: 401,
  type: 'invalid_request_error',
  code: 'invalid_api_key',
  message: 'Incorrect API key provided. Send it as `Authorization: Bearer <key>` (a key from TWIN_API_KEYS).',
};

export const STOPPING: ApiError = {
  status: 503,
  type: 'server_error',
  code: 'shutting_down',
  message: 'The twin is restarting right now. Please ask again in a minute.',
  retryAfterS: 60,
};

export function errorBody(e: ApiError): {
  error: { message: string; type: string; param: string | null; code: string };
} {
  return { error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code } };
}

/** The response headers of an error: retry hints where they apply. */
export function errorHeaders(e: ApiError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (e.retryAfterS !== undefined) headers['retry-after'] = String(e.retryAfterS);
  if (e.shouldRetry === false) headers['x-should-retry'] = 'false';
  return headers;
}
