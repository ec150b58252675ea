/**
 * AdmissionControl with an account budget (the replicas' shared gate) on a fake clock: the account's "wait" puts the
 * call back at the head of its queue and holds the model for as long as the account says; a call given up while
 * the account decides gives back its slot and both reservations. The account is the in-process implementation,
 * its answers held back by the test so the moment of the decision is the test's.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AccountAdmission, AccountBudget } from '../../../src/llm/gateway/account-budget.js';
import { AdmissionControl, type Ticket } from '../../../src/llm/gateway/admission-control.js';
import { CircuitBreaker } from '../../../src/llm/gateway/circuit-breaker.js';
import { InProcessAccountBudget } from '../../../src/llm/gateway/in-process-account-budget.js';
import { ModelBudget } from '../../../src/llm/gateway/model-budget.js';
import { FakeClock, FakeTimers } from '../../support/fake-clock.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const MODEL = 'openai/gpt-oss-20b';
const LOCAL = { rpm: 100, tpm: 1_000_000, rpd: 10_000, tpd: 10_000_000 };
const settle = (condition: () => boolean) => waitFor(condition, 'admission to settle', { intervalMs: 1 });

function ticket(tenantId: string, name: string): Ticket & { name: string } {
  return {
    name,
    tenantId,
    deadline: Number.MAX_SAFE_INTEGER,
    enqueuedAt: 0,
    skip: new Set(),
    costFor: () => 100,
    notify() {},
  };
}

/** The in-process account, each `take` answered only when the test says so. */
class HeldAccount extends InProcessAccountBudget {
  readonly asked: (() => void)[] = [];
  override take(model: string, tokens: number): Promise<AccountAdmission> {
    return new Promise((resolve) => this.asked.push(() => resolve(super.take(model, tokens))));
  }
}

let controls: AdmissionControl[] = [];
afterEach(async () => {
  for (const c of controls) await c.close();
  controls = [];
});

function control(account: AccountBudget, clock: FakeClock, timers: FakeTimers) {
  const budget = new ModelBudget(MODEL, LOCAL, { clock });
  const c = new AdmissionControl({
    models: [MODEL],
    budgets: new Map([[MODEL, budget]]),
    breakers: new Map([[MODEL, new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000, clock })]]),
    account,
    maxConcurrent: 8,
    maxQueuePerTenant: 100,
    newcomerCredit: 0,
    expectedAnswerMs: 1_000,
    positionUpdateMs: 0,
    clock,
    timers,
    logger: silentLogger,
  });
  controls.push(c);
  return { c, budget };
}

describe('AdmissionControl with an account budget', () => {
  it('waits as long as the account says, with the refused call first in line', async () => {
    const clock = new FakeClock();
    const timers = new FakeTimers(clock);
    // The account allows 2 a minute: the third call waits 30 s there although this replica's budget has room.
    const account = new InProcessAccountBudget({ limits: { [MODEL]: { ...LOCAL, rpm: 2 } }, clock });
    const { c, budget } = control(account, clock, timers);
    const all = ['A0', 'A1', 'A2'].map((n) => ticket('A', n));
    for (const t of all) c.enqueue(t);
    await settle(() => all.filter((t) => t.grant).length === 2);
    for (const t of all) t.grant?.release();
    // The account refilling one request takes 30 s: the wake-up the admission sets once the account said so.
    await settle(() => timers.nextDelay === 30_000);
    assert.equal(all[2]?.grant, undefined);
    assert.equal(budget.remaining().rpm, LOCAL.rpm - 2, 'the refused call gave its local reservation back');
    assert.equal(c.place(all[2] as Ticket)?.position, 1);
    assert.equal(c.estimateWaitMs(all[2] as Ticket), 30_000);
    timers.advance(30_000);
    await settle(() => all[2]?.grant !== undefined);
    assert.equal((all[2] as Ticket).grant?.lease?.store, 'local');
    (all[2] as Ticket).grant?.release();
  });

  it('a call given up while the account decides gives back its slot and both reservations', async () => {
    const clock = new FakeClock();
    const timers = new FakeTimers(clock);
    const account = new HeldAccount({ limits: { [MODEL]: LOCAL }, clock });
    const { c, budget } = control(account, clock, timers);
    const gone = ticket('A', 'gone');
    const next = ticket('B', 'next');
    c.enqueue(gone);
    c.enqueue(next);
    await settle(() => account.asked.length === 1);
    c.remove(gone);
    account.asked[0]?.();
    await settle(() => account.asked.length === 2);
    assert.equal(gone.grant, undefined);
    assert.equal(account.remaining(MODEL).rpm, LOCAL.rpm, "the account's lease was cancelled");
    assert.equal(budget.remaining().rpm, LOCAL.rpm - 1, "only the next call's local reservation stands");
    account.asked[1]?.();
    await settle(() => next.grant !== undefined);
    assert.equal(account.remaining(MODEL).rpm, LOCAL.rpm - 1);
    next.grant?.release();
  });
});
