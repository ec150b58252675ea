/**
 * Platform write budgets (issue 20.2): at most `writes` edits in any `perMs` window, shared by every reply written in
 * the same place (a Slack workspace's chat.update, a Discord channel's edits). Writers wait for a turn; the final
 * text goes first, then a reply's first text, then ordinary updates, oldest request first (a writer that just wrote
 * asks again at the back). Time comes from the Clock and Timers ports, so tests move time instead of sleeping.
 */
import type { Clock } from './ports.js';
import type { TimerHandle, Timers } from './timers.js';

/** A platform's edit rate, as data: at most `writes` in any window of `perMs`. */
export interface WriteRate {
  writes: number;
  perMs: number;
}

/** Who goes first when several replies wait: the final text, then a reply's first text, then updates. */
export type WritePriority = 'final' | 'first' | 'update';
const RANK: Record<WritePriority, number> = { final: 0, first: 1, update: 2 };

/** One wait for a turn; `cancel` withdraws it (`ready` then never resolves). */
export interface WriteTurn {
  ready: Promise<void>;
  cancel(): void;
}

interface Waiter {
  rank: number;
  seq: number;
  grant: () => void;
}

/** One shared budget: a sliding window of grants. */
export class WriteBudget {
  /** Grant times within the last window, oldest first. */
  private readonly granted: number[] = [];
  private waiting: Waiter[] = [];
  private timer: TimerHandle;
  private timerSet = false;
  private seq = 0;

  constructor(
    readonly rate: WriteRate,
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {
    if (rate.writes < 1 || rate.perMs <= 0) throw new RangeError('a write budget needs writes >= 1 and perMs > 0');
  }

  /** Waits for a turn to write once. */
  take(priority: WritePriority): WriteTurn {
    let grant!: () => void;
    const ready = new Promise<void>((resolve) => (grant = resolve));
    const waiter: Waiter = { rank: RANK[priority], seq: this.seq++, grant };
    this.waiting.push(waiter);
    this.pump();
    return {
      ready,
      cancel: () => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        // why: nobody left to wake; a pending timer (up to a minute on Slack) would only hold the process open.
        if (this.waiting.length === 0 && this.timerSet) {
          this.timers.clearTimeout(this.timer);
          this.timerSet = false;
        }
      },
    };
  }

  /** Takes a turn at once when one is free and nobody waits ahead of `priority`; false leaves nothing behind. */
  tryTake(priority: WritePriority): boolean {
    const now = this.clock.now();
    this.expire(now);
    if (this.granted.length >= this.rate.writes) return false;
    if (this.waiting.some((w) => w.rank <= RANK[priority])) return false;
    this.granted.push(now);
    return true;
  }

  /** True when nobody waits and no grant is still inside the window: the budget can be forgotten. */
  idle(): boolean {
    this.expire(this.clock.now());
    return this.waiting.length === 0 && this.granted.length === 0;
  }

  private expire(now: number): void {
    while (this.granted.length > 0 && (this.granted[0] ?? 0) <= now - this.rate.perMs) this.granted.shift();
  }

  private pump(): void {
    const now = this.clock.now();
    this.expire(now);
    while (this.waiting.length > 0 && this.granted.length < this.rate.writes) {
      let best = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        const w = this.waiting[i]!;
        const b = this.waiting[best]!;
        if (w.rank < b.rank || (w.rank === b.rank && w.seq < b.seq)) best = i;
      }
      const [next] = this.waiting.splice(best, 1);
      this.granted.push(now);
      next!.grant();
    }
    if (this.waiting.length === 0 || this.timerSet) return;
    // why: the next turn frees when the oldest grant leaves the window.
    const wait = (this.granted[0] ?? now) + this.rate.perMs - now;
    this.timerSet = true;
    this.timer = this.timers.setTimeout(() => {
      this.timerSet = false;
      this.pump();
    }, wait);
  }
}

/** Budgets by place ("slack:T123", "discord:channel:42"), created on first use and forgotten when idle. */
export class WriteBudgets {
  private readonly budgets = new Map<string, WriteBudget>();

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {}

  /** The budget of `key`; the first caller's rate sets it. */
  for(key: string, rate: WriteRate): WriteBudget {
    let budget = this.budgets.get(key);
    if (!budget) {
      // why: one budget per workspace or channel ever seen would grow without bound; idle ones hold nothing.
      if (this.budgets.size >= 1_000) for (const [k, b] of this.budgets) if (b.idle()) this.budgets.delete(k);
      budget = new WriteBudget(rate, this.clock, this.timers);
      this.budgets.set(key, budget);
    }
    return budget;
  }

  get size(): number {
    return this.budgets.size;
  }
}
