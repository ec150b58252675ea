import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localDatabasePath } from '../../src/usage/database-url.js';
import {
  bucketValue,
  histogramBucket,
  nearestRank,
  percentileFromHistogram,
} from '../../src/usage/latency-histogram.js';
import { picoToUsd, sumCostUsd, toPicoUsd } from '../../src/usage/pico-usd.js';
import { rollUpCutoff } from '../../src/usage/roll-up-ledger.js';
import { DAY, T0 } from './usage-fixtures.js';

describe('nearest-rank percentiles', () => {
  it('picks rank ceil(p/100 * n)', () => {
    assert.equal(nearestRank(0, 50), 0);
    assert.equal(nearestRank(1, 95), 1);
    assert.equal(nearestRank(4, 50), 2);
    assert.equal(nearestRank(5, 50), 3);
    assert.equal(nearestRank(20, 95), 19);
    assert.equal(nearestRank(21, 95), 20);
    assert.equal(nearestRank(100, 95), 95);
  });

  it('keeps every value within 2.2% (plus rounding to whole ms) of its bucket value', () => {
    let previous = -1;
    for (let v = 1; v < 10_000_000; v = v * 1.013 + 1) {
      const b = histogramBucket(v);
      assert.ok(b >= previous, 'buckets rise with the value');
      previous = b;
      const rep = bucketValue(b);
      assert.ok(Math.abs(rep - v) <= v * 0.022 + 0.5, `${v} -> bucket ${b} = ${rep}`);
    }
    assert.equal(histogramBucket(0), 0);
    assert.equal(histogramBucket(0.4), 0);
    assert.equal(histogramBucket(Number.NaN), 0);
    assert.equal(bucketValue(0), 0);
  });

  it('reads percentiles off a histogram', () => {
    assert.equal(percentileFromHistogram([], 50), 0);
    const hist = [
      { bucket: histogramBucket(100), count: 50 },
      { bucket: histogramBucket(1000), count: 45 },
      { bucket: histogramBucket(10_000), count: 5 },
    ];
    assert.equal(percentileFromHistogram(hist, 50), bucketValue(histogramBucket(100)));
    assert.equal(percentileFromHistogram(hist, 95), bucketValue(histogramBucket(1000)));
    assert.equal(percentileFromHistogram(hist, 96), bucketValue(histogramBucket(10_000)));
  });
});

describe('pico-dollar sums', () => {
  it('is exact and independent of order', () => {
    const costs = [0.1, 0.2, 0.3, 1e-7, 7.5e-8, 123.456789];
    assert.equal(sumCostUsd(costs), sumCostUsd([...costs].reverse()));
    assert.equal(sumCostUsd([0.1, 0.2]), 0.3);
    assert.equal(toPicoUsd(0.0000225), 22_500_000n);
    assert.equal(toPicoUsd(-1), 0n);
    assert.equal(toPicoUsd(Number.NaN), 0n);
    assert.equal(picoToUsd('22500000'), 0.0000225);
    assert.equal(picoToUsd(null), 0);
  });
});

describe('database URLs and cutoffs', () => {
  it('finds the local path of file: URLs only', () => {
    assert.equal(localDatabasePath('file:/var/lib/twin/twin.db'), '/var/lib/twin/twin.db');
    assert.equal(localDatabasePath('file:///var/lib/twin/twin.db'), '/var/lib/twin/twin.db');
    assert.equal(localDatabasePath('file://localhost/var/x.db'), '/var/x.db');
    assert.equal(localDatabasePath('file:data/twin.db'), 'data/twin.db');
    assert.equal(localDatabasePath('file:/tmp/with%20space.db?mode=rwc'), '/tmp/with space.db');
    assert.equal(localDatabasePath(':memory:'), undefined);
    assert.equal(localDatabasePath('file::memory:'), undefined);
    assert.equal(localDatabasePath('libsql://db.example.com'), undefined);
  });

  it('rolls up whole UTC days only', () => {
    assert.equal(rollUpCutoff(T0), T0);
    assert.equal(rollUpCutoff(T0 + DAY - 1), T0);
    assert.equal(rollUpCutoff(T0 + DAY), T0 + DAY);
  });
});
