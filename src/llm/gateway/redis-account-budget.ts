/**
 * The account's budget shared in Redis (REDIS_URL): every replica takes from the same per-model buckets through one
 * atomic Lua script, and what any replica learns from Groq (headers, a 429's retry-after) holds for all of them.
 * While Redis cannot be reached each replica falls back to its own share (limit / TWIN_REPLICAS), says so once, and
 * says once more when Redis is back: it never stops answering because Redis is down.
 */
import { createHash } from 'node:crypto';
import { type Clock, type Logger, type RateLimitSnapshot, type RedisCommands, systemClock } from '../../core/ports.js';
import { scrubSecrets } from '../../core/scrub-secrets.js';
import type { ModelLimits } from '../model-catalog.js';
import {
  type AccountAdmission,
  type AccountBudget,
  type AccountBudgetState,
  type AccountLease,
  shareOf,
} from './account-budget.js';
import { InProcessAccountBudget } from './in-process-account-budget.js';
import { type BudgetDimension, DEFAULT_WINDOW_MS } from './model-budget.js';
import { BUDGET_SCRIPT } from './redis-budget-script.js';

const SCRIPT_SHA = createHash('sha1').update(BUDGET_SCRIPT).digest('hex');
const DIMENSIONS: readonly BudgetDimension[] = ['rpm', 'tpm', 'rpd', 'tpd'];

export interface RedisAccountBudgetOptions {
  redis: RedisCommands;
  /** The account's limits per model (configured, or the catalog's). */
  limits: Record<string, ModelLimits>;
  /** Replicas expected (TWIN_REPLICAS): each one's share while Redis is unreachable is limit / replicas. */
  replicas: number;
  windowMs?: number;
  clock?: Clock;
  logger: Logger;
  /** Prefix of the budget keys (one hash per model). Default "twinbot:budget:". */
  keyPrefix?: string;
  /** While Redis is unreachable, it is tried again at most this often (default 1 000 ms). */
  retryMs?: number;
  /**
   * The longest expected time from admission to the call's arrival at Groq: a full bucket starts refilling this
   * long after a call is taken from it (see redis-budget-script.ts). Default 500 ms, scaled with `windowMs`.
   */
  arrivalMs?: number;
}

export class RedisAccountBudget implements AccountBudget {
  private readonly redis: RedisCommands;
  private readonly limits = new Map<string, ModelLimits>();
  private readonly fallback: InProcessAccountBudget;
  private readonly windowMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly prefix: string;
  private readonly retryMs: number;
  private readonly replicas: number;
  private readonly arrivalMs: number;
  private mode: 'shared' | 'local' = 'shared';
  /** While in local mode: when Redis may be tried again. */
  private retryAt = 0;

  constructor(options: RedisAccountBudgetOptions) {
    this.redis = options.redis;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.prefix = options.keyPrefix ?? 'twinbot:budget:';
    this.retryMs = options.retryMs ?? 1_000;
    this.replicas = options.replicas;
    this.arrivalMs = options.arrivalMs ?? (500 * this.windowMs) / DEFAULT_WINDOW_MS;
    for (const [model, limits] of Object.entries(options.limits)) this.limits.set(model, { ...limits });
    this.fallback = new InProcessAccountBudget({
      limits: Object.fromEntries(Object.entries(options.limits).map(([m, l]) => [m, shareOf(l, options.replicas)])),
      windowMs: this.windowMs,
      clock: this.clock,
      replicas: options.replicas,
    });
  }

  async take(model: string, tokens: number): Promise<AccountAdmission> {
    if (this.mode === 'local' && this.clock.now() < this.retryAt) return this.fallback.take(model, tokens);
    let reply: number[];
    try {
      reply = (await this.run(model, 'take', [tokens, this.arrivalMs])) as number[];
    } catch (err) {
      this.down(err);
      return this.fallback.take(model, tokens);
    }
    this.up();
    const [admitted, a, b] = reply.map(Number) as [number, number, number];
    if (admitted !== 1) return { minuteWaitMs: a, dayWaitMs: b };
    return { lease: { model, tokens, store: 'shared', tokenMark: a, requestMark: b, settled: false } };
  }

  settle(lease: AccountLease, usedTokens: number): void {
    if (lease.settled) return;
    if (lease.store === 'local') {
      this.fallback.settle(lease, usedTokens);
      return;
    }
    lease.settled = true;
    const refund = lease.tokens - usedTokens;
    if (refund !== 0) this.send(lease.model, 'add', [0, refund, 0, refund]);
  }

  cancel(lease: AccountLease, options: { keepRequest?: boolean } = {}): void {
    if (lease.settled) return;
    if (lease.store === 'local') {
      this.fallback.cancel(lease, options);
      return;
    }
    lease.settled = true;
    const requests = options.keepRequest ? 0 : 1;
    this.send(lease.model, 'add', [requests, lease.tokens, requests, lease.tokens]);
  }

  clamp(lease: AccountLease, snapshot: RateLimitSnapshot): void {
    if (snapshot.tokensLimit !== undefined) this.lowerLimit(lease.model, 'tpm', snapshot.tokensLimit);
    if (snapshot.requestsLimit !== undefined) this.lowerLimit(lease.model, 'rpd', snapshot.requestsLimit);
    if (lease.store === 'local') return;
    if (snapshot.tokensRemaining !== undefined) {
      this.send(lease.model, 'clamp', [2, snapshot.tokensRemaining, 't', lease.tokenMark]);
    }
    if (snapshot.requestsRemaining !== undefined) {
      this.send(lease.model, 'clamp', [3, snapshot.requestsRemaining, 'r', lease.requestMark]);
    }
  }

  requestsEmpty(lease: AccountLease): void {
    if (lease.store === 'local') {
      this.fallback.requestsEmpty(lease);
      return;
    }
    this.send(lease.model, 'clamp', [1, 0, 'r', lease.requestMark]);
  }

  lowerLimit(model: string, dimension: BudgetDimension, limit: number): void {
    const limits = this.limits.get(model);
    if (!limits || limit <= 0 || limit >= limits[dimension]) return;
    limits[dimension] = limit;
    this.fallback.lowerLimit(model, dimension, limit);
  }

  closeUntil(model: string, until: number): void {
    // why: the share learns the gate too, so a replica that loses Redis right after a 429 still waits it out.
    this.fallback.closeUntil(model, until);
    this.send(model, 'gate', ['closed', until]);
  }

  exhaustUntil(model: string, until: number): void {
    this.fallback.exhaustUntil(model, until);
    this.send(model, 'gate', ['exhausted', until]);
  }

  state(): AccountBudgetState {
    return { mode: this.mode, replicas: this.replicas };
  }

  async close(): Promise<void> {}

  /** What is left of each shared budget of a model, and its gates (tests and gauges). */
  async read(model: string): Promise<ModelLimits & { closedUntil: number; exhaustedUntil: number }> {
    const reply = ((await this.run(model, 'read', [])) as string[]).map(Number);
    const [rpm, tpm, rpd, tpd, closedUntil, exhaustedUntil] = reply as [number, number, number, number, number, number];
    return { rpm, tpm, rpd, tpd, closedUntil, exhaustedUntil };
  }

  /** A change whose answer nobody waits for; a failure only switches to local mode. */
  private send(model: string, op: string, args: (string | number)[]): void {
    if (this.mode === 'local' && this.clock.now() < this.retryAt) return;
    this.run(model, op, args).then(
      () => this.up(),
      (err) => this.down(err),
    );
  }

  private async run(model: string, op: string, args: (string | number)[]): Promise<unknown> {
    const limits = this.limits.get(model);
    if (!limits) throw new Error(`No account budget for model ${model}`);
    const argv = [op, this.clock.now(), ...DIMENSIONS.map((d) => limits[d]), this.windowMs, ...args].map(String);
    const key = `${this.prefix}${model}`;
    try {
      return await this.redis.sendCommand(['EVALSHA', SCRIPT_SHA, '1', key, ...argv]);
    } catch (err) {
      // why: Redis forgets scripts on restart (and a new server never had it): send it whole once, then by hash.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await this.redis.sendCommand(['EVAL', BUDGET_SCRIPT, '1', key, ...argv]);
    }
  }

  private down(err: unknown): void {
    this.retryAt = this.clock.now() + this.retryMs;
    if (this.mode === 'local') return;
    this.mode = 'local';
    const reason = scrubSecrets(err instanceof Error ? err.message : String(err));
    this.logger.warn(
      { event: 'llm.budget_local', replicas: this.replicas, reason },
      `Redis cannot be reached (${reason}): this replica now keeps to its own share of the Groq limits ` +
        `(1/${this.replicas}, TWIN_REPLICAS) and keeps answering. Check REDIS_URL and that Redis is running.`,
    );
  }

  private up(): void {
    if (this.mode === 'shared') return;
    this.mode = 'shared';
    this.logger.warn(
      { event: 'llm.budget_shared' },
      'Redis is reachable again: the Groq limits are shared by every replica again',
    );
  }
}
