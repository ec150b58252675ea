/**
 * The summary computed by hand from raw records, the plain way, for comparing with the store's SQL.
 * It follows the definitions documented on `LibsqlUsageStore.summarize`.
 */
import type { UsageQuery } from '../../src/core/ports.js';
import type { CountBy, UsageRecord, UsageSummary } from '../../src/core/types.js';
import { sumCostUsd } from '../../src/usage/pico-usd.js';

function nearestRankValue(values: number[], percent: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((percent / 100) * sorted.length) - 1] as number;
}

function top(counts: Map<string, number>, limit: number, labels?: Map<string, string>): CountBy[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([key, count]) => {
      const label = labels?.get(key);
      return label === undefined ? { key, count } : { key, label, count };
    });
}

const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

export function referenceSummary(all: UsageRecord[], query: UsageQuery, topLimit = 5): UsageSummary {
  const rows = all.filter(
    (r) => r.at >= query.from && r.at < query.to && (query.tenantId === undefined || r.tenantId === query.tenantId),
  );
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  const answered = count('answered');
  const failed = count('failed');
  const timed = rows.filter((r) => r.outcome !== 'refused');

  const models = new Map<string, UsageRecord[]>();
  for (const r of rows) if (r.model !== undefined) models.set(r.model, [...(models.get(r.model) ?? []), r]);
  const byModel = [...models.entries()]
    .map(([model, rs]) => ({
      model,
      requests: rs.length,
      promptTokens: rs.reduce((s, r) => s + r.promptTokens, 0),
      completionTokens: rs.reduce((s, r) => s + r.completionTokens, 0),
      costUsd: sumCostUsd(rs.map((r) => r.costUsd)),
    }))
    .sort((a, b) => b.requests - a.requests || (a.model < b.model ? -1 : 1));

  const failures = new Map<string, number>();
  const users = new Map<string, number>();
  const channels = new Map<string, number>();
  const names = new Map<string, { at: number; name: string }>();
  for (const r of rows) {
    if (r.outcome !== 'answered') bump(failures, r.errorCode ?? 'unknown');
    bump(users, r.userId);
    bump(channels, r.channelId);
    const seen = names.get(r.userId);
    if (r.userName !== undefined && (seen === undefined || r.at > seen.at))
      names.set(r.userId, { at: r.at, name: r.userName });
  }
  const labels = new Map([...names.entries()].map(([k, v]) => [k, v.name]));

  const first = Math.floor(query.from / query.bucketMs) * query.bucketMs;
  const series: UsageSummary['series'] = [];
  for (let start = first; start < query.to; start += query.bucketMs) {
    const inBucket = rows.filter((r) => r.at >= start && r.at < start + query.bucketMs);
    series.push({ start, requests: inBucket.length, tokens: inBucket.reduce((s, r) => s + r.totalTokens, 0) });
  }

  return {
    ...(query.tenantId === undefined ? {} : { tenantId: query.tenantId }),
    from: query.from,
    to: query.to,
    requests: rows.length,
    answered,
    failed,
    refused: count('refused'),
    promptTokens: rows.reduce((s, r) => s + r.promptTokens, 0),
    completionTokens: rows.reduce((s, r) => s + r.completionTokens, 0),
    totalTokens: rows.reduce((s, r) => s + r.totalTokens, 0),
    costUsd: sumCostUsd(rows.map((r) => r.costUsd)),
    avgLatencyMs: timed.length === 0 ? 0 : timed.reduce((s, r) => s + r.latencyMs, 0) / timed.length,
    p50LatencyMs: nearestRankValue(
      timed.map((r) => r.latencyMs),
      50,
    ),
    p95LatencyMs: nearestRankValue(
      timed.map((r) => r.latencyMs),
      95,
    ),
    p50QueueMs: nearestRankValue(
      timed.map((r) => r.queueMs),
      50,
    ),
    p95QueueMs: nearestRankValue(
      timed.map((r) => r.queueMs),
      95,
    ),
    successRate: answered + failed === 0 ? 1 : answered / (answered + failed),
    byModel,
    topFailures: top(failures, topLimit),
    topUsers: top(users, topLimit, labels),
    topChannels: top(channels, topLimit),
    series,
  };
}
