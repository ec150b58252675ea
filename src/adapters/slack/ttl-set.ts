/** A set whose entries expire: used to remember the threads the twin answered in. */
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';

export class TtlSet {
  /** key -> expiry (epoch ms), oldest first. */
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock = systemClock,
  ) {}

  add(key: string): void {
    this.entries.delete(key);
    this.entries.set(key, this.clock.now() + this.ttlMs);
    this.evict();
  }

  has(key: string): boolean {
    const expiry = this.entries.get(key);
    return expiry !== undefined && expiry > this.clock.now();
  }

  private evict(): void {
    const now = this.clock.now();
    for (const [key, expiry] of this.entries) {
      if (expiry > now && this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
