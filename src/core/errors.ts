/**
 * One small error vocabulary (STYLE.md 4). Vendor errors are translated into a TwinError where the
 * vendor is called; anything else is wrapped with `asTwinError`. No secrets go into messages or data.
 */

/**
 * - `rate_limited`: the provider said 429; `retryAfterMs` says when, `limitScope` whether a minute or day limit.
 * - `capacity`: the provider is out of capacity for now (Groq 498 flex, 503 overloaded).
 * - `auth`: the key was refused (401/403): no call with this key will work.
 * - `model_gone`: the model is retired or unknown: move to a fallback model.
 * - `bad_request`: our request was wrong (400/422): retrying will not help.
 * - `too_large`: one request is bigger than the account's per-minute token limit (413).
 * - `timeout`: no first byte, or a stalled stream, within GROQ_TIMEOUT.
 * - `deadline`: the request's overall deadline (TWIN_DEADLINE_S) passed.
 * - `upstream`: the provider failed (5xx or a broken stream).
 * - `network`: the provider could not be reached.
 * - `busy`: our own queue cannot take or finish it in time; `retryAfterMs` says when to come back.
 * - `aborted`: the caller gave up (shutdown, platform cancelled).
 * - `retrieval`: the vector index failed.
 * - `storage`: the usage ledger failed.
 * - `config`: configuration is invalid.
 * - `profile`: the profile file is unreadable or invalid.
 * - `internal`: a bug.
 */
export type TwinErrorCode =
  | 'rate_limited'
  | 'capacity'
  | 'auth'
  | 'model_gone'
  | 'bad_request'
  | 'too_large'
  | 'timeout'
  | 'deadline'
  | 'upstream'
  | 'network'
  | 'busy'
  | 'aborted'
  | 'retrieval'
  | 'storage'
  | 'config'
  | 'profile'
  | 'internal';

const RETRYABLE: ReadonlySet<TwinErrorCode> = new Set(['rate_limited', 'capacity', 'timeout', 'upstream', 'network']);

export interface TwinErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  /** For rate limits: which window ran out. */
  limitScope?: 'minute' | 'day';
  /** HTTP status where one was involved. */
  status?: number;
  /** The model the error is about. */
  model?: string;
  cause?: unknown;
}

export class TwinError extends Error {
  readonly code: TwinErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly limitScope?: 'minute' | 'day';
  readonly status?: number;
  readonly model?: string;

  constructor(code: TwinErrorCode, message: string, options: TwinErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'TwinError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.limitScope = options.limitScope;
    this.status = options.status;
    this.model = options.model;
  }
}

export function isTwinError(err: unknown): err is TwinError {
  return err instanceof TwinError;
}

/** Wraps anything thrown into a TwinError, keeping the original as `cause`. */
export function asTwinError(err: unknown, fallback: TwinErrorCode = 'internal'): TwinError {
  if (err instanceof TwinError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TwinError(fallback, message, { cause: err });
}
