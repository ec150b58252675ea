/**
 * The usage chart as people get it: a real PNG (signature, IHDR size, weight), drawn on a solid card with both
 * series visible, labelled in UTC, with alt text that says the same in words; empty and odd series still draw.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TwinError } from '../../src/core/errors.js';
import type { UsageSummary, UsageWindow } from '../../src/core/types.js';
import { PACKAGED_CHART_FONT } from '../../src/usage/chart-font.js';
import { ChartJsUsageChart } from '../../src/usage/chart-js-usage-chart.js';
import {
  bucketLabel,
  chartAltText,
  chartFilename,
  chartSubtitle,
  compactNumber,
} from '../../src/usage/usage-chart-labels.js';
import { decodePng, PNG_SIGNATURE, pngInfo } from './png-info.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 2026-11-21T14:37:00Z: the moment the report is asked for. */
const NOW = Date.UTC(2026, 10, 21, 14, 37);
const WHITE: [number, number, number] = [255, 255, 255];
const BLUE: [number, number, number] = [0x3b, 0x7d, 0xdd];
const ORANGE: [number, number, number] = [0xe8, 0x73, 0x0c];
const INK: [number, number, number] = [0x1f, 0x23, 0x28];
const MUTED: [number, number, number] = [0x57, 0x60, 0x6a];

/** Requests per hour over a working day (UTC), oldest first; 42 in all, peak 9 at 14:00 yesterday. */
const DAY_OF_REQUESTS = [0, 9, 4, 3, 5, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 3, 2, 2, 1];

function summaryOf(window: UsageWindow, requests: number[], tokensEach = 1_500): UsageSummary {
  const bucket = window === '24h' ? HOUR : DAY;
  const span = window === '24h' ? DAY : window === '7d' ? 7 * DAY : 30 * DAY;
  const from = NOW - span;
  const first = Math.floor(from / bucket) * bucket;
  const series = requests.map((n, i) => ({ start: first + i * bucket, requests: n, tokens: n * tokensEach }));
  const total = requests.reduce((a, b) => a + b, 0);
  return {
    from,
    to: NOW,
    requests: total,
    answered: total,
    failed: 0,
    refused: 0,
    promptTokens: total * 1_200,
    completionTokens: total * 300,
    totalTokens: total * tokensEach,
    costUsd: 0.01,
    avgLatencyMs: 1_500,
    p50LatencyMs: 1_400,
    p95LatencyMs: 3_000,
    p50QueueMs: 10,
    p95QueueMs: 200,
    successRate: 1,
    byModel: [],
    topFailures: [],
    topUsers: [],
    topChannels: [],
    series,
  };
}

describe('ChartJsUsageChart', () => {
  const renderer = new ChartJsUsageChart({ fontFile: PACKAGED_CHART_FONT });

  test('24 hours: a 900x450 PNG with both series on a solid card, and alt text in words', async () => {
    const summary = summaryOf('24h', DAY_OF_REQUESTS);
    const chart = await renderer.render(summary, '24h', 'Twin usage for this server');
    assert.ok(Buffer.from(chart.png).subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
    assert.deepEqual(pngInfo(chart.png), { width: 900, height: 450 });
    assert.equal(chart.width, 900);
    assert.equal(chart.height, 450);
    assert.ok(chart.png.byteLength > 15_000, `a real picture, not a blank one (${chart.png.byteLength} bytes)`);
    assert.ok(chart.png.byteLength < 1_000_000, 'small enough for any upload limit');
    assert.equal(chart.filename, 'twin-usage-24h-2026-11-21.png');
    assert.equal(
      chart.alt,
      'Requests and tokens per hour over the last 24 hours: 42 requests, peak 9 at 15:00 UTC, 63,000 tokens.',
    );

    const px = await decodePng(chart.png);
    // The corners are opaque: the picture reads the same on a dark and a light theme.
    for (const [x, y] of [
      [3, 3],
      [896, 3],
      [3, 446],
      [896, 446],
    ] as const) {
      assert.deepEqual(px.at(x, y), [...WHITE, 255], `opaque white at ${x},${y}`);
    }
    assert.ok(px.count(BLUE, 8) > 5_000, 'request bars are drawn');
    assert.ok(px.count(ORANGE, 8) > 300, 'the token line is drawn');
    assert.ok(px.count(INK, 40, { x: 250, y: 0, w: 400, h: 40 }) > 300, 'the title is drawn in dark ink at the top');
  });

  test('30 days: daily buckets labelled by UTC date; the busiest day is named in the alt text', async () => {
    const requests = Array.from({ length: 31 }, (_, i) => (i === 29 ? 120 : 20 + (i % 7)));
    const summary = summaryOf('30d', requests, 1_000);
    const chart = await renderer.render(summary, '30d', 'Twin usage for this workspace');
    assert.deepEqual(pngInfo(chart.png), { width: 900, height: 450 });
    const total = requests.reduce((a, b) => a + b, 0);
    assert.equal(
      chart.alt,
      `Requests and tokens per day over the last 30 days: ${total.toLocaleString('en-US')} requests, peak 120 on Nov 20 (UTC), ${(total * 1_000).toLocaleString('en-US')} tokens.`,
    );
    const px = await decodePng(chart.png);
    assert.ok(px.count(BLUE, 8) > 5_000);
  });

  test('an empty series, or one with no requests, still gives a picture that says so', async () => {
    for (const summary of [summaryOf('7d', []), summaryOf('7d', [0, 0, 0, 0, 0, 0, 0, 0])]) {
      const chart = await renderer.render(summary, '7d', 'Twin usage for this server');
      assert.deepEqual(pngInfo(chart.png), { width: 900, height: 450 });
      assert.equal(chart.alt, 'Requests and tokens per day over the last 7 days: no requests.');
      const px = await decodePng(chart.png);
      assert.equal(px.count(BLUE, 8), 0, 'no bars');
      assert.deepEqual(px.at(3, 3), [...WHITE, 255]);
      assert.ok(px.count(MUTED, 30, { x: 250, y: 200, w: 400, h: 50 }) > 200, 'the "no requests" sentence is drawn');
    }
  });

  test('odd numbers (NaN, negative, Infinity) draw as zero instead of breaking the axes', async () => {
    const summary = summaryOf('24h', DAY_OF_REQUESTS);
    summary.series[0]!.tokens = Number.NaN;
    summary.series[1]!.tokens = Number.POSITIVE_INFINITY;
    summary.series[2]!.requests = -3;
    const chart = await renderer.render(summary, '24h', 'Twin usage');
    assert.deepEqual(pngInfo(chart.png), { width: 900, height: 450 });
    assert.match(chart.alt, /: 38 requests, peak 9 at 15:00 UTC/);
  });

  test('size is configurable', async () => {
    const chart = await new ChartJsUsageChart({ width: 640, height: 320, fontFile: PACKAGED_CHART_FONT }).render(
      summaryOf('24h', DAY_OF_REQUESTS),
      '24h',
      'Twin usage',
    );
    assert.deepEqual(pngInfo(chart.png), { width: 640, height: 320 });
    assert.deepEqual([chart.width, chart.height], [640, 320]);
  });

  // A second typeface the font package ships, to see that the file given is the one drawn with.
  const serif = PACKAGED_CHART_FONT.replace('DejaVuSans.ttf', 'DejaVuSerif-Bold.ttf');
  test('a font file given is registered and used for the text', async () => {
    const summary = summaryOf('24h', DAY_OF_REQUESTS);
    const plain = await renderer.render(summary, '24h', 'Twin usage');
    const withFile = await new ChartJsUsageChart({ fontFile: serif }).render(summary, '24h', 'Twin usage');
    assert.deepEqual(pngInfo(withFile.png), { width: 900, height: 450 });
    const [a, b] = [await decodePng(withFile.png), await decodePng(plain.png)];
    let differing = 0;
    for (let y = 0; y < 40; y++) {
      for (let x = 250; x < 650; x++) {
        if (a.at(x, y).some((v, i) => Math.abs(v - (b.at(x, y)[i] ?? 0)) > 60)) differing++;
      }
    }
    assert.ok(differing > 100, `the title is drawn in another typeface (${differing} pixels differ)`);
  });

  test('a font file that cannot be loaded is a config error, not a picture without text', async () => {
    const broken = new ChartJsUsageChart({ fontFile: '/nonexistent/font.ttf' });
    await assert.rejects(broken.render(summaryOf('24h', DAY_OF_REQUESTS), '24h', 'x'), (err: unknown) => {
      assert.ok(err instanceof TwinError);
      assert.equal(err.code, 'config');
      return true;
    });
  });
});

describe('usage chart labels', () => {
  test('buckets are labelled in UTC: hours as 14:00, days as Nov 21', () => {
    assert.equal(bucketLabel(Date.UTC(2026, 10, 21, 14), '24h'), '14:00');
    assert.equal(bucketLabel(Date.UTC(2026, 10, 21, 0), '24h'), '00:00');
    assert.equal(bucketLabel(Date.UTC(2026, 10, 21), '7d'), 'Nov 21');
    assert.equal(bucketLabel(Date.UTC(2026, 0, 1), '30d'), 'Jan 1');
  });

  test('the subtitle gives the window in UTC, and the file name its end date', () => {
    const summary = summaryOf('24h', DAY_OF_REQUESTS);
    assert.equal(chartSubtitle(summary, '24h'), 'Per hour over the last 24 hours: Nov 20 14:37 to Nov 21 14:37 (UTC)');
    assert.equal(chartFilename(summary, '7d'), 'twin-usage-7d-2026-11-21.png');
  });

  test('alt text: one request is singular, a tie names the earliest peak', () => {
    const one = summaryOf('24h', [0, 0, 1, 0], 700);
    assert.equal(
      chartAltText(one, '24h'),
      'Requests and tokens per hour over the last 24 hours: 1 request, peak 1 at 16:00 UTC, 700 tokens.',
    );
    const tie = summaryOf('24h', [0, 3, 0, 3], 10);
    assert.match(chartAltText(tie, '24h'), /peak 3 at 15:00 UTC/);
  });

  test('axis numbers stay short', () => {
    assert.deepEqual([0, 950, 1_000, 1_250, 9_999, 15_400, 999_499, 2_340_000].map(compactNumber), [
      '0',
      '950',
      '1k',
      '1.3k',
      '10k',
      '15k',
      '999k',
      '2.3M',
    ]);
  });
});
