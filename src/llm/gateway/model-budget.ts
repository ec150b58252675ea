/**
 * The local view of one model's Groq limits: continuously refilling budgets for requests and tokens per minute and
 * per day (Groq meters them as token buckets), synced to what the server reports so the gateway never has to learn a
 * limit from a 429.
 */
import { type Clock, type RateLimitSnapshot, systemClock } from '../../core/ports.js';
import type { ModelLimits } from '../model-catalog.js';

/** The production "minute". Benches shrink it; every budget scales with it. */
export const DEFAULT_WINDOW_MS = 60_000;
/** A day is this many windows. */
export const WINDOWS_PER_DAY = 1_440;

export type BudgetDimension = keyof ModelLimits;

/** A continuous bucket: full at start, refills `capacity` per `periodMs`, may go below zero when usage is corrected. */
class RefillingBucket {
  private level: number;
  private updated: number;

  constructor(
    public capacity: number,
    private readonly periodMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.updated = now;
  }

  available(now: number): number {
    if (now > this.updated) {
      this.level = Math.min(this.capacity, this.level + ((now - this.updated) * this.capacity) / this.periodMs);
      this.updated = now;
    }
    return this.level;
  }

  /** Ms until `amount` is available; a request larger than the bucket waits for a full bucket. */
  waitMs(amount: number, now: number): number {
    const missing = Math.min(amount, this.capacity) - this.available(now);
    return missing <= 0 ? 0 : Math.ceil((missing * this.periodMs) / this.capacity);
  }

  /** Ms until the bucket is full again: what Groq's x-ratelimit-reset-* headers say. */
  resetMs(now: number): number {
    return Math.max(0, ((this.capacity - this.available(now)) * this.periodMs) / this.capacity);
  }

  add(amount: number, now: number): void {
    this.level = Math.min(this.capacity, this.available(now) + amount);
  }

  /** More pessimistic wins: the level never rises because of a clamp. */
  clampTo(level: number, now: number): void {
    if (level < this.available(now)) this.level = level;
  }

  lowerCapacity(capacity: number, now: number): void {
    if (capacity <= 0 || capacity >= this.capacity) return;
    const level = this.available(now);
    this.capacity = capacity;
    this.level = Math.min(level, capacity);
  }
}

/** What one admitted call holds on a budget until it is settled or cancelled. */
export interface BudgetReservation {
  readonly model: string;
  readonly tokens: number;
  /** Epoch ms of admission. */
  readonly at: number;
  /** Running total of tokens reserved on this budget, this reservation included: tells later ones from earlier. */
  readonly mark: number;
  /** Same for requests. */
  readonly requestMark: number;
  settled: boolean;
}

export interface BudgetGauge {
  limits: ModelLimits;
  remaining: ModelLimits;
  /** Epoch ms until which a 429 closed the model; absent when open. */
  closedUntil?: number;
  /** Epoch ms until which a day limit is spent; absent when not. */
  exhaustedUntil?: number;
}

export interface ModelBudgetOptions {
  /** Length of the "minute" in ms (60 000 in production); the day is 1 440 windows. */
  windowMs?: number;
  clock?: Clock;
}

/**
 * Budgets of one model. Admission reserves 1 request and (estimated prompt + max completion) tokens; `settle` corrects
 * the tokens with the real usage; `clamp` lowers the levels to what Groq's headers say; `closeUntil` and
 * `exhaustUntil` shut the model after a 429. Every time comes from the injected clock.
 */
export class ModelBudget {
  readonly model: string;
  readonly windowMs: number;
  private readonly clock: Clock;
  private readonly buckets: Record<BudgetDimension, RefillingBucket>;
  private reservedTokens = 0;
  private reservedRequests = 0;
  /** Recent admissions with the running totals after each, oldest first: which calls came after a given moment. */
  private readonly admissions: { at: number; tokenMark: number; requestMark: number }[] = [];
  /** The shortest time seen from admitting a call to its rate-limit headers (a round trip at least). */
  private headersMs = Number.POSITIVE_INFINITY;
  private closed = 0;
  private exhausted = 0;

  constructor(model: string, limits: ModelLimits, options: ModelBudgetOptions = {}) {
    this.model = model;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.clock = options.clock ?? systemClock;
    const now = this.clock.now();
    const day = this.windowMs * WINDOWS_PER_DAY;
    this.buckets = {
      rpm: new RefillingBucket(limits.rpm, this.windowMs, now),
      tpm: new RefillingBucket(limits.tpm, this.windowMs, now),
      rpd: new RefillingBucket(limits.rpd, day, now),
      tpd: new RefillingBucket(limits.tpd, day, now),
    };
  }

  /** The limits in force: the configured ones, lowered where the server reported less. */
  limits(): ModelLimits {
    const b = this.buckets;
    return { rpm: b.rpm.capacity, tpm: b.tpm.capacity, rpd: b.rpd.capacity, tpd: b.tpd.capacity };
  }

  /** What is left in each budget now. */
  remaining(): ModelLimits {
    const now = this.clock.now();
    const b = this.buckets;
    return {
      rpm: b.rpm.available(now),
      tpm: b.tpm.available(now),
      rpd: b.rpd.available(now),
      tpd: b.tpd.available(now),
    };
  }

  /** Ms until one budget is full again (the local counterpart of Groq's reset headers). */
  resetMs(dimension: BudgetDimension): number {
    return this.buckets[dimension].resetMs(this.clock.now());
  }

  /** Ms until a call of `tokens` fits the per-minute budgets and the model's gate is open. */
  minuteWaitMs(tokens: number): number {
    const now = this.clock.now();
    return Math.max(this.closed - now, this.buckets.rpm.waitMs(1, now), this.buckets.tpm.waitMs(tokens, now), 0);
  }

  /** Ms until a call of `tokens` fits the per-day budgets (0 when it fits now). */
  dayWaitMs(tokens: number): number {
    const now = this.clock.now();
    return Math.max(this.exhausted - now, this.buckets.rpd.waitMs(1, now), this.buckets.tpd.waitMs(tokens, now), 0);
  }

  /** Ms until a call of `tokens` may be admitted: 0 means now. */
  waitMs(tokens: number): number {
    return Math.max(this.minuteWaitMs(tokens), this.dayWaitMs(tokens));
  }

  /**
   * Ms until `requests` calls needing `tokens` in all could have been admitted, counting refill: the basis of a
   * queue-wait estimate (the calls ahead of one in the queue, and itself).
   */
  drainMs(requests: number, tokens: number): number {
    const now = this.clock.now();
    const b = this.buckets;
    const day = this.windowMs * WINDOWS_PER_DAY;
    const refill = (bucket: RefillingBucket, period: number, need: number) => {
      const missing = need - bucket.available(now);
      return missing <= 0 ? 0 : (missing * period) / bucket.capacity;
    };
    return Math.ceil(
      Math.max(
        this.closed - now,
        this.exhausted - now,
        refill(b.rpm, this.windowMs, requests),
        refill(b.tpm, this.windowMs, tokens),
        refill(b.rpd, day, requests),
        refill(b.tpd, day, tokens),
        0,
      ),
    );
  }

  /** Reserves 1 request and `tokens` when they fit now; `undefined` otherwise. */
  tryReserve(tokens: number): BudgetReservation | undefined {
    if (this.waitMs(tokens) > 0) return undefined;
    const now = this.clock.now();
    const b = this.buckets;
    b.rpm.add(-1, now);
    b.rpd.add(-1, now);
    b.tpm.add(-tokens, now);
    b.tpd.add(-tokens, now);
    this.reservedTokens += tokens;
    this.reservedRequests += 1;
    this.admissions.push({ at: now, tokenMark: this.reservedTokens, requestMark: this.reservedRequests });
    // why: a snapshot arrives within one call's time to headers; a window back is far more than that needs.
    while ((this.admissions[0] as { at: number }).at < now - 2 * this.windowMs) this.admissions.shift();
    return {
      model: this.model,
      tokens,
      at: now,
      mark: this.reservedTokens,
      requestMark: this.reservedRequests,
      settled: false,
    };
  }

  /** Corrects a reservation with the tokens the call really used (a refund when it used fewer). Once per reservation. */
  settle(reservation: BudgetReservation, usedTokens: number): void {
    if (reservation.settled) return;
    reservation.settled = true;
    const now = this.clock.now();
    const refund = reservation.tokens - usedTokens;
    this.buckets.tpm.add(refund, now);
    this.buckets.tpd.add(refund, now);
  }

  /**
   * Gives a reservation back when the server did not count the call (a 429 is not charged). `keepRequest` keeps the
   * request charged when the server may have counted it (an error after admission).
   */
  cancel(reservation: BudgetReservation, options: { keepRequest?: boolean } = {}): void {
    if (reservation.settled) return;
    reservation.settled = true;
    const now = this.clock.now();
    this.buckets.tpm.add(reservation.tokens, now);
    this.buckets.tpd.add(reservation.tokens, now);
    if (!options.keepRequest) {
      this.buckets.rpm.add(1, now);
      this.buckets.rpd.add(1, now);
    }
  }

  /**
   * Lowers the local budgets to what the server reported on the response to `reservation` (more pessimistic wins).
   * Calls admitted after it may not have reached the server when it wrote the headers, so they are subtracted from its
   * figures; but only those admitted within the shortest admission-to-headers time seen before now. why: a call sent
   * earlier than that had reached the server when it wrote these headers (a time to headers is a round trip plus
   * the server's own work), so it is already in the figures; subtracting it again would count it twice and leave a
   * busy account's budget well below what it has, most of all in bursts and on plans with many calls a minute.
   */
  clamp(snapshot: RateLimitSnapshot, reservation?: BudgetReservation): void {
    const now = this.clock.now();
    const b = this.buckets;
    if (snapshot.tokensLimit !== undefined) b.tpm.lowerCapacity(snapshot.tokensLimit, now);
    if (snapshot.requestsLimit !== undefined) b.rpd.lowerCapacity(snapshot.requestsLimit, now);
    let laterTokens = 0;
    let laterRequests = 0;
    if (reservation) {
      this.headersMs = Math.min(this.headersMs, now - reservation.at);
      const seen = this.seenBy(now - this.headersMs);
      const tokenMark = Math.max(reservation.mark, seen?.tokenMark ?? 0);
      const requestMark = Math.max(reservation.requestMark, seen?.requestMark ?? 0);
      laterTokens = this.reservedTokens - tokenMark;
      laterRequests = this.reservedRequests - requestMark;
    }
    if (snapshot.tokensRemaining !== undefined) b.tpm.clampTo(snapshot.tokensRemaining - laterTokens, now);
    if (snapshot.requestsRemaining !== undefined) b.rpd.clampTo(snapshot.requestsRemaining - laterRequests, now);
  }

  /** The last admission before `at`, if still remembered. */
  private seenBy(at: number): { tokenMark: number; requestMark: number } | undefined {
    let low = 0;
    let high = this.admissions.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.admissions[mid] as { at: number }).at < at) low = mid + 1;
      else high = mid;
    }
    return this.admissions[low - 1];
  }

  /**
   * After a 429 on requests per minute for `reservation`: the server had none left when that call reached it, so
   * the local budget can have none either, less the calls admitted after it. why: a refund alone (a 429 is not
   * charged) left the bucket as far ahead of the server as it was, and the next calls met 429s too.
   */
  requestsEmpty(reservation: BudgetReservation): void {
    const now = this.clock.now();
    this.buckets.rpm.clampTo(-(this.reservedRequests - reservation.requestMark), now);
  }

  /** Lowers one limit the server revealed (e.g. in a 429's text) below the configured one. */
  lowerLimit(dimension: BudgetDimension, limit: number): void {
    this.buckets[dimension].lowerCapacity(limit, this.clock.now());
  }

  /** Shuts the model until `until` (epoch ms) after a per-minute 429. */
  closeUntil(until: number): void {
    this.closed = Math.max(this.closed, until);
  }

  /** Marks a per-day limit spent until `until` (epoch ms). */
  exhaustUntil(until: number): void {
    this.exhausted = Math.max(this.exhausted, until);
  }

  get closedUntil(): number | undefined {
    return this.closed > this.clock.now() ? this.closed : undefined;
  }

  get exhaustedUntil(): number | undefined {
    return this.exhausted > this.clock.now() ? this.exhausted : undefined;
  }

  gauge(): BudgetGauge {
    const gauge: BudgetGauge = { limits: this.limits(), remaining: this.remaining() };
    if (this.closedUntil !== undefined) gauge.closedUntil = this.closedUntil;
    if (this.exhaustedUntil !== undefined) gauge.exhaustedUntil = this.exhaustedUntil;
    return gauge;
  }
}
