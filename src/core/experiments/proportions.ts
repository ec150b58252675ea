/**
 * The statistics of a helpful rate: the Wilson score interval of one proportion, Newcombe's hybrid score interval of
 * the difference of two (method 10 of Newcombe 1998, built from the two Wilson intervals), and the two-proportion
 * z-test with a pooled variance. Wilson and Newcombe stay sensible at small counts and at 0% or 100%, where the
 * textbook "p ± 1.96·se" interval collapses to a point or leaves [0, 1].
 */

/** The normal quantile of a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of `successes` out of `n`; [0, 1] when n is 0 (nothing is known). */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // why: rounding leaves the last bits off, and 0 of n must start at exactly 0 and n of n end at exactly 1.
  return {
    low: successes <= 0 ? 0 : Math.max(0, centre - half),
    high: successes >= n ? 1 : Math.min(1, centre + half),
  };
}

/** Newcombe's hybrid score interval of p1 − p2 (his method 10). */
export function differenceInterval(x1: number, n1: number, x2: number, n2: number, z = Z_95): Interval {
  const p1 = n1 > 0 ? x1 / n1 : 0;
  const p2 = n2 > 0 ? x2 / n2 : 0;
  const w1 = wilsonInterval(x1, n1, z);
  const w2 = wilsonInterval(x2, n2, z);
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

export interface ZTest {
  z: number;
  /** Two-sided. */
  pValue: number;
}

/** Two-proportion z-test with the pooled proportion; z² equals Pearson's chi-square of the 2×2 table. */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): ZTest {
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? (x1 / n1 - x2 / n2) / se : 0;
  if (z === 0) return { z: 0, pValue: 1 };
  return { z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** Standard normal CDF, from erf (Abramowitz and Stegun 7.1.26; absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
