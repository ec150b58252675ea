/**
 * Time as the tests move it (STYLE.md 16): a clock that stands still until told, and the `Timers` port on top of it,
 * recording every delay and running due timers when the clock moves.
 */
import type { Clock } from '../../src/core/ports.js';
import type { TimerHandle, Timers } from '../../src/core/timers.js';

export class FakeClock implements Clock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

interface FakeTimer {
  at: number;
  ms: number;
  fn: () => void;
  handle: object;
}

/** Timers on a FakeClock: `delays` records every delay asked for; `advance` and `fire` run them. */
export class FakeTimers implements Timers {
  readonly delays: number[] = [];
  #timers: FakeTimer[] = [];

  constructor(readonly clock: FakeClock = new FakeClock()) {}

  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.delays.push(ms);
    const handle = {};
    this.#timers.push({ at: this.clock.t + ms, ms, fn, handle });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.handle !== handle);
  }

  /** Timers set and not yet run or cleared. */
  get pending(): number {
    return this.#timers.length;
  }

  /** The delay of the next timer due, or undefined when none is set. */
  get nextDelay(): number | undefined {
    return this.#next()?.ms;
  }

  /** Moves the clock to the next timer due and runs it; throws when none is set. */
  fire(): void {
    const timer = this.#next();
    if (!timer) throw new Error('no timer is set');
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.clock.t = Math.max(this.clock.t, timer.at);
    timer.fn();
  }

  /** Moves the clock forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.clock.t + ms;
    for (let timer = this.#next(); timer && timer.at <= until; timer = this.#next()) this.fire();
    this.clock.t = until;
  }

  #next(): FakeTimer | undefined {
    return this.#timers.reduce<FakeTimer | undefined>((a, t) => (a === undefined || t.at < a.at ? t : a), undefined);
  }
}
