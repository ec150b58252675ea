/**
 * What the two ledger summarizers (summarize-ledger.ts from the daily aggregates, summarize-ledger-rows.ts from the
 * rows) read the same way: each builds a `ledger` CTE of its own, with the same columns, and these turn its rows into
 * a `UsageSummary`. Only the CTEs and the percentiles differ between them.
 */

import type { UsageQuery } from '../core/ports.js';
import type { CountBy, ModelUsage, UsageSummary } from '../core/types.js';
import { picoToUsd } from './pico-usd.js';
import type { SqlArgs, SqlRow } from './sql-client.js';

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export type ReadRows = (sql: string, args: SqlArgs) => Promise<SqlRow[]>;

/** The totals over a `ledger` CTE: requests by outcome, tokens, cost, and the latency sum of timed requests. */
export const TOTALS_SQL = `SELECT SUM(requests) AS requests,
      SUM(CASE WHEN outcome = 'answered' THEN requests END) AS answered,
      SUM(CASE WHEN outcome IN ('failed', 'interrupted') THEN requests END) AS failed,
      SUM(CASE WHEN outcome = 'refused' THEN requests END) AS refused,
      SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion, SUM(total_tokens) AS total,
      CAST(SUM(cost_pico) AS TEXT) AS cost,
      SUM(CASE WHEN outcome <> 'refused' THEN latency_sum END) AS latency_sum,
      SUM(CASE WHEN outcome <> 'refused' THEN requests END) AS timed
    FROM ledger`;

export function modelUsageOf(rows: SqlRow[]): ModelUsage[] {
  return rows.map((r) => ({
    model: String(r['model']),
    requests: num(r['requests']),
    promptTokens: num(r['prompt']),
    completionTokens: num(r['completion']),
    costUsd: picoToUsd(r['cost'] as string | null),
  }));
}

export function countsOf(rows: SqlRow[]): CountBy[] {
  return rows.map((r) => {
    const entry: CountBy = { key: String(r['key']), count: num(r['count']) };
    if (r['label'] !== null && r['label'] !== undefined) entry.label = String(r['label']);
    return entry;
  });
}

/** Requests and tokens per bucket of [firstBucket, to), every bucket present (zero when empty), oldest first. */
export async function seriesOf(
  read: ReadRows,
  ledgerCte: string,
  args: Record<string, string | number>,
  firstBucket: number,
  to: number,
  bucketMs: number,
): Promise<UsageSummary['series']> {
  const filled = new Map<number, { start: number; requests: number; tokens: number }>();
  for (let start = firstBucket; start < to; start += bucketMs) filled.set(start, { start, requests: 0, tokens: 0 });
  const buckets = await read(
    `${ledgerCte} SELECT (t / CAST(:bucket AS BIGINT)) * CAST(:bucket AS BIGINT) AS start, SUM(requests) AS requests,
      SUM(total_tokens) AS tokens FROM ledger GROUP BY start`,
    { ...args, bucket: bucketMs },
  );
  for (const b of buckets) {
    const slot = filled.get(num(b['start']));
    if (slot) {
      slot.requests = num(b['requests']);
      slot.tokens = num(b['tokens']);
    }
  }
  return [...filled.values()];
}

export interface SummaryParts {
  totals: SqlRow | undefined;
  latency: { p50: number; p95: number };
  queue: { p50: number; p95: number };
  byModel: ModelUsage[];
  topFailures: CountBy[];
  topUsers: CountBy[];
  topChannels: CountBy[];
  series: UsageSummary['series'];
}

export function summaryOf(query: UsageQuery, parts: SummaryParts): UsageSummary {
  const { totals } = parts;
  const answered = num(totals?.['answered']);
  const failed = num(totals?.['failed']);
  const timed = num(totals?.['timed']);
  return {
    ...(query.tenantId === undefined ? {} : { tenantId: query.tenantId }),
    from: query.from,
    to: query.to,
    requests: num(totals?.['requests']),
    answered,
    failed,
    refused: num(totals?.['refused']),
    promptTokens: num(totals?.['prompt']),
    completionTokens: num(totals?.['completion']),
    totalTokens: num(totals?.['total']),
    costUsd: picoToUsd(totals?.['cost'] as string | null),
    avgLatencyMs: timed === 0 ? 0 : num(totals?.['latency_sum']) / timed,
    p50LatencyMs: parts.latency.p50,
    p95LatencyMs: parts.latency.p95,
    p50QueueMs: parts.queue.p50,
    p95QueueMs: parts.queue.p95,
    successRate: answered + failed === 0 ? 1 : answered / (answered + failed),
    byModel: parts.byModel,
    topFailures: parts.topFailures,
    topUsers: parts.topUsers,
    topChannels: parts.topChannels,
    series: parts.series,
  };
}
