/**
 * Timers that cannot overflow, and the port that hands them out (STYLE.md 16: time is a port).
 * why: Node's setTimeout holds at most 2^31-1 ms (about 24.8 days). A longer delay, Infinity or NaN fires after
 * 1 ms with a TimeoutOverflowWarning, so a far wait (a day limit spent for weeks, a deadline of "never") would turn
 * into a 1 ms wake loop. A capped timer fires early instead; every caller re-checks the time when it fires.
 */

/** The longest delay setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay setTimeout honours: whole ms from 1 to MAX_TIMER_MS (NaN and Infinity become the cap). */
export function cappedDelay(ms: number): number {
  if (Number.isNaN(ms)) return MAX_TIMER_MS;
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms)));
}

/** An opaque handle of a timer set through `Timers`. */
export type TimerHandle = { unref?(): unknown } | undefined;

/** Sets and clears one-shot timers; tests pass a recording fake to move time instead of sleeping. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's timers, every delay capped. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, cappedDelay(ms)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
