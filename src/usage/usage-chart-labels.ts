/**
 * The words around the usage chart: bucket labels in UTC ("14:00", "Nov 21"), compact axis numbers ("12k"), the
 * subtitle and the alt text that says in words what the picture shows. Pure functions, no drawing.
 */
import type { UsageSummary, UsageWindow } from '../core/types.js';
import { usageWindow } from '../core/usage-windows.js';

/** One bar of the chart: a bucket of the summary's series. */
export type SeriesPoint = UsageSummary['series'][number];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "the last 24 hours", from the one table of windows (core/usage-windows.ts). */
const windowWords = (window: UsageWindow) => `the ${usageWindow(window).words}`;

/** Hourly buckets for a day, daily ones otherwise (the table's bucket, as TwinService.usage asks the store). */
export function isHourly(window: UsageWindow): boolean {
  return usageWindow(window).bucketMs === 3_600_000;
}

/** "Nov 21" in UTC. */
export function dayLabel(at: number): string {
  const d = new Date(at);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** "14:00" in UTC. */
export function hourLabel(at: number): string {
  return `${String(new Date(at).getUTCHours()).padStart(2, '0')}:00`;
}

/** The x-axis label of a bucket starting at `start`. */
export function bucketLabel(start: number, window: UsageWindow): string {
  return isHourly(window) ? hourLabel(start) : dayLabel(start);
}

/** Axis numbers that fit: 950, 1.2k, 15k, 2.3M. */
export function compactNumber(n: number): string {
  const abs = Math.abs(n);
  const trim = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1).replace(/\.0$/, ''));
  if (abs >= 1_000_000) return `${trim(Math.round(n / 100_000) / 10)}M`;
  if (abs >= 10_000) return `${Math.round(n / 1_000)}k`;
  if (abs >= 1_000) return `${trim(Math.round(n / 100) / 10)}k`;
  return trim(Math.round(n * 10) / 10);
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const plural = (n: number, word: string) => `${int(n)} ${word}${Math.round(n) === 1 ? '' : 's'}`;

/** A finite, non-negative count; anything else draws as zero. */
export function safeCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Totals of the series and its busiest bucket (the earliest one on a tie), as drawn. */
export function seriesFacts(series: readonly SeriesPoint[]): { requests: number; tokens: number; peak?: SeriesPoint } {
  let requests = 0;
  let tokens = 0;
  let peak: SeriesPoint | undefined;
  for (const point of series) {
    requests += safeCount(point.requests);
    tokens += safeCount(point.tokens);
    if (safeCount(point.requests) > 0 && (!peak || point.requests > peak.requests)) peak = point;
  }
  return { requests, tokens, ...(peak && { peak }) };
}

/** "Nov 21 14:05" in UTC. */
export function momentLabel(at: number): string {
  const d = new Date(at);
  return `${dayLabel(at)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** "Per hour over the last 24 hours: Nov 20 14:05 to Nov 21 14:05 (UTC)". */
export function chartSubtitle(summary: UsageSummary, window: UsageWindow): string {
  const per = isHourly(window) ? 'hour' : 'day';
  return `Per ${per} over ${windowWords(window)}: ${momentLabel(summary.from)} to ${momentLabel(summary.to)} (UTC)`;
}

/**
 * What the picture shows, in words, for people who cannot see it:
 * "Requests and tokens per hour over the last 24 hours: 42 requests, peak 9 at 14:00 UTC, 51,234 tokens."
 */
export function chartAltText(summary: UsageSummary, window: UsageWindow): string {
  const per = isHourly(window) ? 'hour' : 'day';
  const { requests, tokens, peak } = seriesFacts(summary.series);
  const head = `Requests and tokens per ${per} over ${windowWords(window)}`;
  if (!peak) return `${head}: no requests.`;
  const when = isHourly(window) ? `at ${hourLabel(peak.start)} UTC` : `on ${dayLabel(peak.start)} (UTC)`;
  return `${head}: ${plural(requests, 'request')}, peak ${int(peak.requests)} ${when}, ${plural(tokens, 'token')}.`;
}

/** "No requests in the last 24 hours", drawn in place of empty axes. */
export function emptyChartNote(window: UsageWindow): string {
  return `No requests in ${windowWords(window)}`;
}

/** A file name that says what and when: twin-usage-24h-2026-11-21.png (the report's end, UTC). */
export function chartFilename(summary: UsageSummary, window: UsageWindow): string {
  const day = Number.isFinite(summary.to) ? new Date(summary.to).toISOString().slice(0, 10) : 'report';
  return `twin-usage-${window}-${day}.png`;
}
