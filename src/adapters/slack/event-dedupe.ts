/**
 * Exactly-once delivery for Slack events. Slack re-sends an event it thinks was not acked (x-slack-retry-num, up to
 * three tries over a few minutes) and one message can also arrive as two events (app_mention and message.*): the
 * adapter asks this store before answering, so each gets one answer.
 */
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';

/** Remembers ids of handled events. A database-backed store lets the memory survive a restart in the retry window. */
export interface EventDedupeStore {
  /**
   * True when any of the ids was seen before; otherwise records them all and returns false. All or nothing and
   * atomic: a call that finds one id seen records none, so two replicas can never each claim half of an event.
   */
  seen(...ids: string[]): Promise<boolean>;
}

export interface MemoryEventDedupeOptions {
  /** How long an id is remembered. Slack's last retry comes about 5 minutes after the first try. Default 1 hour. */
  ttlMs?: number;
  /** Upper bound on remembered ids; the oldest are forgotten first. Default 50 000. */
  maxEntries?: number;
  clock?: Clock;
}

/** An in-process `EventDedupeStore`: a time-bounded, size-bounded set. */
export class MemoryEventDedupeStore implements EventDedupeStore {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;
  /** id -> expiry (epoch ms); a Map keeps insertion order, so the oldest entries come first. */
  private readonly entries = new Map<string, number>();

  constructor(options: MemoryEventDedupeOptions = {}) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.clock = options.clock ?? systemClock;
  }

  async seen(...ids: string[]): Promise<boolean> {
    const now = this.clock.now();
    this.evict(now);
    if (ids.some((id) => (this.entries.get(id) ?? 0) > now)) return true;
    for (const id of ids) {
      this.entries.delete(id);
      this.entries.set(id, now + this.ttlMs);
    }
    return false;
  }

  /** How many ids are remembered right now. */
  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [id, expiry] of this.entries) {
      if (expiry > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
  }
}
