/**
 * Percentiles. Over raw rows they are exact nearest-rank percentiles: the value at 1-based rank
 * ceil(p/100 * n) of the sorted values. Raw rows are gone after a roll-up, so every row also carries the
 * bucket of a log-scale histogram (16 buckets per doubling, so a bucket is about 4.4% wide), and rolled-up
 * days keep bucket counts. When a window includes rolled-up days the percentile is the nearest-rank bucket's
 * geometric middle rounded to whole ms: within about 2.2% (+0.5 ms) of the true value; values under 1 ms count
 * as 0.
 */

const BUCKETS_PER_DOUBLING = 16;

/** Histogram bucket of a duration in ms: 0 for anything under 1 ms, then 16 buckets per doubling. */
export function histogramBucket(ms: number): number {
  if (!Number.isFinite(ms) || ms < 1) return 0;
  return 1 + Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING);
}

/** The value a bucket stands for: its geometric middle, rounded to whole ms (0 for bucket 0). */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return Math.round(2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING));
}

/**
 * 1-based nearest rank of the `percent`-th percentile among `n` values (0 when n is 0).
 * `percent` is a whole number so the product stays an exact integer.
 */
export function nearestRank(n: number, percent: number): number {
  if (n <= 0) return 0;
  return Math.min(n, Math.max(1, Math.ceil((percent * n) / 100)));
}

/** Nearest-rank percentile from bucket counts sorted by bucket ascending; 0 when there are none. */
export function percentileFromHistogram(
  buckets: readonly { bucket: number; count: number }[],
  percent: number,
): number {
  const n = buckets.reduce((sum, b) => sum + b.count, 0);
  const rank = nearestRank(n, percent);
  if (rank === 0) return 0;
  let seen = 0;
  for (const b of buckets) {
    seen += b.count;
    if (seen >= rank) return bucketValue(b.bucket);
  }
  return 0;
}

/** Adds up histograms: rows of bucket counts and stored "bucket:count,..." texts. Sorted by bucket. */
export function mergeHistograms(
  counts: Iterable<{ bucket: number; count: number }>,
  texts: Iterable<string> = [],
): { bucket: number; count: number }[] {
  const merged = new Map<number, number>();
  const add = (bucket: number, count: number) => merged.set(bucket, (merged.get(bucket) ?? 0) + count);
  for (const c of counts) add(c.bucket, c.count);
  for (const text of texts) {
    for (const pair of text.split(',')) {
      const [bucket, count] = pair.split(':').map(Number);
      if (Number.isInteger(bucket) && Number.isInteger(count)) add(bucket as number, count as number);
    }
  }
  return [...merged.entries()].sort((a, b) => a[0] - b[0]).map(([bucket, count]) => ({ bucket, count }));
}
