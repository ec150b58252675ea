/** Shared platform write budgets with a fake clock (issue 20.2): never over the rate, finals first. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WriteBudget, WriteBudgets } from '../../src/core/write-budget.js';
import { flush, ManualTime } from './manual-time.js';

/** The most grants in any window of `perMs` ending at a grant. */
function busiestWindow(at: number[], perMs: number): number {
  let most = 0;
  for (const end of at) most = Math.max(most, at.filter((t) => t > end - perMs && t <= end).length);
  return most;
}

describe('WriteBudget', () => {
  test('at most `writes` turns in any window, the rest as the window slides', async () => {
    const time = new ManualTime();
    const budget = new WriteBudget({ writes: 5, perMs: 5_000 }, time, time);
    const at: number[] = [];
    for (let i = 0; i < 23; i++) void budget.take('update').ready.then(() => at.push(time.now()));
    await flush();
    assert.equal(at.length, 5);
    for (let s = 0; s < 30; s++) {
      time.advance(1_000);
      await flush();
    }
    assert.equal(at.length, 23);
    assert.equal(busiestWindow(at, 5_000), 5);
  });

  test('the final text goes before a first text, which goes before updates; cancelled turns never come', async () => {
    const time = new ManualTime();
    const budget = new WriteBudget({ writes: 1, perMs: 1_000 }, time, time);
    const order: string[] = [];
    await budget.take('update').ready;
    const take = (name: string, p: 'final' | 'first' | 'update') => {
      const turn = budget.take(p);
      void turn.ready.then(() => order.push(name));
      return turn;
    };
    take('update-a', 'update');
    take('cancelled', 'final').cancel();
    take('first', 'first');
    take('update-b', 'update');
    take('final', 'final');
    for (let s = 0; s < 6; s++) {
      time.advance(1_000);
      await flush();
    }
    assert.deepEqual(order, ['final', 'first', 'update-a', 'update-b']);
  });

  test('a wait withdrawn by its only waiter leaves no timer behind', async () => {
    const time = new ManualTime();
    const budget = new WriteBudget({ writes: 1, perMs: 60_000 }, time, time);
    await budget.take('update').ready;
    const turn = budget.take('update');
    assert.equal(time.pending, 1);
    turn.cancel();
    assert.equal(time.pending, 0);
  });

  test('budgets are per place and idle ones are forgotten', () => {
    const time = new ManualTime();
    const budgets = new WriteBudgets(time, time);
    const rate = { writes: 50, perMs: 60_000 };
    assert.equal(budgets.for('slack:T1', rate), budgets.for('slack:T1', rate));
    assert.notEqual(budgets.for('slack:T1', rate), budgets.for('slack:T2', rate));
    for (let i = 0; i < 1_200; i++) budgets.for(`slack:T${i}`, rate);
    assert.ok(budgets.size <= 1_001, `kept ${budgets.size} idle budgets`);
  });
});
