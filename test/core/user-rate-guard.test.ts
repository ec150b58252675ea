import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserRateGuard } from '../../src/core/user-rate-guard.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('UserRateGuard', () => {
  test('allows perMinute in a sliding minute, then says when to come back', () => {
    const c = clock();
    const guard = new UserRateGuard({ perMinute: 3, concurrent: 10 }, c);
    for (let i = 0; i < 3; i++) {
      const d = guard.admit('t', 'u');
      assert.equal(d.ok, true);
      if (d.ok) d.release();
      c.advance(1000);
    }
    const refused = guard.admit('t', 'u');
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.equal(refused.retryAfterMs, 57_000);
    c.advance(57_000);
    assert.equal(guard.admit('t', 'u').ok, true);
  });

  test('limits questions at a time, and release frees a slot', () => {
    const guard = new UserRateGuard({ perMinute: 100, concurrent: 2 }, clock());
    const a = guard.admit('t', 'u');
    const b = guard.admit('t', 'u');
    assert.equal(guard.admit('t', 'u').ok, false);
    if (a.ok) a.release();
    if (a.ok) a.release(); // a second release must not free two slots
    assert.equal(guard.admit('t', 'u').ok, true);
    assert.equal(guard.admit('t', 'u').ok, false);
    assert.equal(b.ok, true);
  });

  test('users and tenants are independent', () => {
    const guard = new UserRateGuard({ perMinute: 1, concurrent: 1 }, clock());
    assert.equal(guard.admit('t1', 'u').ok, true);
    assert.equal(guard.admit('t2', 'u').ok, true);
    assert.equal(guard.admit('t1', 'v').ok, true);
    assert.equal(guard.admit('t1', 'u').ok, false);
  });
});
