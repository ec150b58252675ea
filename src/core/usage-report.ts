/**
 * Renders a usage summary as plain text with every count labelled in words ("Requests: 12").
 * Adapters wrap it for their platform; the numbers come straight from the ledger summary.
 */
import type { FeedbackSummary, UsageSummary } from './types.js';
import { parseWindow, type UsageWindow, usageWindow } from './usage-windows.js';

export { parseWindow };

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
export const usd = (n: number) => (n > 0 && n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/** A one-line sparkline of a series, for places an image cannot go. */
export function sparkline(values: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(0, ...values);
  if (max === 0) return values.map(() => bars[0]).join('');
  return values.map((v) => bars[Math.min(bars.length - 1, Math.floor((v / max) * (bars.length - 1)))]).join('');
}

export function renderUsageText(summary: UsageSummary, window: UsageWindow, scopeLabel: string): string {
  const lines: string[] = [];
  lines.push(`Twin usage for ${scopeLabel}, ${usageWindow(window).words} (UTC)`);
  lines.push(
    `Requests: ${int(summary.requests)} · Answered: ${int(summary.answered)} · Failed: ${int(summary.failed)} · Refused: ${int(summary.refused)}`,
  );
  const rated = summary.answered + summary.failed;
  lines.push(`Success rate: ${rated === 0 ? 'no answers attempted yet' : pct(summary.successRate)}`);
  lines.push(
    `Tokens: ${int(summary.totalTokens)} (prompt ${int(summary.promptTokens)}, completion ${int(summary.completionTokens)})`,
  );
  lines.push(`Estimated cost: ${usd(summary.costUsd)}`);
  if (summary.requests > 0) {
    lines.push(
      `Latency: average ${ms(summary.avgLatencyMs)}, median ${ms(summary.p50LatencyMs)}, 95th percentile ${ms(summary.p95LatencyMs)}`,
    );
    lines.push(`Queue wait: median ${ms(summary.p50QueueMs)}, 95th percentile ${ms(summary.p95QueueMs)}`);
  }
  for (const m of summary.byModel) {
    lines.push(
      `Model ${m.model}: requests ${int(m.requests)}, tokens ${int(m.promptTokens + m.completionTokens)}, cost ${usd(m.costUsd)}`,
    );
  }
  if (summary.topFailures.length > 0) {
    lines.push(`Top failure reasons: ${summary.topFailures.map((f) => `${f.key} (${int(f.count)})`).join(', ')}`);
  }
  if (summary.topUsers.length > 0) {
    lines.push(`Top askers: ${summary.topUsers.map((u) => `${u.label ?? u.key} (${int(u.count)})`).join(', ')}`);
  }
  if (summary.topChannels.length > 0) {
    lines.push(
      `Busiest channels: ${summary.topChannels.map((c) => `${c.label ?? c.key} (${int(c.count)})`).join(', ')}`,
    );
  }
  if (summary.series.length > 0 && summary.requests > 0) {
    lines.push(`Requests over time: ${sparkline(summary.series.map((s) => s.requests))}`);
  }
  return lines.join('\n');
}

/** The console's goodbye line: requests, tokens, average latency, success rate, estimated cost. */
export function renderSessionTotals(s: UsageSummary): string {
  const rated = s.answered + s.failed;
  const success = rated === 0 ? 'n/a' : pct(s.successRate);
  return [
    `This session: Requests: ${int(s.requests)}`,
    `Tokens: ${int(s.totalTokens)}`,
    `Average latency: ${s.requests === 0 ? 'n/a' : ms(s.avgLatencyMs)}`,
    `Success rate: ${success}`,
    `Estimated cost: ${usd(s.costUsd)}`,
  ].join(' · ');
}

/** Longest 👎 reason a report line shows; the stored one may be longer (the export has it whole). */
const REPORT_REASON_CHARS = 120;

/**
 * The feedback lines of a report: the helpful rate (👍 / all votes) and the newest 👎 reasons, quoted one a line.
 * Reports go to admins only, so the reasons do too.
 */
export function renderFeedbackText(f: FeedbackSummary): string {
  if (f.votes === 0) return 'Feedback: no votes yet';
  const lines = [
    `Helpful: ${pct(f.helpful / f.votes)} (${int(f.helpful)} of ${int(f.votes)} votes; not helpful: ${int(f.notHelpful)})`,
  ];
  if (f.recentReasons.length > 0) {
    lines.push('Recent reasons for 👎:');
    for (const r of f.recentReasons) {
      const text = r.reason.length > REPORT_REASON_CHARS ? `${r.reason.slice(0, REPORT_REASON_CHARS - 1)}…` : r.reason;
      lines.push(`  ${new Date(r.at).toISOString().slice(0, 16).replace('T', ' ')} “${text}”`);
    }
  }
  return lines.join('\n');
}
