/**
 * Calls in flight from the limits (issue 20): rpm x observed answer duration / window, at least 2, at most
 * GROQ_MAX_CONCURRENT, recomputed as the latency or the limits change. The clock is fake; only the slots' own
 * bottleneck jobs run on real timers, and nothing here asserts how fast anything is.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { AdmissionControl, type Ticket } from '../../../src/llm/gateway/admission-control.js';
import { CircuitBreaker } from '../../../src/llm/gateway/circuit-breaker.js';
import { concurrencyFor, DEFAULT_MAX_CONCURRENT } from '../../../src/llm/gateway/concurrency.js';
import { ModelBudget } from '../../../src/llm/gateway/model-budget.js';
import { FakeClock } from '../../support/fake-clock.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const MODEL = 'openai/gpt-oss-20b';
const FALLBACK = 'openai/gpt-oss-120b';
const FREE = { rpm: 30, tpm: 1_000_000, rpd: 100_000, tpd: 100_000_000 };
const PAID = { rpm: 1_000, tpm: 1_000_000, rpd: 100_000, tpd: 100_000_000 };

describe('concurrencyFor', () => {
  it('is rpm x latency / window: a free account at 2 s gets 2 slots, a paid one 33', () => {
    assert.equal(concurrencyFor({ rpm: 30, answerMs: 2_000, windowMs: 60_000, max: 64 }), 2);
    assert.equal(concurrencyFor({ rpm: 1_000, answerMs: 2_000, windowMs: 60_000, max: 64 }), 33);
    assert.equal(concurrencyFor({ rpm: 1_000, answerMs: 3_000, windowMs: 60_000, max: 64 }), 50);
  });

  it('holds the bounds: at least 2, at most max, and max wins over the floor', () => {
    assert.equal(concurrencyFor({ rpm: 1_000, answerMs: 2_000, windowMs: 60_000, max: 16 }), 16);
    assert.equal(concurrencyFor({ rpm: 14_400, answerMs: 30_000, windowMs: 60_000, max: 64 }), 64);
    assert.equal(concurrencyFor({ rpm: 1, answerMs: 100, windowMs: 60_000, max: 64 }), 2);
    assert.equal(concurrencyFor({ rpm: 0, answerMs: 2_000, windowMs: 60_000, max: 64 }), 2);
    assert.equal(concurrencyFor({ rpm: 1_000, answerMs: 2_000, windowMs: 60_000, max: 1 }), 1);
    assert.equal(concurrencyFor({ rpm: 1_000, answerMs: Number.NaN, windowMs: 60_000, max: 64 }), 2);
    assert.equal(concurrencyFor({ rpm: 1_000, answerMs: Number.POSITIVE_INFINITY, windowMs: 60_000, max: 64 }), 2);
  });

  it('counts the rpm over the budgets\' window (benches shrink the "minute")', () => {
    assert.equal(concurrencyFor({ rpm: 1_000, answerMs: 200, windowMs: 6_000, max: 64 }), 33);
  });

  it('defaults its ceiling to 64', () => {
    assert.equal(DEFAULT_MAX_CONCURRENT, 64);
  });
});

let issued: Ticket[] = [];

function ticket(name: string): Ticket & { name: string } {
  const t = {
    name,
    tenantId: `t${name}`,
    deadline: Number.MAX_SAFE_INTEGER,
    enqueuedAt: 0,
    skip: new Set<string>(),
    costFor: () => 100,
    notify() {},
  };
  issued.push(t);
  return t;
}

let controls: AdmissionControl[] = [];
afterEach(async () => {
  // why: close() fails the queued calls, then waits for the running ones: release those once nothing new is admitted.
  const closing = controls.map((c) => c.close());
  for (const t of issued) t.grant?.release();
  await Promise.all(closing);
  controls = [];
  issued = [];
});

function control(
  clock: FakeClock,
  limits: Record<string, typeof FREE>,
  { max = 64, answerMs = 2_000 }: { max?: number; answerMs?: number } = {},
) {
  const models = Object.keys(limits);
  const budgets = new Map(models.map((m) => [m, new ModelBudget(m, limits[m] as typeof FREE, { clock })]));
  const c = new AdmissionControl({
    models,
    budgets,
    breakers: new Map(models.map((m) => [m, new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000, clock })])),
    maxConcurrent: max,
    maxQueuePerTenant: 1_000,
    newcomerCredit: 0,
    expectedAnswerMs: answerMs,
    positionUpdateMs: 0,
    clock,
    logger: silentLogger,
  });
  controls.push(c);
  return { c, budgets };
}

/** Feeds `n` finished answers of `ms` each into the latency EWMA, then lets admission retune. */
function answers(c: AdmissionControl, n: number, ms: number): void {
  for (let i = 0; i < n; i++) c.observe(ms, 100, 100);
  c.pump();
}

const granted = (tickets: Ticket[]) => tickets.filter((t) => t.grant);
const settleOn = (condition: () => boolean, what: string) => waitFor(condition, what, { intervalMs: 1 });

describe('AdmissionControl: calls in flight follow the limits (fake clock)', () => {
  it('starts from the budgets and the first latency guess: free 2, paid 33, bounded by GROQ_MAX_CONCURRENT', () => {
    const clock = new FakeClock();
    assert.equal(control(clock, { [MODEL]: FREE }).c.maxConcurrent, 2);
    assert.equal(control(clock, { [MODEL]: PAID }).c.maxConcurrent, 33);
    assert.equal(control(clock, { [MODEL]: PAID }, { max: 10 }).c.maxConcurrent, 10);
    assert.equal(control(clock, { [MODEL]: PAID }, { max: 1 }).c.maxConcurrent, 1);
    assert.equal(control(clock, { [MODEL]: PAID }).c.gauges().maxInFlight, 33);
  });

  it('admits no more calls at once than the derived cap', async () => {
    const clock = new FakeClock();
    const { c } = control(clock, { [MODEL]: PAID });
    const tickets = Array.from({ length: 40 }, (_, i) => ticket(`${i}`));
    for (const t of tickets) assert.ok(c.enqueue(t));
    await settleOn(() => granted(tickets).length === 33, '33 calls admitted');
    assert.equal(c.queue.size, 7);
    assert.equal(granted(tickets).length, 33);
  });

  it('follows a latency change both ways, within the bounds', () => {
    const clock = new FakeClock();
    const { c } = control(clock, { [MODEL]: PAID }, { max: 200 });
    assert.equal(c.maxConcurrent, 33);
    answers(c, 40, 4_000);
    assert.equal(c.maxConcurrent, 67, 'answers twice as slow: twice the slots for the same rpm');
    answers(c, 40, 600);
    assert.equal(c.maxConcurrent, 10);
    answers(c, 40, 30_000);
    assert.equal(c.maxConcurrent, 200, 'never past the ceiling');
    answers(c, 40, 10);
    assert.equal(c.maxConcurrent, 2, 'never below the floor');
  });

  it('follows a lower rpm the server revealed, and a model that is gone', () => {
    const clock = new FakeClock();
    const { c, budgets } = control(clock, { [MODEL]: PAID, [FALLBACK]: FREE });
    assert.equal(c.maxConcurrent, 33, 'the busiest usable model sets the pace');
    c.markGone(MODEL, clock.t + 60_000);
    c.pump();
    assert.equal(c.maxConcurrent, 2, 'only the free fallback is left');
    clock.t += 60_000;
    budgets.get(MODEL)?.lowerLimit('rpm', 300);
    c.pump();
    assert.equal(c.maxConcurrent, 10);
  });

  it('a lower cap holds for the next calls once the running ones finish', async () => {
    const clock = new FakeClock();
    const { c } = control(clock, { [MODEL]: PAID });
    const first = Array.from({ length: 33 }, (_, i) => ticket(`a${i}`));
    for (const t of first) c.enqueue(t);
    await settleOn(() => granted(first).length === 33, 'the first 33 admitted');
    const next = Array.from({ length: 10 }, (_, i) => ticket(`b${i}`));
    for (const t of next) c.enqueue(t);
    for (let i = 0; i < 40; i++) c.observe(120, 100, 100);
    for (const t of first) t.grant?.release();
    await settleOn(() => granted(next).length === 2, 'two of the next calls admitted');
    assert.equal(c.maxConcurrent, 2);
    assert.equal(c.queue.size, 8);
    assert.ok(c.inFlight <= 2, `at most 2 in flight, saw ${c.inFlight}`);
  });
});
