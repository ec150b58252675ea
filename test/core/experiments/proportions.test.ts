/**
 * The readout's maths against published values: the Wilson intervals of Newcombe (1998), "Two-sided confidence
 * intervals for the single proportion", Statistics in Medicine 17:857-872, Table I (method 3); and the intervals of
 * a difference from Newcombe (1998), "Interval estimation for the difference between independent proportions",
 * Statistics in Medicine 17:873-890, Table II (method 10). Both to the four decimals printed there.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  differenceInterval,
  normalCdf,
  twoProportionTest,
  wilsonInterval,
  Z_95,
} from '../../../src/core/experiments/proportions.js';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

describe('Wilson score interval', () => {
  for (const [x, n, low, high] of [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ] as const) {
    test(`${x}/${n}: ${low} to ${high} (Newcombe 1998, Table I)`, () => {
      const ci = wilsonInterval(x, n);
      assert.equal(round4(ci.low), low);
      assert.equal(round4(ci.high), high);
    });
  }

  test('stays inside [0, 1] at 0% and 100%, and knows nothing without votes', () => {
    assert.deepEqual(wilsonInterval(0, 10).low, 0);
    assert.deepEqual(wilsonInterval(10, 10).high, 1);
    assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
  });
});

describe("Newcombe's interval of a difference (method 10)", () => {
  for (const [x1, n1, x2, n2, low, high] of [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
  ] as const) {
    test(`${x1}/${n1} - ${x2}/${n2}: ${low} to ${high} (Newcombe 1998, Table II)`, () => {
      const ci = differenceInterval(x1, n1, x2, n2);
      assert.equal(round4(ci.low), low);
      assert.equal(round4(ci.high), high);
    });
  }
});

describe('two-proportion z-test', () => {
  test("z squared is Pearson's chi-square of the 2x2 table", () => {
    const [a, b, c, d] = [56, 14, 48, 32]; // 56/70 helpful vs 48/80
    const n = a + b + c + d;
    const chi = (n * (a * d - b * c) ** 2) / ((a + b) * (c + d) * (a + c) * (b + d));
    const { z, pValue } = twoProportionTest(56, 70, 48, 80);
    assert.ok(Math.abs(z * z - chi) < 1e-9, `${z * z} vs ${chi}`);
    // chi-square 7.023 on one degree of freedom: p = 0.00805 (Python's math.erfc(z / sqrt 2) gives 0.0080451)
    assert.ok(Math.abs(pValue - 0.0080451) < 1e-6, String(pValue));
  });

  test('equal rates give p = 1, and no variance gives no evidence', () => {
    assert.equal(twoProportionTest(30, 60, 15, 30).pValue, 1);
    assert.deepEqual(twoProportionTest(10, 10, 20, 20), { z: 0, pValue: 1 });
  });

  test('the normal CDF matches its table to 1e-7', () => {
    assert.ok(Math.abs(normalCdf(Z_95) - 0.975) < 1e-7);
    assert.ok(Math.abs(normalCdf(1) - 0.8413447) < 1e-7);
    assert.ok(Math.abs(normalCdf(-2.5758293) - 0.005) < 1e-7);
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  });
});
