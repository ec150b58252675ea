/**
 * Timers that cannot overflow: the admission control's wake timer waits a day-long (and a month-long) spent day
 * budget with one timer at a time, each within 2^31-1 ms, moved by a fake clock and recorded timers; and no
 * TimeoutOverflowWarning is raised meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cappedDelay, MAX_TIMER_MS } from '../../../src/core/timers.js';
import { AdmissionControl, type Grant, type Ticket } from '../../../src/llm/gateway/admission-control.js';
import { CircuitBreaker } from '../../../src/llm/gateway/circuit-breaker.js';
import { ModelBudget } from '../../../src/llm/gateway/model-budget.js';
import { FakeClock, FakeTimers } from '../../support/fake-clock.js';
import { silentLogger } from '../../support/silent-logger.js';
import { settle } from '../../support/wait-for.js';

const MODEL = 'openai/gpt-oss-20b';
const DAY_MS = 86_400_000;
function rig() {
  const clock = new FakeClock();
  const timers = new FakeTimers(clock);
  const budget = new ModelBudget(MODEL, { rpm: 30, tpm: 100_000, rpd: 10_000, tpd: 1_000_000 }, { clock });
  const control = new AdmissionControl({
    models: [MODEL],
    budgets: new Map([[MODEL, budget]]),
    breakers: new Map([[MODEL, new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000, clock })]]),
    maxConcurrent: 2,
    maxQueuePerTenant: 10,
    newcomerCredit: 0,
    expectedAnswerMs: 1_000,
    positionUpdateMs: 0,
    clock,
    timers,
    logger: silentLogger,
  });
  const ticket: Ticket = {
    tenantId: 'discord:1',
    deadline: Number.MAX_SAFE_INTEGER,
    enqueuedAt: 0,
    skip: new Set(),
    costFor: () => 100,
    notify() {},
  };
  return { clock, timers, budget, control, ticket };
}

const overflowWarnings: string[] = [];
const onWarning = (warning: Error) => {
  if (warning.name === 'TimeoutOverflowWarning') overflowWarnings.push(warning.message);
};
before(() => process.on('warning', onWarning));
after(() => {
  process.off('warning', onWarning);
  assert.deepEqual(overflowWarnings, [], 'a timer overflowed');
});

describe('cappedDelay', () => {
  it('keeps delays within what setTimeout honours', () => {
    assert.equal(MAX_TIMER_MS, 2_147_483_647);
    assert.equal(cappedDelay(DAY_MS), DAY_MS);
    assert.equal(cappedDelay(40 * DAY_MS), MAX_TIMER_MS);
    assert.equal(cappedDelay(Number.POSITIVE_INFINITY), MAX_TIMER_MS);
    assert.equal(cappedDelay(Number.NaN), MAX_TIMER_MS);
    assert.equal(cappedDelay(0), 1);
    assert.equal(cappedDelay(-5), 1);
    assert.equal(cappedDelay(2.2), 3);
  });
});

describe('AdmissionControl wake timer', () => {
  it('waits out a day-long spent day budget with one timer, then admits', async () => {
    const { clock, timers, budget, control, ticket } = rig();
    budget.exhaustUntil(clock.t + DAY_MS);
    assert.ok(control.enqueue(ticket));
    assert.deepEqual(timers.delays, [DAY_MS]);
    assert.equal(ticket.grant, undefined);
    timers.fire();
    await settle(() => ticket.grant !== undefined);
    (ticket.grant as Grant | undefined)?.release();
    await control.close();
  });

  it('wakes at the cap for a wait past 2^31-1 ms and sets the next timer, never a 1 ms loop', async () => {
    const { clock, timers, budget, control, ticket } = rig();
    const waitMs = 40 * DAY_MS;
    budget.exhaustUntil(clock.t + waitMs);
    control.enqueue(ticket);
    assert.deepEqual(timers.delays, [MAX_TIMER_MS]);
    timers.fire();
    assert.equal(ticket.grant, undefined, 'woke early at the cap and found the budget still spent');
    assert.deepEqual(timers.delays, [MAX_TIMER_MS, waitMs - MAX_TIMER_MS]);
    timers.fire();
    await settle(() => ticket.grant !== undefined);
    assert.ok(timers.delays.every((ms) => ms >= 1 && ms <= MAX_TIMER_MS));
    (ticket.grant as Grant | undefined)?.release();
    await control.close();
  });

  it('with real timers, a month-long wait raises no overflow warning from Node', async () => {
    const clock = new FakeClock();
    const budget = new ModelBudget(MODEL, { rpm: 30, tpm: 100_000, rpd: 10_000, tpd: 1_000_000 }, { clock });
    const control = new AdmissionControl({
      models: [MODEL],
      budgets: new Map([[MODEL, budget]]),
      breakers: new Map([[MODEL, new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000, clock })]]),
      maxConcurrent: 2,
      maxQueuePerTenant: 10,
      newcomerCredit: 0,
      expectedAnswerMs: 1_000,
      positionUpdateMs: 0,
      clock,
      logger: silentLogger,
    });
    budget.exhaustUntil(clock.t + 30 * DAY_MS);
    const { ticket } = rig();
    control.enqueue(ticket);
    // a warning is emitted on the next tick after setTimeout; give it a few
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(overflowWarnings, []);
    await control.close();
  });
});
