/**
 * Admission with a fake clock: fair order under a budget, the per-tenant bound, wait estimates, and the gateway's
 * fail-fast "busy" decision. No real time passes in the budget arithmetic.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { TwinError } from '../../../src/core/errors.js';
import type { LlmCall, LlmClient, LlmEvent } from '../../../src/core/ports.js';
import { AdmissionControl, type Grant, type Ticket } from '../../../src/llm/gateway/admission-control.js';
import { CircuitBreaker } from '../../../src/llm/gateway/circuit-breaker.js';
import { LlmGateway } from '../../../src/llm/gateway/llm-gateway.js';
import { ModelBudget } from '../../../src/llm/gateway/model-budget.js';
import { FakeClock } from '../../support/fake-clock.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const MODEL = 'openai/gpt-oss-20b';

function ticket(tenantId: string, name: string, deadline = Number.MAX_SAFE_INTEGER): Ticket & { name: string } {
  return { name, tenantId, deadline, enqueuedAt: 0, skip: new Set(), costFor: () => 100, notify() {} };
}

/**
 * Waits until the condition holds. why: bottleneck hands out slots on its own real timers, so a busy machine can
 * need more than a few hundred event-loop turns; the wait is bounded, and the clock under test stays fake.
 */
const settle = (condition: () => boolean) => waitFor(condition, 'admission to settle', { intervalMs: 1 });

let controls: AdmissionControl[] = [];
afterEach(async () => {
  for (const c of controls) await c.close();
  controls = [];
});

function control(clock: FakeClock, limits = { rpm: 3, tpm: 100_000, rpd: 10_000, tpd: 1_000_000 }, maxQueue = 100) {
  const budget = new ModelBudget(MODEL, limits, { clock });
  const c = new AdmissionControl({
    models: [MODEL],
    budgets: new Map([[MODEL, budget]]),
    breakers: new Map([[MODEL, new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000, clock })]]),
    maxConcurrent: 8,
    maxQueuePerTenant: maxQueue,
    newcomerCredit: 0,
    expectedAnswerMs: 1_000,
    positionUpdateMs: 0,
    clock,
    logger: silentLogger,
  });
  controls.push(c);
  return { c, budget };
}

describe('AdmissionControl (fake clock)', () => {
  it('admits fairly while the budget allows, then waits for the refill the clock says', async () => {
    const clock = new FakeClock();
    const { c } = control(clock);
    const a = Array.from({ length: 5 }, (_, i) => ticket('A', `A${i}`));
    const all = [...a, ticket('B', 'B0'), ticket('C', 'C0')];
    for (const t of all) assert.ok(c.enqueue(t));
    // 3 RPM x 1 s answers / 60 s is below the floor of 2 calls in flight.
    await settle(() => all.filter((t) => t.grant).length === 2);
    assert.equal(c.maxConcurrent, 2);
    assert.deepEqual(
      all.filter((t) => t.grant).map((t) => t.name),
      ['A0', 'B0'],
    );
    // C0 waits for a slot only; then 3 RPM: the next request refills in 20 s, the one after it in 40 s.
    assert.equal(c.place(a[1] as Ticket)?.position, 2);
    assert.equal(c.estimateWaitMs(a[1] as Ticket), 20_000);
    assert.equal(c.estimateWaitMs(a[2] as Ticket), 40_000);
    const first = all.filter((t) => t.grant);
    for (const t of first) (t.grant as Grant).release();
    await settle(() => all[6]?.grant !== undefined);
    assert.equal(c.place(a[1] as Ticket)?.position, 1, 'A1 still waits for the refill');
    all[6]?.grant?.release();
    clock.t += 20_000;
    c.pump();
    await settle(() => a[1]?.grant !== undefined);
    assert.equal(a[2]?.grant, undefined);
    a[1]?.grant?.release();
  });

  it("bounds a tenant's queue and leaves room for the others", () => {
    const clock = new FakeClock();
    const { c } = control(clock, { rpm: 1, tpm: 100_000, rpd: 10_000, tpd: 1_000_000 }, 2);
    assert.ok(c.enqueue(ticket('A', 'a1')));
    assert.ok(c.enqueue(ticket('A', 'a2')));
    assert.equal(c.enqueue(ticket('A', 'a3')), false);
    assert.ok(c.enqueue(ticket('B', 'b1')));
    assert.deepEqual(c.queue.depths(), { A: 2, B: 1 });
  });

  it('waits out a closed gate, then admits', async () => {
    const clock = new FakeClock();
    const { c, budget } = control(clock);
    budget.closeUntil(clock.t + 5_000);
    const t = ticket('A', 'a');
    c.enqueue(t);
    assert.equal(c.estimateWaitMs(t), 5_000);
    clock.t += 5_000;
    c.pump();
    await settle(() => t.grant !== undefined);
    t.grant?.release();
  });
});

/** A port-level fake model: answers at once with one delta. */
class InstantModel implements LlmClient {
  readonly models = [MODEL];
  calls = 0;
  async *stream(call: LlmCall): AsyncGenerator<LlmEvent> {
    this.calls += 1;
    yield { type: 'delta', text: 'hi' };
    yield { type: 'usage', model: call.model ?? MODEL, promptTokens: 10, completionTokens: 1 };
    yield { type: 'done', model: call.model ?? MODEL };
  }
}

describe('LlmGateway fail-fast (fake clock)', () => {
  it('fails with busy and a retry time when the wait would pass the deadline; queues it when it fits', async () => {
    const clock = new FakeClock();
    const inner = new InstantModel();
    const gateway = new LlmGateway({
      inner,
      models: [MODEL],
      limits: { [MODEL]: { rpm: 2, tpm: 100_000, rpd: 10_000, tpd: 1_000_000 } },
      maxTokens: 100,
      maxQueuePerTenant: 10,
      expectedAnswerMs: 1_000,
      positionUpdateMs: 0,
      clock,
    });
    const call = (deadlineIn: number, signal?: AbortSignal): LlmCall => ({
      tenantId: 'discord:1',
      messages: [{ role: 'user', content: 'hello' }],
      deadline: clock.t + deadlineIn,
      signal,
    });
    for (let i = 0; i < 2; i++) for await (const _ of gateway.stream(call(10_000))) void _;
    // the minute's 2 requests are spent: the next one can start in 30 s
    let busy: TwinError | undefined;
    try {
      for await (const _ of gateway.stream(call(10_000))) void _;
    } catch (err) {
      busy = err as TwinError;
    }
    assert.equal(busy?.code, 'busy');
    assert.equal(busy?.retryAfterMs, 30_000);
    assert.equal(inner.calls, 2);
    // with a deadline that leaves room, the call waits its turn instead
    const controller = new AbortController();
    const events: LlmEvent[] = [];
    const waiting = (async () => {
      try {
        for await (const event of gateway.stream(call(60_000, controller.signal))) events.push(event);
      } catch (err) {
        return err as TwinError;
      }
      return undefined;
    })();
    await settle(() => events.length > 0);
    assert.deepEqual(events, [{ type: 'queued', position: 1 }]);
    controller.abort();
    assert.equal((await waiting)?.code, 'aborted');
    await gateway.close();
  });
});
