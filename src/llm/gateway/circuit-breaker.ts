/**
 * A per-model circuit breaker: after repeated failures in a row the model is skipped (its fallback is used, or the
 * call waits) for a cool-down, then one probe call decides whether it is healthy again.
 */
import { type Clock, systemClock } from '../../core/ports.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before a probe is let through. */
  cooldownMs: number;
  clock?: Clock;
}

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly clock: Clock;
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(options: CircuitBreakerOptions) {
    this.threshold = options.failureThreshold;
    this.cooldownMs = options.cooldownMs;
    this.clock = options.clock ?? systemClock;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now() >= this.openedAt + this.cooldownMs ? 'half-open' : 'open';
  }

  /** Epoch ms when an open breaker lets a probe through; undefined when closed. */
  get retryAt(): number | undefined {
    return this.openedAt === undefined ? undefined : this.openedAt + this.cooldownMs;
  }

  /** Whether a call may go now (closed, or half-open with no probe out). Does not take the probe. */
  canPass(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && !this.probing);
  }

  /** Takes permission for one call; in half-open state only one probe is out at a time. */
  tryAcquire(): boolean {
    if (!this.canPass()) return false;
    if (this.state === 'half-open') this.probing = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  /** A failure that says something about the model's health (5xx, capacity, stall, network). */
  onFailure(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.threshold) this.openedAt = this.clock.now();
    this.probing = false;
  }

  /** A call that ended without telling anything about health (429, caller abort): frees the probe. */
  onNeutral(): void {
    this.probing = false;
  }
}
