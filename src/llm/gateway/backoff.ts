/**
 * How long to wait before a retry: capped, jittered exponential backoff that honours the server's retry-after.
 */

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Upper bound of the exponential part. */
  capMs: number;
  /** Extra delay added on top of a server's retry-after, at most this many ms (spreads clients that were told alike). */
  retryAfterJitterMs: number;
  /** Uniform in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 8_000, retryAfterJitterMs: 1_000 };

/**
 * Delay before retry number `retry` (1 = the first retry).
 * - Without `retryAfterMs`: "equal jitter", uniform in [e/2, e] with e = min(capMs, baseMs * 2^(retry-1)), so
 *   retries never bunch at zero and never exceed the cap.
 * - With `retryAfterMs`: the server's time plus up to `retryAfterJitterMs` (at most 10 % of it), never less than
 *   the server asked for. It is not capped: whether it still fits the deadline is the caller's decision.
 */
export function backoffDelay(retry: number, options: BackoffOptions, retryAfterMs?: number): number {
  const random = options.random ?? Math.random;
  if (retryAfterMs !== undefined && retryAfterMs >= 0) {
    const spread = Math.min(options.retryAfterJitterMs, retryAfterMs * 0.1);
    return Math.ceil(retryAfterMs + random() * spread);
  }
  const exponent = Math.max(0, retry - 1);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(exponent, 30));
  return Math.ceil(ceiling / 2 + (random() * ceiling) / 2);
}

/** Scales every duration of the options by `factor` (benches run with a shrunk minute). */
export function scaleBackoff(options: BackoffOptions, factor: number): BackoffOptions {
  return {
    ...options,
    baseMs: options.baseMs * factor,
    capMs: options.capMs * factor,
    retryAfterJitterMs: options.retryAfterJitterMs * factor,
  };
}
