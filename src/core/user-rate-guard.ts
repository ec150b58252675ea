/**
 * The per-user flood guard (TWIN_USER_RATE): at most `perMinute` questions in any sliding minute and `concurrent`
 * at a time, per tenant and user. It protects the shared Groq budget from one person holding the enter key.
 */
import type { Clock } from './ports.js';

export interface UserRate {
  perMinute: number;
  concurrent: number;
}

export type GuardDecision = { ok: true; release: () => void } | { ok: false; retryAfterMs: number };

const WINDOW_MS = 60_000;

export class UserRateGuard {
  private readonly starts = new Map<string, number[]>();
  private readonly active = new Map<string, number>();

  constructor(
    private readonly rate: UserRate,
    private readonly clock: Clock,
  ) {}

  /** Admits a question or says when the user may ask again. Call `release` when the question ends. */
  admit(tenantId: string, userId: string): GuardDecision {
    const key = `${tenantId}\u0000${userId}`;
    const now = this.clock.now();
    const recent = (this.starts.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    const running = this.active.get(key) ?? 0;
    if (running >= this.rate.concurrent) {
      this.starts.set(key, recent);
      return { ok: false, retryAfterMs: 5_000 };
    }
    if (recent.length >= this.rate.perMinute) {
      this.starts.set(key, recent);
      return { ok: false, retryAfterMs: WINDOW_MS - (now - recent[0]!) };
    }
    recent.push(now);
    this.starts.set(key, recent);
    this.active.set(key, running + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.active.get(key) ?? 1) - 1;
        if (left <= 0) this.active.delete(key);
        else this.active.set(key, left);
      },
    };
  }

  /** Drops bookkeeping of users idle for a minute, so memory stays bounded on a busy bot. */
  sweep(): void {
    const now = this.clock.now();
    for (const [key, times] of this.starts) {
      if (!this.active.has(key) && times.every((t) => now - t >= WINDOW_MS)) this.starts.delete(key);
    }
  }
}
