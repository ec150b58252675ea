/**
 * Issue 20.6: the drill's schedule replayed on a fake clock. Groq's strict RPM bucket (60 a minute, refilled one
 * whole request a second at ticks whose phase twinbot cannot see) against a burst of 130 questions from four
 * workspaces, with network delays to the server: every phase and delay gives 0 429s. And the case a fresh local
 * budget cannot see (the server's bucket drained by a previous run or process): the first 429 empties the local
 * budget, so no call admitted after that answer is refused (before, the refund kept it ahead and 429s went on).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BudgetReservation, ModelBudget } from '../../../src/llm/gateway/model-budget.js';
import { seededRandom } from '../../support/seeded-random.js';

class FakeClock {
  t = 0;
  now(): number {
    return this.t;
  }
}

const RPM = 60;
const TICK_MS = 60_000 / RPM;

/**
 * Runs the burst; returns how many calls the strict server refused, and how many of those were admitted after the
 * first 429 came back. `serverStart` is the server's level when the run starts.
 */
function replay(phaseMs: number, seed: number, serverStart = RPM) {
  const clock = new FakeClock();
  const budget = new ModelBudget('m', { rpm: RPM, tpm: 10_000_000, rpd: 100_000, tpd: 100_000_000 }, { clock });
  const rnd = seededRandom(seed);
  let server = serverStart;
  let waiting = 130; // four workspaces' questions, all queued at t = 0
  type Call = { reservation: BudgetReservation; arrives: number; back: number; refused?: boolean };
  const calls: Call[] = [];
  let refused = 0;
  let served = 0;
  let firstRefusalBack = Number.POSITIVE_INFINITY;
  let refusedAfterFirst = 0;
  for (clock.t = 0; clock.t < 400_000 && (waiting > 0 || calls.length > 0); clock.t++) {
    // why: calls arriving in the same ms as the server's tick are served before it: the adverse order.
    for (const call of calls) {
      if (call.arrives !== clock.t) continue;
      if (server >= 1) {
        server -= 1;
        served++;
      } else {
        call.refused = true;
        refused++;
        if (call.reservation.at > firstRefusalBack) refusedAfterFirst++;
      }
    }
    if (clock.t > 0 && (clock.t - phaseMs) % TICK_MS === 0) server = Math.min(RPM, server + 1);
    for (let i = calls.length - 1; i >= 0; i--) {
      const call = calls[i] as Call;
      if (call.back !== clock.t) continue;
      calls.splice(i, 1);
      if (call.refused) {
        // What the gateway does with a 429 on requests (attempt-runner.ts): refund, then empty; the call requeues.
        budget.cancel(call.reservation);
        budget.requestsEmpty(call.reservation);
        firstRefusalBack = Math.min(firstRefusalBack, clock.t);
        waiting++;
      } else {
        budget.settle(call.reservation, 300);
      }
    }
    let reservation = waiting > 0 ? budget.tryReserve(300) : undefined;
    while (reservation) {
      waiting--;
      const arrives = clock.t + 1 + Math.floor(rnd() * 80);
      calls.push({ reservation, arrives, back: arrives + 100 + Math.floor(rnd() * 400) });
      reservation = waiting > 0 ? budget.tryReserve(300) : undefined;
    }
  }
  return { refused, served, refusedAfterFirst };
}

describe('admission against a strict RPM bucket (issue 20.6)', () => {
  it('never over-admits, whatever the phase of the server refill and the network delay', () => {
    for (let phase = 0; phase < TICK_MS; phase += 23) {
      for (const seed of [1, 2, 3]) {
        const { refused, served } = replay(phase, seed);
        assert.equal(refused, 0, `phase ${phase} ms, seed ${seed}`);
        assert.equal(served, 130);
      }
    }
  });

  it('a server bucket drained before the run: 429s stop at the first answer, never a second round', () => {
    for (const start of [0, 5, 30]) {
      for (const seed of [1, 2, 3]) {
        const { refusedAfterFirst, served } = replay(0, seed, start);
        assert.equal(refusedAfterFirst, 0, `server at ${start}, seed ${seed}`);
        assert.equal(served, 130);
      }
    }
  });

  it('after a 429 on requests, counts the budget empty less the calls admitted after it', () => {
    const clock = new FakeClock();
    const budget = new ModelBudget('m', { rpm: 60, tpm: 1_000_000, rpd: 1_000, tpd: 1_000_000 }, { clock });
    const first = budget.tryReserve(10);
    assert.ok(first);
    budget.tryReserve(10);
    budget.tryReserve(10);
    budget.cancel(first);
    budget.requestsEmpty(first);
    assert.equal(budget.remaining().rpm, -2);
  });
});
