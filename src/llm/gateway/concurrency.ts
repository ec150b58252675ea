/**
 * How many Groq calls may be in flight: enough to keep the request budget busy, no more (issue 20). By Little's law
 * a budget of `rpm` requests a window, each holding a slot for `answerMs`, keeps rpm x answerMs / window of them
 * running: a free account (30 RPM, 2 s answers) needs 2, a paid one (1 000 RPM) 33.
 */

/** The ceiling when none is configured (GROQ_MAX_CONCURRENT's default). */
export const DEFAULT_MAX_CONCURRENT = 64;

/** The floor: one slot stays free for the next call while another streams, even on the smallest plan. */
export const MIN_CONCURRENT = 2;

export interface ConcurrencyInputs {
  /** Requests a window the busiest usable model may take (its limit in force). */
  rpm: number;
  /** Observed duration of one answer (admission control's EWMA), in ms. */
  answerMs: number;
  /** Length of the "minute" the rpm is counted over (60 000 in production). */
  windowMs: number;
  /** The ceiling (GROQ_MAX_CONCURRENT); it wins over the floor. */
  max: number;
}

/** Calls in flight for these limits and this latency: rpm x latency / window, at least 2, at most `max`. */
export function concurrencyFor({ rpm, answerMs, windowMs, max }: ConcurrencyInputs): number {
  const ceiling = Math.max(1, Math.floor(max));
  const wanted = Math.round((rpm * answerMs) / windowMs);
  // why: a NaN or infinite latency (no answer seen, a clock jump) must not open or close every slot.
  if (!Number.isFinite(wanted)) return Math.min(ceiling, MIN_CONCURRENT);
  return Math.min(ceiling, Math.max(MIN_CONCURRENT, wanted));
}
