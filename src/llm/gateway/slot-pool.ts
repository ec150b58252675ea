/**
 * The slots admitted calls run in, capped by bottleneck (maxConcurrent). Each slot is a running bottleneck job that
 * runs admitted calls one after the other and ends after lingering idle.
 * why: starting a bottleneck job costs a few ms (its locks yield to the event loop several times, one job after the
 * other), so a job per call would add that to every call; a slot pays it once per burst.
 */
import Bottleneck from 'bottleneck';
import type { Clock, Logger } from '../../core/ports.js';
import { cappedDelay } from '../../core/timers.js';

export interface SlotPoolOptions {
  /** The first cap on calls in flight; `resize` changes it. */
  maxConcurrent: number;
  clock: Clock;
  logger: Logger;
  /** How many calls are waiting for a slot (the pool starts at most that many). */
  demand: () => number;
  /** Called when a slot becomes idle: time to admit the next call. */
  onIdle: () => void;
}

interface Slot {
  /** Hands the idle slot its next call (false: stop waiting). */
  resolve?: (assigned: boolean) => void;
  /** Settles when the running call releases the slot. */
  finished?: Promise<void>;
  /** The running call's deadline: a slot is never held past it (plus a grace) by a consumer that went away. */
  deadline?: number;
}

const LINGER_MS = 1_000;
/** How long past its deadline a slot waits for a call whose consumer stopped reading without closing it. */
const HOLD_GRACE_MS = 5_000;

export class SlotPool {
  private readonly o: SlotPoolOptions;
  private readonly limiter: Bottleneck;
  private readonly idle: Slot[] = [];
  private max: number;
  private slots = 0;
  /** Submitted to bottleneck, not started yet. */
  private starting = 0;
  private closed = false;

  constructor(options: SlotPoolOptions) {
    this.o = options;
    this.max = options.maxConcurrent;
    this.limiter = new Bottleneck({ maxConcurrent: options.maxConcurrent });
  }

  /** The cap on calls in flight now. */
  get maxConcurrent(): number {
    return this.max;
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.slots - this.idle.length;
  }

  /**
   * Calls that could start now or as soon as a slot has started (the cap less the calls running): a call waiting
   * only for one of them is not "in line".
   */
  get available(): number {
    return Math.max(0, this.max - this.running);
  }

  /**
   * Changes the cap on calls in flight. A lower cap ends idle slots past it at once; calls running past it finish
   * first (their slots end then). A higher one lets the next `acquire` start more.
   */
  resize(maxConcurrent: number): void {
    if (maxConcurrent === this.max || this.closed) return;
    this.max = maxConcurrent;
    // why: bottleneck's typings say it returns the limiter; at run time it is a promise (the store is async).
    Promise.resolve(this.limiter.updateSettings({ maxConcurrent })).catch((err: unknown) =>
      this.o.logger.error({ event: 'llm.gateway', err }, 'resizing the slots failed'),
    );
    for (let surplus = this.started - this.max; surplus > 0 && this.idle.length > 0; surplus--) {
      (this.idle.pop() as Slot).resolve?.(false);
    }
  }

  /**
   * Runs a call on an idle slot and returns the function that frees it; `undefined` when no slot is idle (the pool
   * then starts more, up to maxConcurrent, and calls `onIdle` when one is ready).
   */
  acquire(deadline: number): (() => void) | undefined {
    // why: after a resize down, slots running past the new cap may still be idle for a moment; they take no call.
    if (this.running >= this.max) return undefined;
    const slot = this.idle.pop();
    if (!slot) {
      this.start();
      return undefined;
    }
    let free: () => void = () => {};
    slot.finished = new Promise<void>((resolve) => {
      free = resolve;
    });
    slot.deadline = deadline;
    slot.resolve?.(true);
    slot.resolve = undefined;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      free();
    };
  }

  /** Ends idle slots and waits for the running ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.idle.splice(0)) slot.resolve?.(false);
    await this.limiter.stop({ dropWaitingJobs: false });
  }

  /** Slots bottleneck has started (running a call or idle). */
  private get started(): number {
    return this.slots - this.starting;
  }

  /** Slots running a call. */
  private get running(): number {
    return this.started - this.idle.length;
  }

  private start(): void {
    const wanted = Math.min(this.max - this.slots, this.o.demand() - this.starting);
    for (let i = 0; i < wanted; i++) {
      this.slots += 1;
      this.starting += 1;
      this.limiter
        .schedule(() => this.run())
        .catch((err: unknown) => this.o.logger.error({ event: 'llm.gateway', err }, 'a gateway slot failed'));
    }
  }

  private async run(): Promise<void> {
    this.starting -= 1;
    const slot: Slot = {};
    try {
      // why: after a resize down, a slot past the cap ends instead of waiting for the next call.
      while (!this.closed && this.started <= this.max) {
        const next = new Promise<boolean>((resolve) => {
          slot.resolve = resolve;
        });
        this.idle.push(slot);
        const linger = setTimeout(() => {
          const index = this.idle.indexOf(slot);
          if (index >= 0) this.idle.splice(index, 1);
          slot.resolve?.(false);
        }, LINGER_MS);
        linger.unref();
        this.o.onIdle();
        const assigned = await next;
        clearTimeout(linger);
        if (!assigned) {
          if (this.closed || this.o.demand() === 0 || this.started > this.max) break;
          continue;
        }
        await this.held(slot);
      }
    } finally {
      const index = this.idle.indexOf(slot);
      if (index >= 0) this.idle.splice(index, 1);
      this.slots -= 1;
      if (!this.closed && this.o.demand() > 0) this.o.onIdle();
    }
  }

  /** Waits until the call on a slot releases it, or frees it past the call's deadline. */
  private async held(slot: Slot): Promise<void> {
    const graceMs = Math.max(0, (slot.deadline ?? 0) - this.o.clock.now()) + HOLD_GRACE_MS;
    let guard: NodeJS.Timeout | undefined;
    const expired = new Promise<boolean>((resolve) => {
      // why: a call without a real deadline (MAX_SAFE_INTEGER) must not overflow into a 1 ms guard that frees its slot.
      guard = setTimeout(() => resolve(true), cappedDelay(graceMs));
      guard.unref();
    });
    const late = await Promise.race([slot.finished?.then(() => false), expired]);
    clearTimeout(guard);
    if (late)
      this.o.logger.warn({ event: 'llm.gateway' }, 'a call held its slot past its deadline; the slot was freed');
    slot.finished = undefined;
  }
}
