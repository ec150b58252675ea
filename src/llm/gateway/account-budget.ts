/**
 * The account's budget: Groq's per-model limits as Groq counts them, for every process that uses the same key.
 * The fair queue and the local `ModelBudget`s stay in each replica; this port is the last gate before a call goes to
 * Groq. In one process the local budgets are the account's budget and no gate is needed; with several replicas the
 * gate is shared (RedisAccountBudget), and each replica's own share (InProcessAccountBudget) stands in while the
 * shared store is unreachable.
 */
import type { RateLimitSnapshot } from '../../core/ports.js';
import type { ModelLimits } from '../model-catalog.js';
import type { BudgetDimension } from './model-budget.js';

/** What one admitted call holds on the account's budget until it is settled or cancelled. */
export interface AccountLease {
  readonly model: string;
  readonly tokens: number;
  /** Which store holds it: the shared one, or this replica's share while the shared one was unreachable. */
  readonly store: 'shared' | 'local';
  /** Running totals of tokens and requests admitted on the model, this call included (orders later from earlier). */
  readonly tokenMark: number;
  readonly requestMark: number;
  settled: boolean;
}

/** Admitted with a lease, or the ms until the call could be (a per-minute wait, or a spent day budget). */
export type AccountAdmission = { lease: AccountLease } | { minuteWaitMs: number; dayWaitMs: number };

export interface AccountBudgetState {
  /** 'shared': every replica draws on one budget; 'local': this replica uses its share (the store is unreachable). */
  mode: 'shared' | 'local';
  /** The divisor of the limits in local mode (TWIN_REPLICAS). */
  replicas: number;
}

export interface AccountBudget {
  /** Takes 1 request and `tokens` (estimated prompt + max completion) from the model's budgets when they fit. */
  take(model: string, tokens: number): Promise<AccountAdmission>;
  /** Corrects a lease with the tokens really used (a refund when fewer). Once per lease. */
  settle(lease: AccountLease, usedTokens: number): void;
  /** Gives a lease back when Groq did not count the call; `keepRequest` when it may have. */
  cancel(lease: AccountLease, options?: { keepRequest?: boolean }): void;
  /** Lowers the levels to what Groq reported on the response to `lease`, less the calls admitted after it. */
  clamp(lease: AccountLease, snapshot: RateLimitSnapshot): void;
  /** After a 429 on requests per minute: Groq had none left, so neither has the budget (less later calls). */
  requestsEmpty(lease: AccountLease): void;
  /** Lowers one limit Groq revealed below the configured one. */
  lowerLimit(model: string, dimension: BudgetDimension, limit: number): void;
  /** Shuts the model for every replica until `until` (epoch ms) after a 429. */
  closeUntil(model: string, until: number): void;
  /** Marks a day limit spent for every replica until `until` (epoch ms). */
  exhaustUntil(model: string, until: number): void;
  state(): AccountBudgetState;
  close(): Promise<void>;
}

/** Each limit divided by the number of replicas (at least 1 of each), for a replica on its own. */
export function shareOf(limits: ModelLimits, replicas: number): ModelLimits {
  const part = (n: number) => Math.max(1, Math.floor(n / replicas));
  return { rpm: part(limits.rpm), tpm: part(limits.tpm), rpd: part(limits.rpd), tpd: part(limits.tpd) };
}
