/**
 * Decides which waiting call runs next, on which model, and when: the fair queue, the model budgets, the circuit
 * breakers and the slots in flight (a SlotPool: bottleneck caps them).
 */
import { TwinError } from '../../core/errors.js';
import type { Clock, Logger } from '../../core/ports.js';
import { cappedDelay, systemTimers, type TimerHandle, type Timers } from '../../core/timers.js';
import type { AccountBudget, AccountBudgetState, AccountLease } from './account-budget.js';
import type { BreakerState, CircuitBreaker } from './circuit-breaker.js';
import { concurrencyFor } from './concurrency.js';
import { FairQueue, type QueuePlace } from './fair-queue.js';
import { type BudgetGauge, type BudgetReservation, DEFAULT_WINDOW_MS, type ModelBudget } from './model-budget.js';
import { SlotPool } from './slot-pool.js';

/** A slot and a reservation held by one admitted attempt. */
export interface Grant {
  readonly model: string;
  readonly reservation: BudgetReservation;
  /** What it holds on the shared account budget, when there is one. */
  readonly lease?: AccountLease;
  /** Epoch ms of admission. */
  readonly at: number;
  /** Frees the slot; safe to call more than once. */
  release(): void;
}

/** One call waiting for (or holding) a slot. The gateway owns it; admission control fills `grant` or `failure`. */
export interface Ticket {
  readonly tenantId: string;
  /** Epoch ms by which the whole call must be over. */
  readonly deadline: number;
  /** Epoch ms when it (re)entered the queue. */
  enqueuedAt: number;
  /** Models this call must not use any more. */
  readonly skip: Set<string>;
  /** The models this call may use, preferred first; absent: every model, in the configured order. */
  readonly models?: readonly string[];
  /** Tokens to reserve on a model: estimated prompt + max completion. */
  costFor(model: string): number;
  grant?: Grant;
  failure?: TwinError;
  /** Called when the ticket was granted or failed, or when its place in the queue may have changed. */
  notify(): void;
}

export interface AdmissionOptions {
  models: readonly string[];
  budgets: ReadonlyMap<string, ModelBudget>;
  breakers: ReadonlyMap<string, CircuitBreaker>;
  /**
   * The account's budget shared with other replicas (REDIS_URL): the last gate before a call goes to Groq, after the
   * fair queue and this replica's own budgets. Absent: this process is the only one, its budgets are the account's.
   */
  account?: AccountBudget;
  /**
   * The most calls in flight (GROQ_MAX_CONCURRENT). The cap in force follows the budgets and the observed answer
   * duration (see concurrency.ts), within 2 and this.
   */
  maxConcurrent: number;
  maxQueuePerTenant: number;
  /** Calls an idle tenant may be served ahead of tenants already being served (see FairQueue). */
  newcomerCredit: number;
  /** Initial guess of one answer's duration, refined from observed answers. */
  expectedAnswerMs: number;
  /** Waiting calls hear about a changed place at most this often (0 = at once). */
  positionUpdateMs: number;
  clock: Clock;
  /** Where the wake and position timers come from; every delay is capped at 2^31-1 ms. Default: Node's. */
  timers?: Timers;
  logger: Logger;
}

export interface ModelGauge extends BudgetGauge {
  breaker: BreakerState;
  /** Retired or unknown at Groq (model_gone), skipped until `goneUntil`. */
  goneUntil?: number;
}

type Choice = { model: string; waitMs: number } | { model?: undefined; waitMs: number } | { none: TwinError };

export class AdmissionControl {
  readonly queue: FairQueue<Ticket>;
  private readonly o: AdmissionOptions;
  private readonly slots: SlotPool;
  private readonly gone = new Map<string, number>();
  private readonly timers: Timers;
  private wakeTimer: TimerHandle;
  private positionTimer: TimerHandle;
  private closed = false;
  /** The ticket whose admission the shared account budget is deciding (one at a time keeps the queue's order). */
  private confirming: { ticket: Ticket; abandoned: boolean } | undefined;
  /** Per model: epoch ms until which the shared account budget said no call fits. */
  private readonly accountGate = new Map<string, number>();
  /** Observed answer duration (EWMA) and real/estimated token ratio (EWMA), for wait estimates. */
  private answerMs: number;
  private costRatio = 1;

  constructor(options: AdmissionOptions) {
    this.o = options;
    this.timers = options.timers ?? systemTimers;
    this.queue = new FairQueue<Ticket>({
      maxPerTenant: options.maxQueuePerTenant,
      newcomerCredit: options.newcomerCredit,
    });
    this.answerMs = options.expectedAnswerMs;
    this.slots = new SlotPool({
      maxConcurrent: this.wantedConcurrency(),
      clock: options.clock,
      logger: options.logger,
      demand: () => this.queue.size,
      onIdle: () => this.pump(),
    });
  }

  get expectedAnswerMs(): number {
    return this.answerMs;
  }

  get inFlight(): number {
    return this.slots.inFlight;
  }

  /** The cap on calls in flight now: derived from the budgets and the observed answer duration. */
  get maxConcurrent(): number {
    return this.slots.maxConcurrent;
  }

  /** Queues a ticket (a retried call goes `front`) and admits what can run. False when its tenant's queue is full. */
  enqueue(ticket: Ticket, options: { front?: boolean } = {}): boolean {
    ticket.enqueuedAt = this.o.clock.now();
    if (!this.queue.push(ticket.tenantId, ticket, options)) return false;
    this.pump();
    this.notifyQueued();
    return true;
  }

  /** Takes a ticket out of the queue (caller gave up, deadline). */
  remove(ticket: Ticket): void {
    if (this.confirming?.ticket === ticket) this.confirming.abandoned = true;
    if (this.queue.remove(ticket)) this.notifyQueued();
  }

  place(ticket: Ticket): QueuePlace | undefined {
    return this.queue.place(ticket);
  }

  /**
   * Estimated ms until a queued ticket is admitted: the budget refill needed for it and every call ahead of it
   * (at the observed real/estimated token ratio), or the slots, or the model's gate, whichever is longest.
   */
  estimateWaitMs(ticket: Ticket): number {
    const place = this.queue.place(ticket) ?? { ahead: 0, position: 1 };
    const choice = this.choose(ticket);
    if ('none' in choice) return Number.POSITIVE_INFINITY;
    if (!choice.model) return choice.waitMs;
    const budget = this.o.budgets.get(choice.model) as ModelBudget;
    const cost = ticket.costFor(choice.model);
    const budgetMs = budget.drainMs(place.ahead + 1, place.ahead * cost * this.costRatio + cost);
    const free = this.slots.available;
    const waves = Math.ceil(Math.max(0, place.ahead + 1 - free) / this.slots.maxConcurrent);
    // why: choice.waitMs holds the shared account's "wait", which the local budget's refill knows nothing of.
    return Math.max(budgetMs, waves * this.answerMs, choice.waitMs);
  }

  /** Feeds the estimates with one finished answer. */
  observe(answerMs: number, reservedTokens: number, usedTokens: number | undefined): void {
    this.answerMs = this.answerMs * 0.8 + answerMs * 0.2;
    if (usedTokens !== undefined && reservedTokens > 0) {
      this.costRatio = this.costRatio * 0.8 + Math.min(1, usedTokens / reservedTokens) * 0.2;
    }
  }

  /** Skips a model Groq retired or does not know, until `until`. */
  markGone(model: string, until: number): void {
    this.gone.set(model, until);
  }

  /** Whether every model this ticket may use has spent a day budget: waiting means waiting for tomorrow. */
  dayExhausted(ticket: Ticket): boolean {
    const usable = this.modelsOf(ticket).filter((m) => !ticket.skip.has(m) && !this.isGone(m));
    return (
      usable.length > 0 && usable.every((m) => (this.o.budgets.get(m) as ModelBudget).dayWaitMs(ticket.costFor(m)) > 0)
    );
  }

  /** Whether any model other than those in `skip` could still serve a call (among `models`, default all). */
  hasUsableModel(skip: ReadonlySet<string>, models: readonly string[] = this.o.models): boolean {
    return models.some((m) => !skip.has(m) && !this.isGone(m));
  }

  /** The models a ticket may use, in its order of preference. */
  private modelsOf(ticket: Ticket): readonly string[] {
    return ticket.models ?? this.o.models;
  }

  /** Fails every queued ticket with `error` (key refused, shutting down). */
  failAll(error: TwinError): void {
    for (const ticket of this.queue.clear()) {
      ticket.failure = error;
      ticket.notify();
    }
  }

  /** Admits queued calls while a slot is free and the chosen model's budgets allow; else sets a timer. */
  pump(): void {
    if (this.closed) return;
    // why: every finished call passes here (its slot goes idle), so the cap follows each new latency or limit.
    this.retune();
    let shifted = false;
    let waitMs = Number.POSITIVE_INFINITY;
    while (this.queue.size > 0 && !this.confirming) {
      const ticket = this.queue.peek() as Ticket;
      const choice = this.choose(ticket);
      if ('none' in choice) {
        this.queue.shift();
        shifted = true;
        ticket.failure = choice.none;
        ticket.notify();
        continue;
      }
      if (!choice.model || choice.waitMs > 0) {
        waitMs = choice.waitMs;
        break;
      }
      const budget = this.o.budgets.get(choice.model) as ModelBudget;
      const cost = ticket.costFor(choice.model);
      if (budget.waitMs(cost) > 0) {
        waitMs = Math.max(1, budget.waitMs(cost));
        break;
      }
      const release = this.slots.acquire(ticket.deadline);
      if (!release) break;
      const reservation = budget.tryReserve(cost) as BudgetReservation;
      this.queue.shift();
      shifted = true;
      if (this.o.account) {
        this.confirm(ticket, choice.model, reservation, release, this.o.account);
        break;
      }
      (this.o.breakers.get(choice.model) as CircuitBreaker).tryAcquire();
      ticket.grant = { model: choice.model, reservation, at: this.o.clock.now(), release };
      ticket.notify();
    }
    this.scheduleWake(waitMs);
    if (shifted) this.notifyQueued();
  }

  gauges(): {
    inFlight: number;
    maxInFlight: number;
    queued: number;
    queueDepth: Record<string, number>;
    models: Record<string, ModelGauge>;
    account?: AccountBudgetState;
  } {
    const models: Record<string, ModelGauge> = {};
    for (const model of this.o.models) {
      const gauge: ModelGauge = {
        ...(this.o.budgets.get(model) as ModelBudget).gauge(),
        breaker: (this.o.breakers.get(model) as CircuitBreaker).state,
      };
      if (this.isGone(model)) gauge.goneUntil = this.gone.get(model) as number;
      models[model] = gauge;
    }
    return {
      inFlight: this.inFlight,
      maxInFlight: this.slots.maxConcurrent,
      queued: this.queue.size,
      queueDepth: this.queue.depths(),
      models,
      ...(this.o.account ? { account: this.o.account.state() } : {}),
    };
  }

  /** Fails queued calls, ends idle slots and waits for running ones. */
  async close(): Promise<void> {
    this.failAll(new TwinError('aborted', 'The twin is shutting down'));
    this.closed = true;
    this.scheduleWake(Number.POSITIVE_INFINITY);
    this.timers.clearTimeout(this.positionTimer);
    await this.slots.close();
  }

  /** Sets the slots' cap to what the limits in force and the observed answer duration call for. */
  private retune(): void {
    const wanted = this.wantedConcurrency();
    if (wanted === this.slots.maxConcurrent) return;
    this.o.logger.debug(
      { event: 'llm.concurrency', from: this.slots.maxConcurrent, to: wanted, answerMs: Math.round(this.answerMs) },
      'calls in flight follow the limits',
    );
    this.slots.resize(wanted);
  }

  /**
   * rpm x answer duration / window for the model with the most requests a window among those not gone.
   * why: the highest, not the primary's: a fallback taking calls (primary's day spent, breaker open) must not be
   * starved of slots, and the budgets, not the slots, keep every model within its limits.
   */
  private wantedConcurrency(): number {
    let rpm = 0;
    let windowMs = DEFAULT_WINDOW_MS;
    for (const model of this.o.models) {
      if (this.isGone(model)) continue;
      const budget = this.o.budgets.get(model) as ModelBudget;
      rpm = Math.max(rpm, budget.limits().rpm);
      windowMs = budget.windowMs;
    }
    return concurrencyFor({ rpm, answerMs: this.answerMs, windowMs, max: this.o.maxConcurrent });
  }

  /** The first model (in preference order) that can take the call, or how long until one can. */
  private choose(ticket: Ticket): Choice {
    const now = this.o.clock.now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const model of this.modelsOf(ticket)) {
      if (ticket.skip.has(model) || this.isGone(model)) continue;
      const budget = this.o.budgets.get(model) as ModelBudget;
      const cost = ticket.costFor(model);
      // why: a spent day budget (or a day 429) moves calls to the fallback model instead of waiting hours.
      const dayMs = budget.dayWaitMs(cost);
      if (dayMs > 0) {
        soonest = Math.min(soonest, dayMs);
        continue;
      }
      const breaker = this.o.breakers.get(model) as CircuitBreaker;
      if (!breaker.canPass()) {
        soonest = Math.min(
          soonest,
          Math.max(1, (breaker.retryAt ?? now) - now, breaker.state === 'open' ? 0 : this.answerMs),
        );
        continue;
      }
      return { model, waitMs: Math.max(budget.minuteWaitMs(cost), (this.accountGate.get(model) ?? 0) - now) };
    }
    if (soonest === Number.POSITIVE_INFINITY) {
      const names = this.modelsOf(ticket).join(', ');
      return {
        none: new TwinError('model_gone', `None of the configured models (${names}) is served by Groq any more`),
      };
    }
    return { waitMs: soonest };
  }

  /**
   * Asks the shared account budget for a call this replica would admit. Yes: the ticket gets its grant. No: the
   * local reservation and slot go back, the ticket returns to the head of its queue, and the model waits as long as
   * the account said (a spent day moves calls to the fallback model, as a local one does).
   */
  private confirm(
    ticket: Ticket,
    model: string,
    reservation: BudgetReservation,
    release: () => void,
    account: AccountBudget,
  ): void {
    const confirming = { ticket, abandoned: false };
    this.confirming = confirming;
    const budget = this.o.budgets.get(model) as ModelBudget;
    const decided = (admission: Awaited<ReturnType<AccountBudget['take']>>) => {
      this.confirming = undefined;
      const gone = confirming.abandoned || ticket.failure !== undefined || this.closed;
      if ('lease' in admission && !gone) {
        (this.o.breakers.get(model) as CircuitBreaker).tryAcquire();
        ticket.grant = { model, reservation, lease: admission.lease, at: this.o.clock.now(), release };
        ticket.notify();
      } else {
        budget.cancel(reservation);
        release();
        if ('lease' in admission) account.cancel(admission.lease);
        else {
          const now = this.o.clock.now();
          if (admission.dayWaitMs > 0) budget.exhaustUntil(now + admission.dayWaitMs);
          if (admission.minuteWaitMs > 0) this.accountGate.set(model, now + admission.minuteWaitMs);
        }
        if (this.closed) {
          ticket.failure ??= new TwinError('aborted', 'The twin is shutting down');
          ticket.notify();
        } else if (!gone) {
          ticket.enqueuedAt = Math.min(ticket.enqueuedAt, this.o.clock.now());
          this.queue.push(ticket.tenantId, ticket, { front: true });
        } else ticket.notify();
      }
      this.pump();
    };
    account.take(model, ticket.costFor(model)).then(decided, (err: unknown) => {
      // why: the implementations answer from a local share when their store fails; this is a fault in them.
      this.o.logger.error({ event: 'llm.account_failed', err }, 'the account budget failed');
      decided({ minuteWaitMs: 1_000, dayWaitMs: 0 });
    });
  }

  private isGone(model: string): boolean {
    const until = this.gone.get(model);
    return until !== undefined && until > this.o.clock.now();
  }

  private scheduleWake(waitMs: number): void {
    this.timers.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (!Number.isFinite(waitMs) || this.queue.size === 0) return;
    // why: a wait past 2^31-1 ms (a day budget spent for weeks) wakes at the cap and pump() sets the next timer,
    // instead of overflowing into a 1 ms wake loop.
    this.wakeTimer = this.timers.setTimeout(() => {
      this.wakeTimer = undefined;
      this.pump();
    }, cappedDelay(waitMs));
  }

  /**
   * Tells waiting calls their place may have changed. why: every admission moves every waiting call up one place;
   * waking hundreds of waiters per admission costs the calls in flight more than progress notes are worth.
   */
  private notifyQueued(): void {
    if (this.o.positionUpdateMs <= 0) {
      for (const ticket of this.queue.items()) ticket.notify();
      return;
    }
    if (this.positionTimer) return;
    this.positionTimer = this.timers.setTimeout(() => {
      this.positionTimer = undefined;
      for (const ticket of this.queue.items()) ticket.notify();
    }, cappedDelay(this.o.positionUpdateMs));
    this.positionTimer?.unref?.();
  }
}
