/**
 * Runs one admitted attempt through the inner client and does the bookkeeping around it.
 */
import { asTwinError, TwinError } from '../../core/errors.js';
import type { Clock, LlmCall, LlmClient, LlmEvent, Logger, RateLimitSnapshot } from '../../core/ports.js';
import type { AccountBudget } from './account-budget.js';
import type { AdmissionControl, Grant } from './admission-control.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { ModelBudget } from './model-budget.js';
import { rateLimitHint } from './rate-limit-hint.js';

export interface AttemptContext {
  inner: LlmClient;
  budgets: ReadonlyMap<string, ModelBudget>;
  breakers: ReadonlyMap<string, CircuitBreaker>;
  admission: AdmissionControl;
  /** The shared account budget, kept in step with the local one (see LlmGatewayOptions.account). */
  account?: AccountBudget;
  clock: Clock;
  logger: Logger;
}

/** How an attempt ended; `shown` = text reached the caller. */
export type AttemptOutcome = { done: LlmEvent; shown: boolean } | { error: TwinError; shown: boolean };

/** Errors that say something about a model's health, for its circuit breaker. */
const HEALTH_FAILURES = new Set(['upstream', 'capacity', 'timeout', 'network']);

/**
 * One attempt on the granted model and slot: passes the inner client's events through, keeps the budgets (clamped
 * to Groq's headers, settled with the real usage), the model's breaker and the wait estimates up to date, frees the
 * slot and logs the attempt. Returns how it ended; never throws a TwinError of the inner client.
 */
export async function* runAttempt(
  ctx: AttemptContext,
  call: LlmCall,
  grant: Grant,
  attempt: number,
  enqueuedAt: number,
): AsyncGenerator<LlmEvent, AttemptOutcome> {
  const { model, reservation } = grant;
  const budget = ctx.budgets.get(model) as ModelBudget;
  const breaker = ctx.breakers.get(model) as CircuitBreaker;
  const started = ctx.clock.now();
  let ttftMs: number | undefined;
  let usage: { promptTokens: number; completionTokens: number } | undefined;
  let limits: RateLimitSnapshot | undefined;
  let shown = false;
  let outcome: AttemptOutcome | undefined;
  try {
    for await (const event of ctx.inner.stream({ ...call, model })) {
      if (event.type === 'limits') {
        budget.clamp(event.limits, reservation);
        if (grant.lease) ctx.account?.clamp(grant.lease, event.limits);
        limits = event.limits;
        yield event;
      } else if (event.type === 'delta') {
        ttftMs ??= ctx.clock.now() - started;
        shown = true;
        yield event;
      } else if (event.type === 'usage') {
        usage = { promptTokens: event.promptTokens, completionTokens: event.completionTokens };
        yield event;
      } else if (event.type === 'done') {
        outcome = { done: event, shown };
      }
    }
    outcome ??= { error: new TwinError('upstream', `Groq (${model}) ended the answer unfinished`, { model }), shown };
  } catch (err) {
    outcome = { error: asTwinError(err, 'upstream'), shown };
  } finally {
    if (!outcome) {
      // why: the caller stopped reading mid-answer; the server counted the call, so the reservation stands.
      budget.settle(reservation, reservation.tokens);
      if (grant.lease) ctx.account?.settle(grant.lease, reservation.tokens);
      breaker.onNeutral();
      grant.release();
    }
  }
  const ms = ctx.clock.now() - started;
  const used = usage ? usage.promptTokens + usage.completionTokens : undefined;
  if ('done' in outcome) {
    budget.settle(reservation, used ?? reservation.tokens);
    if (grant.lease) ctx.account?.settle(grant.lease, used ?? reservation.tokens);
    breaker.onSuccess();
    ctx.admission.observe(ms, reservation.tokens, used);
  } else {
    account(ctx, outcome.error, grant, limits !== undefined);
    if (HEALTH_FAILURES.has(outcome.error.code)) breaker.onFailure();
    else breaker.onNeutral();
  }
  grant.release();
  const error = 'error' in outcome ? outcome.error : undefined;
  const record = {
    event: 'llm.attempt',
    tenant: call.tenantId,
    model,
    attempt,
    outcome: error ? error.code : 'ok',
    status: error?.status,
    reservedTokens: reservation.tokens,
    promptTokens: usage?.promptTokens,
    completionTokens: usage?.completionTokens,
    queueMs: grant.at - enqueuedAt,
    ttftMs,
    ms,
    limits,
  };
  if (error) ctx.logger.info(record, error.message);
  else ctx.logger.debug(record, 'llm attempt ok');
  return outcome;
}

/** Corrects the budget after a failed attempt, by whether the server counted it. */
function account(ctx: AttemptContext, error: TwinError, grant: Grant, responded: boolean): void {
  const budget = ctx.budgets.get(grant.model) as ModelBudget;
  const { lease } = grant;
  const account = lease ? ctx.account : undefined;
  if (error.status !== undefined) {
    // why: an HTTP error answer means the call was refused before it ran; a 429 is not counted at all.
    budget.cancel(grant.reservation, { keepRequest: error.status !== 429 });
    if (lease) account?.cancel(lease, { keepRequest: error.status !== 429 });
  } else if (error.code === 'network' && !responded) {
    budget.cancel(grant.reservation, { keepRequest: true });
    if (lease) account?.cancel(lease, { keepRequest: true });
  } else {
    budget.settle(grant.reservation, grant.reservation.tokens);
    if (lease) account?.settle(lease, grant.reservation.tokens);
  }
  if (error.code === 'rate_limited') {
    const hint = rateLimitHint(error.message);
    if (error.status === 429 && hint?.dimension === 'rpm') {
      budget.requestsEmpty(grant.reservation);
      if (lease) account?.requestsEmpty(lease);
    }
    // why: RPM is in no header; a 429's text is how a lower plan than configured shows itself.
    if (hint && hint.limit < budget.limits()[hint.dimension]) {
      budget.lowerLimit(hint.dimension, hint.limit);
      account?.lowerLimit(grant.model, hint.dimension, hint.limit);
      ctx.logger.warn(
        { event: 'llm.limit', model: grant.model, dimension: hint.dimension, limit: hint.limit },
        `Groq's ${hint.dimension} limit for ${grant.model} is ${hint.limit}, lower than configured`,
      );
    }
  }
}
