/**
 * The LLM gateway (issue 5): fair per-tenant queues in front of Groq's per-model budgets, one retry layer with
 * fallbacks and circuit breakers, and a clear "busy" instead of a 429 or an endless wait. It wraps the bare client
 * (`GroqLlmClient`, one attempt per call) and is itself an `LlmClient`.
 */
import { TwinError } from '../../core/errors.js';
import { type Clock, type LlmCall, type LlmClient, type LlmEvent, type Logger, systemClock } from '../../core/ports.js';
import { systemTimers, type TimerHandle, type Timers } from '../../core/timers.js';
import { describeModel, type ModelLimits } from '../model-catalog.js';
import type { AccountBudget, AccountBudgetState } from './account-budget.js';
import { AdmissionControl, type Grant, type ModelGauge } from './admission-control.js';
import { type AttemptContext, runAttempt } from './attempt-runner.js';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, scaleBackoff } from './backoff.js';
import { CallTicket, type PromptEstimator } from './call-ticket.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { DEFAULT_MAX_CONCURRENT } from './concurrency.js';
import { DEFAULT_WINDOW_MS, ModelBudget } from './model-budget.js';
import { estimatePromptTokens, loadTokenizers } from './token-estimate.js';

export interface LlmGatewayOptions {
  /** The bare client that makes one attempt per `stream` (GroqLlmClient, SDK retries off). */
  inner: LlmClient;
  /** Primary model first, then the fallbacks (GROQ_MODEL, GROQ_FALLBACK_MODELS). */
  models: string[];
  /** Limits per model; a model missing here takes the catalog's free-plan limits. */
  limits: Record<string, ModelLimits>;
  /** Completion limit when a call sets none (GROQ_MAX_TOKENS); reserved in full at admission. */
  maxTokens: number;
  /** Length of the "minute" (60 000 in production). Backoff, breaker cool-down and pauses scale with it. */
  windowMs?: number;
  /**
   * The account's budget shared with other replicas (RedisAccountBudget when REDIS_URL is set): every call passes it
   * after this replica's fair queue and budgets, and what Groq reports is passed on to it. Absent: one process.
   */
  account?: AccountBudget;
  /**
   * The most calls in flight at once (GROQ_MAX_CONCURRENT). The cap in force follows the budgets and the observed
   * answer duration: about RPM x latency / 60 s, at least 2, at most this. Default 64.
   */
  maxConcurrent?: number;
  /** Calls one tenant may have waiting (TWIN_MAX_QUEUE_PER_TENANT). */
  maxQueuePerTenant: number;
  /**
   * Calls a tenant that had nothing waiting may be served ahead of tenants already being served, so an occasional
   * question overtakes a flood (bounded, so the flood is never starved). Default: maxConcurrent, at most 8 (the
   * old fixed cap: a ceiling of 64 must not let a newcomer jump 64 places). 0 = plain round-robin.
   */
  newcomerCredit?: number;
  /** Attempts per call that may end in a retryable failure. Default 4. Moving to a fallback model is not counted. */
  maxAttempts?: number;
  clock?: Clock;
  /** Where the gateway's waits (deadline checks, backoff, admission wake-ups) get their timers. Default: Node's. */
  timers?: Timers;
  /** Uniform in [0, 1) for jitter. */
  random?: () => number;
  logger?: Logger;
  /** First guess of one answer's duration, for deadline checks, until answers are observed. Default 3 000 ms. */
  expectedAnswerMs?: number;
  /** Waiting calls get a new `queued` place at most this often (default 1 000 ms; 0 = on every change). */
  positionUpdateMs?: number;
  /** Consecutive failures that open a model's breaker (default 5) and its cool-down (default 30 s, scaled). */
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  /** Backoff before retries (default 500 ms doubling to 8 s, + up to 1 s on retry-after; scaled). */
  backoff?: Partial<BackoffOptions>;
  /** After a 401/403, calls fail at once with `auth` for this long (default 5 min, scaled). */
  authPauseMs?: number;
  /** A retired or unknown model is skipped for this long before it is tried again (default 10 min, scaled). */
  modelGoneMs?: number;
  /** Prompt-token estimate; default gpt-tokenizer with the model family's vocabulary. */
  estimatePromptTokens?: PromptEstimator;
}

export interface GatewayGauges {
  inFlight: number;
  /** The cap on calls in flight now (follows the limits and the observed answer duration). */
  maxInFlight: number;
  queued: number;
  /** Waiting calls per tenant (tenants with none are left out). */
  queueDepth: Record<string, number>;
  /** Remaining budgets, limits in force, gates and breaker per model. */
  models: Record<string, ModelGauge>;
  /** Whether the shared account budget is in use or this replica keeps to its share (absent: one process). */
  account?: AccountBudgetState;
  /** Epoch ms until which calls fail with `auth` after Groq refused the key. */
  authBlockedUntil?: number;
}

const NOOP_LOGGER: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => NOOP_LOGGER,
};

export class LlmGateway implements LlmClient {
  readonly models: readonly string[];
  private readonly inner: LlmClient;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly maxTokens: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly authPauseMs: number;
  private readonly modelGoneMs: number;
  private readonly estimate: PromptEstimator;
  private readonly budgets = new Map<string, ModelBudget>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly admission: AdmissionControl;
  private readonly account: AccountBudget | undefined;
  private authBlockedUntil = 0;
  private authError: TwinError | undefined;
  private readonly attemptContext: AttemptContext;

  constructor(options: LlmGatewayOptions) {
    if (options.models.length === 0) throw new TwinError('config', 'The gateway needs at least one model');
    this.models = [...new Set(options.models)];
    this.inner = options.inner;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.logger = options.logger ?? NOOP_LOGGER;
    this.maxTokens = options.maxTokens;
    this.maxAttempts = options.maxAttempts ?? 4;
    const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    const scale = windowMs / DEFAULT_WINDOW_MS;
    this.backoff = { ...scaleBackoff(DEFAULT_BACKOFF, scale), ...options.backoff, random: options.random };
    this.authPauseMs = options.authPauseMs ?? 300_000 * scale;
    this.modelGoneMs = options.modelGoneMs ?? 600_000 * scale;
    this.estimate = options.estimatePromptTokens ?? estimatePromptTokens;
    for (const model of this.models) {
      const limits = options.limits[model] ?? describeModel(model)?.limits;
      if (!limits) {
        throw new TwinError(
          'config',
          `No rate limits known for model "${model}": set GROQ_RPM, GROQ_TPM, GROQ_RPD, GROQ_TPD`,
        );
      }
      this.budgets.set(model, new ModelBudget(model, limits, { windowMs, clock: this.clock }));
      this.breakers.set(
        model,
        new CircuitBreaker({
          failureThreshold: options.breaker?.failureThreshold ?? 5,
          cooldownMs: options.breaker?.cooldownMs ?? 30_000 * scale,
          clock: this.clock,
        }),
      );
    }
    this.account = options.account;
    this.admission = new AdmissionControl({
      models: this.models,
      budgets: this.budgets,
      breakers: this.breakers,
      account: this.account,
      maxConcurrent: options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
      maxQueuePerTenant: options.maxQueuePerTenant,
      newcomerCredit: options.newcomerCredit ?? Math.min(options.maxConcurrent ?? 8, 8),
      expectedAnswerMs: options.expectedAnswerMs ?? 3_000,
      positionUpdateMs: options.positionUpdateMs ?? 1_000,
      clock: this.clock,
      timers: this.timers,
      logger: this.logger,
    });
    this.attemptContext = {
      inner: this.inner,
      budgets: this.budgets,
      breakers: this.breakers,
      admission: this.admission,
      account: this.account,
      clock: this.clock,
      logger: this.logger,
    };
  }

  /**
   * Queues the call fairly, then streams it through the inner client: `queued` while waiting (when the place
   * changes), `attempt` before each attempt, the inner `limits`/`delta`/`usage`, `restart` when a retry voids text
   * already streamed, and `done`. Throws `TwinError`: `busy` (queue full or the deadline cannot be met, with
   * `retryAfterMs`), `auth`, or the last attempt's error.
   */
  async *stream(call: LlmCall): AsyncGenerator<LlmEvent> {
    this.throwIfAuthBlocked();
    if (call.signal?.aborted) throw new TwinError('aborted', 'The question was cancelled');
    const maxTokens = call.maxTokens ?? this.maxTokens;
    const vocabularies = this.estimate === estimatePromptTokens ? loadTokenizers(this.models) : undefined;
    if (vocabularies) await vocabularies;
    const models = this.callModels(call);
    const ticket = new CallTicket(call.tenantId, call.deadline, call.messages, maxTokens, this.estimate, models);
    ticket.costFor((models ?? this.models)[0] as string);
    const onAbort = () => {
      ticket.failure ??= new TwinError('aborted', 'The question was cancelled');
      this.admission.remove(ticket);
      ticket.notify();
    };
    call.signal?.addEventListener('abort', onAbort, { once: true });
    let attempt = 0;
    let failures = 0;
    let front = false;
    try {
      while (true) {
        yield* this.waitForSlot(ticket, front);
        const grant = ticket.grant as Grant;
        ticket.grant = undefined;
        attempt += 1;
        yield { type: 'attempt', model: grant.model, attempt, queueMs: grant.at - ticket.enqueuedAt };
        const outcome = yield* runAttempt(
          this.attemptContext,
          { ...call, maxTokens },
          grant,
          attempt,
          ticket.enqueuedAt,
        );
        if ('done' in outcome) {
          yield outcome.done;
          return;
        }
        const { error } = outcome;
        if (error.retryable && error.limitScope !== 'day') failures += 1;
        const delayMs = this.retryDelay(error, grant.model, ticket, failures);
        // why: the person already saw part of this answer; the retry starts over, so the text must go (DESIGN.md).
        if (outcome.shown) yield { type: 'restart' };
        if (delayMs > 0) await this.sleep(delayMs, ticket);
        front = true;
      }
    } finally {
      call.signal?.removeEventListener('abort', onAbort);
      this.admission.remove(ticket);
    }
  }

  gauges(): GatewayGauges {
    const gauges: GatewayGauges = this.admission.gauges();
    if (this.authBlockedUntil > this.clock.now()) gauges.authBlockedUntil = this.authBlockedUntil;
    return gauges;
  }

  async close(): Promise<void> {
    await this.admission.close();
    await this.account?.close();
    await this.inner.close?.();
  }

  /** Enqueues the ticket and waits for its grant, yielding its place when it changes; fails fast when it cannot
   *  be admitted in time. */
  private async *waitForSlot(ticket: CallTicket, front: boolean): AsyncGenerator<LlmEvent, void> {
    this.throwIfAuthBlocked();
    if (ticket.failure) throw ticket.failure;
    if (!this.admission.enqueue(ticket, { front })) {
      const head = this.admission.queue.head(ticket.tenantId);
      const waitMs = head ? this.admission.estimateWaitMs(head) : this.admission.expectedAnswerMs;
      throw this.busy(`Too many questions from here are already waiting`, waitMs);
    }
    let lastPosition: number | undefined;
    let timer: TimerHandle;
    try {
      while (!ticket.grant) {
        if (ticket.failure) throw ticket.failure;
        const changed = ticket.changed();
        const now = this.clock.now();
        const waitMs = this.admission.estimateWaitMs(ticket);
        const latestStart = ticket.deadline - this.admission.expectedAnswerMs;
        if (now + waitMs > latestStart) {
          this.admission.remove(ticket);
          // why: a spent day budget is not "busy": the person should hear it lasts until tomorrow.
          if (this.admission.dayExhausted(ticket)) {
            throw new TwinError('rate_limited', "Groq's daily limit is spent on every configured model", {
              retryAfterMs: waitMs,
              limitScope: 'day',
              retryable: false,
            });
          }
          throw this.busy('The twin cannot answer in time right now', waitMs);
        }
        const place = this.admission.place(ticket);
        if (place && place.position !== lastPosition && (waitMs > 0 || place.ahead > 0)) {
          lastPosition = place.position;
          yield { type: 'queued', position: place.position };
          continue;
        }
        this.timers.clearTimeout(timer);
        timer = this.timers.setTimeout(() => ticket.notify(), latestStart - now);
        await changed;
      }
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  /** Ms to wait before requeueing after `error`, or throws when the call must end. */
  private retryDelay(error: TwinError, model: string, ticket: CallTicket, failures: number): number {
    const now = this.clock.now();
    const budget = this.budgets.get(model) as ModelBudget;
    if (error.code === 'auth') {
      this.blockAuth(error);
      throw this.authError as TwinError;
    }
    if (error.code === 'model_gone') {
      this.admission.markGone(model, now + this.modelGoneMs);
      ticket.skip.add(model);
      if (!this.admission.hasUsableModel(ticket.skip, ticket.models)) throw error;
      return 0;
    }
    if (error.code === 'rate_limited' && error.limitScope === 'day') {
      // why: a spent day budget moves calls to the fallback model; the gateway checks again after retry-after.
      budget.exhaustUntil(now + (error.retryAfterMs ?? budget.windowMs));
      this.account?.exhaustUntil(model, now + (error.retryAfterMs ?? budget.windowMs));
      return 0;
    }
    if (!error.retryable || failures >= this.maxAttempts) throw error;
    const delayMs = backoffDelay(failures, this.backoff, error.retryAfterMs);
    if (error.code === 'rate_limited') {
      // why: close the model's gate for everyone and requeue, instead of sleeping in a slot (issue 5).
      budget.closeUntil(now + delayMs);
      // why: a 429 on one replica means the account is out: every replica waits, not only this one.
      this.account?.closeUntil(model, now + delayMs);
      return 0;
    }
    if (now + delayMs + this.admission.expectedAnswerMs > ticket.deadline) throw error;
    return delayMs;
  }

  /**
   * A call's own model order (an experiment arm's), checked against the gateway's: every model needs a budget here,
   * which main.ts gives by building the gateway with every arm's models.
   */
  private callModels(call: LlmCall): readonly string[] | undefined {
    if (!call.models) return undefined;
    const models = [...new Set(call.models)];
    const unknown = models.filter((m) => !this.budgets.has(m));
    if (models.length === 0 || unknown.length > 0) {
      throw new TwinError(
        'config',
        `The gateway has no budget for ${unknown.join(', ') || 'an empty model list'}: build it with every model a call may name`,
      );
    }
    return models;
  }

  private blockAuth(error: TwinError): void {
    const now = this.clock.now();
    const alreadyBlocked = this.authBlockedUntil > now;
    this.authBlockedUntil = now + this.authPauseMs;
    this.authError = new TwinError('auth', 'Groq refused the API key: the twin is misconfigured', {
      status: error.status,
      model: error.model,
    });
    if (!alreadyBlocked) {
      this.logger.error(
        { event: 'llm.auth', model: error.model, status: error.status, pauseMs: this.authPauseMs },
        'Groq refused the API key (401/403): check GROQ_API_KEY. Questions fail at once without calling Groq for a while.',
      );
    }
    this.admission.failAll(this.authError);
  }

  private throwIfAuthBlocked(): void {
    if (this.authError && this.authBlockedUntil > this.clock.now()) throw this.authError;
  }

  private busy(message: string, waitMs: number): TwinError {
    const retryAfterMs = Number.isFinite(waitMs) ? Math.max(1_000, Math.ceil(waitMs)) : undefined;
    return new TwinError('busy', message, { retryAfterMs });
  }

  /** Sleeps the backoff outside any slot; cut short only by the call's own failure (abort). */
  private async sleep(ms: number, ticket: CallTicket): Promise<void> {
    if (ticket.failure) throw ticket.failure;
    const changed = ticket.changed();
    const timer = this.timers.setTimeout(() => ticket.notify(), ms);
    await changed;
    this.timers.clearTimeout(timer);
    if (ticket.failure) throw ticket.failure;
  }
}
