import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idealAdmissions, jainIndex, percentile } from '../../bench/gateway/metrics.js';

// 1 000 tokens a 1 000 ms window, so 1 token refills per ms; requests never bind.
const LIMITS = { rpm: 1_000, tpm: 1_000, rpd: 1_000_000, tpd: 1_000_000_000 };

describe('gateway bench figures', () => {
  it('holds a reservation for the answer time before charging the real usage', () => {
    const calls = Array.from({ length: 3 }, () => ({ reserve: 600, charge: 400 }));
    // 400 left at 0; at 100 ms 100 refilled + 200 refunded = 700; then 100 left, 600 again at 400 ms.
    assert.deepEqual(idealAdmissions(LIMITS, 1_000, calls, 100), [0, 100, 400]);
  });

  it('keeps a reservation that is charged whole (a stalled answer)', () => {
    const calls = [
      { reserve: 600, charge: 600 },
      { reserve: 600, charge: 400 },
    ];
    assert.deepEqual(idealAdmissions(LIMITS, 1_000, calls, 100), [0, 200]);
  });

  it('admits a lower rank first once it has arrived', () => {
    const calls = [
      { reserve: 500, charge: 500, rank: 1 },
      { reserve: 500, charge: 500, rank: 1 },
      { reserve: 500, charge: 500, rank: 1 },
      { reserve: 500, charge: 500, at: 50, rank: 0 },
    ];
    // two fit at 0; the late rank-0 call takes the next 500 tokens (at 500 ms), the last rank-1 call the ones after.
    assert.deepEqual(idealAdmissions(LIMITS, 1_000, calls, 10), [0, 0, 1_000, 500]);
  });

  it('takes nearest-rank percentiles and Jain over tenants served alike or not', () => {
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile([5, 1, 4, 2, 3], 95), 5);
    assert.ok(Number.isNaN(percentile([], 50)));
    const record = (tenantId: string, at: number) => ({
      tenantId,
      cls: 'burst' as const,
      submit: 0,
      outcome: 'answered' as const,
      waitMs: at,
    });
    const even = ['A', 'B'].flatMap((t) => [1, 2, 3].map((at) => record(t, at)));
    assert.equal(jainIndex(even), 1);
    const skewed = [...[1, 2, 3, 4].map((at) => record('A', at)), record('B', 5)];
    assert.ok(jainIndex(skewed) < 0.8);
  });
});
