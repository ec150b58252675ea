/**
 * Coalesces a stream of "show this now" into at most one message edit per interval.
 * why: Discord's edit limits are undocumented (about 5 edits per 5 s per channel is the safe pace), and an answer
 * streams many small deltas per second; only the newest content matters, so older pending content is dropped.
 */

/** Time and timers, injectable so tests drive the throttle without waiting. */
export interface Scheduler {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  delay(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  delay(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export class EditThrottle {
  private pending: string | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private cancelTimer: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly apply: (content: string) => Promise<void>;
  private readonly intervalMs: number;
  private readonly onError: (err: unknown) => void;
  private readonly scheduler: Scheduler;

  /**
   * @param apply performs one edit; edits never overlap.
   * @param onError hears a failed edit; the next content is still tried (a live preview is best effort).
   */
  constructor(
    apply: (content: string) => Promise<void>,
    intervalMs: number,
    onError: (err: unknown) => void,
    scheduler: Scheduler = realScheduler,
  ) {
    this.apply = apply;
    this.intervalMs = intervalMs;
    this.onError = onError;
    this.scheduler = scheduler;
  }

  /** True once any edit was started: something the person can see is on screen. */
  get started(): boolean {
    return this.lastStartedAt !== Number.NEGATIVE_INFINITY;
  }

  /** Shows `content` now if the interval since the last edit has passed, else at its end (replacing older content). */
  push(content: string): void {
    if (this.closed) return;
    this.pending = content;
    this.kick();
  }

  /**
   * Drops content not shown yet, stops the timer and waits for the edit in flight, so the caller's final edit is
   * the last one and lands after every preview.
   */
  async settle(): Promise<void> {
    this.closed = true;
    this.pending = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.running;
  }

  private kick(): void {
    if (this.closed || this.running || this.cancelTimer || this.pending === undefined) return;
    const wait = this.lastStartedAt + this.intervalMs - this.scheduler.now();
    if (wait > 0) {
      this.cancelTimer = this.scheduler.delay(wait, () => {
        this.cancelTimer = undefined;
        this.kick();
      });
      return;
    }
    const content = this.pending;
    this.pending = undefined;
    this.lastStartedAt = this.scheduler.now();
    this.running = this.apply(content)
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        this.kick();
      });
  }
}
