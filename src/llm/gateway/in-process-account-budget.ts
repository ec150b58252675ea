/**
 * The account's budget held in this process: one `ModelBudget` per model. A replica on its own uses it with its
 * share of the limits (limit / TWIN_REPLICAS) while the shared store is unreachable.
 */
import type { Clock, RateLimitSnapshot } from '../../core/ports.js';
import type { ModelLimits } from '../model-catalog.js';
import type { AccountAdmission, AccountBudget, AccountBudgetState, AccountLease } from './account-budget.js';
import { type BudgetDimension, type BudgetReservation, ModelBudget } from './model-budget.js';

export interface InProcessAccountBudgetOptions {
  limits: Record<string, ModelLimits>;
  windowMs?: number;
  clock?: Clock;
  /** What `state()` reports as the divisor of the limits. Default 1. */
  replicas?: number;
}

export class InProcessAccountBudget implements AccountBudget {
  private readonly budgets = new Map<string, ModelBudget>();
  private readonly reservations = new WeakMap<AccountLease, BudgetReservation>();
  private readonly replicas: number;

  constructor(options: InProcessAccountBudgetOptions) {
    this.replicas = options.replicas ?? 1;
    for (const [model, limits] of Object.entries(options.limits)) {
      this.budgets.set(model, new ModelBudget(model, limits, { windowMs: options.windowMs, clock: options.clock }));
    }
  }

  async take(model: string, tokens: number): Promise<AccountAdmission> {
    const budget = this.budget(model);
    const reservation = budget.tryReserve(tokens);
    if (!reservation) return { minuteWaitMs: budget.minuteWaitMs(tokens), dayWaitMs: budget.dayWaitMs(tokens) };
    const lease: AccountLease = {
      model,
      tokens,
      store: 'local',
      tokenMark: reservation.mark,
      requestMark: reservation.requestMark,
      settled: false,
    };
    this.reservations.set(lease, reservation);
    return { lease };
  }

  settle(lease: AccountLease, usedTokens: number): void {
    const reservation = this.reservations.get(lease);
    if (reservation) this.budget(lease.model).settle(reservation, usedTokens);
    lease.settled = true;
  }

  cancel(lease: AccountLease, options: { keepRequest?: boolean } = {}): void {
    const reservation = this.reservations.get(lease);
    if (reservation) this.budget(lease.model).cancel(reservation, options);
    lease.settled = true;
  }

  clamp(lease: AccountLease, snapshot: RateLimitSnapshot): void {
    // why: Groq's figures are the whole account's; a share holds only part of it, so they lower only the limits
    // (scaled to the share), never the levels, which would then count the other replicas' calls as this one's.
    const budget = this.budget(lease.model);
    if (snapshot.tokensLimit !== undefined) budget.lowerLimit('tpm', Math.floor(snapshot.tokensLimit / this.replicas));
    if (snapshot.requestsLimit !== undefined) {
      budget.lowerLimit('rpd', Math.floor(snapshot.requestsLimit / this.replicas));
    }
  }

  requestsEmpty(lease: AccountLease): void {
    const reservation = this.reservations.get(lease);
    if (reservation) this.budget(lease.model).requestsEmpty(reservation);
  }

  lowerLimit(model: string, dimension: BudgetDimension, limit: number): void {
    this.budget(model).lowerLimit(dimension, Math.max(1, Math.floor(limit / this.replicas)));
  }

  closeUntil(model: string, until: number): void {
    this.budget(model).closeUntil(until);
  }

  exhaustUntil(model: string, until: number): void {
    this.budget(model).exhaustUntil(until);
  }

  state(): AccountBudgetState {
    return { mode: 'local', replicas: this.replicas };
  }

  async close(): Promise<void> {}

  /** What is left of each budget of a model (tests and gauges). */
  remaining(model: string): ModelLimits {
    return this.budget(model).remaining();
  }

  private budget(model: string): ModelBudget {
    const budget = this.budgets.get(model);
    if (!budget) throw new Error(`No account budget for model ${model}`);
    return budget;
  }
}
