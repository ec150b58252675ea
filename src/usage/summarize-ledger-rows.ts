/**
 * The row scan: builds a `UsageSummary` from the ledger's raw rows in `usage_records` plus rolled-up days in `usage_daily`,
 * read together as one set of weighted rows so that a roll-up never changes a total.
 *
 * Definitions (also in the store's TSDoc):
 * - rows are those with `from <= at < to`; a rolled-up day counts when its UTC midnight is in the window;
 * - rows still open (requests being answered) are left out; interrupted ones count as failed (they spent, and
 *   their asker got no answer) and show as 'interrupted' among the failure reasons;
 * - latency and queue figures (average, p50, p95) cover answered and failed requests: refusals (empty
 *   question, flood guard, quota) end before any work and would only drag the figures towards 0;
 * - successRate = answered / (answered + failed), and 1 when both are 0 (nothing the twin tried failed);
 * - costUsd is an exact integer sum of pico-dollars (pico-usd.ts);
 * - percentiles are nearest-rank, exact over raw rows, histogram-based once rolled-up days are included.
 *
 * It reads every row of the window, so its time grows with the ledger: reports go through summarize-ledger.ts
 * (daily aggregates), which falls back to this for windows shorter than a whole day or with hourly series. Kept
 * whole as the reference the aggregates are compared with (tests, `npm run bench -- ledger`).
 */

import { TwinError } from '../core/errors.js';
import type { UsageQuery } from '../core/ports.js';
import type { UsageSummary } from '../core/types.js';
import { mergeHistograms, nearestRank, percentileFromHistogram } from './latency-histogram.js';
import { countsOf, modelUsageOf, num, type ReadRows, seriesOf, summaryOf, TOTALS_SQL } from './ledger-summary-parts.js';
import type { SqlArgs, SqlClient } from './sql-client.js';
import { latestName } from './sql-dialect.js';

/** At most this many series buckets per summary; a finer request is a caller bug. */
export const MAX_SERIES_BUCKETS = 10_000;

export interface Scope {
  tenantId?: string;
  from: number;
  to: number;
}

function scopeArgs(scope: Scope): Record<string, string | number> {
  const args: Record<string, string | number> = { from: scope.from, to: scope.to };
  if (scope.tenantId !== undefined) args['tenant'] = scope.tenantId;
  return args;
}

// why: tenant ids are compared with `=`, never LIKE or a prefix, so `discord:1` never sees `discord:10`.
const tenantClause = (scope: Scope) => (scope.tenantId === undefined ? '' : ' AND tenant_id = :tenant');

/** `WITH ledger AS (...)`: raw rows weighted 1 and rolled-up groups weighted by their request count. */
function ledgerCte(scope: Scope): string {
  const tenant = tenantClause(scope);
  return `WITH ledger AS (
    SELECT at AS t, at AS name_at, model, outcome, error_code, user_id, user_name, channel_id, 1 AS requests,
      prompt_tokens, completion_tokens, total_tokens, cost_pico, latency_ms AS latency_sum, queue_ms AS queue_sum
    FROM usage_records WHERE at >= :from AND at < :to${tenant} AND outcome <> 'open'
    UNION ALL
    SELECT day, name_at, NULLIF(model, ''), outcome, NULLIF(error_code, ''), user_id, user_name, channel_id, requests,
      prompt_tokens, completion_tokens, total_tokens, cost_pico, latency_sum, queue_sum
    FROM usage_daily WHERE day >= :from AND day < :to${tenant}
  )`;
}

export async function rows(client: SqlClient, sql: string, args: SqlArgs) {
  return (await client.execute({ sql, args })).rows;
}

/** Nearest-rank percentiles of one metric: exact over raw rows, from histograms when rolled-up days are in. */
export async function rowPercentiles(
  client: SqlClient,
  scope: Scope,
  metric: 'latency' | 'queue',
  n: number,
  rolledUp: boolean,
): Promise<{ p50: number; p95: number }> {
  if (n === 0) return { p50: 0, p95: 0 };
  const args = scopeArgs(scope);
  const tenant = tenantClause(scope);
  if (!rolledUp) {
    // why: one sort serves both ranks (ROW_NUMBER over the sorted values) instead of one sort per percentile.
    const k50 = nearestRank(n, 50);
    const k95 = nearestRank(n, 95);
    const ranked = await rows(
      client,
      `SELECT rn, v FROM (
        SELECT ROW_NUMBER() OVER (ORDER BY ${metric}_ms) AS rn, ${metric}_ms AS v FROM usage_records
        WHERE at >= :from AND at < :to${tenant} AND outcome NOT IN ('refused', 'open')
      ) AS ranked WHERE rn IN (:k50, :k95)`,
      { ...args, k50, k95 },
    );
    const at = (k: number) => num(ranked.find((r) => num(r['rn']) === k)?.['v']);
    return { p50: at(k50), p95: at(k95) };
  }
  const raw = await rows(
    client,
    `SELECT ${metric}_bucket AS bucket, COUNT(*) AS count FROM usage_records
      WHERE at >= :from AND at < :to${tenant} AND outcome NOT IN ('refused', 'open') GROUP BY bucket`,
    args,
  );
  const stored = await rows(
    client,
    `SELECT buckets FROM usage_daily_hist WHERE day >= :from AND day < :to${tenant} AND metric = :metric`,
    { ...args, metric },
  );
  const hist = mergeHistograms(
    raw.map((b) => ({ bucket: num(b['bucket']), count: num(b['count']) })),
    stored.map((h) => String(h['buckets'])),
  );
  return { p50: percentileFromHistogram(hist, 50), p95: percentileFromHistogram(hist, 95) };
}

/** Reads one summary. `topLimit` bounds topFailures, topUsers and topChannels. */
export async function summarizeLedgerRows(
  client: SqlClient,
  query: UsageQuery,
  topLimit: number,
): Promise<UsageSummary> {
  const { from, to, bucketMs } = query;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new TwinError('internal', `Invalid usage window [${from}, ${to})`);
  }
  const firstBucket = Math.floor(from / bucketMs) * bucketMs;
  if (!(bucketMs > 0) || (to - firstBucket) / bucketMs > MAX_SERIES_BUCKETS) {
    throw new TwinError('internal', `Invalid series bucket ${bucketMs} ms for a ${to - from} ms window`);
  }
  const scope: Scope = { tenantId: query.tenantId, from, to };
  const cte = ledgerCte(scope);
  const args = scopeArgs(scope);
  const limit = { ...args, limit: topLimit };

  const read: ReadRows = (sql, sqlArgs) => rows(client, sql, sqlArgs);
  const [totals] = await read(`${cte} ${TOTALS_SQL}`, args);
  const timed = num(totals?.['timed']);

  const rollUps = await rows(
    client,
    `SELECT 1 FROM usage_daily WHERE day >= :from AND day < :to${tenantClause(scope)} LIMIT 1`,
    args,
  );
  const rolledUp = rollUps.length > 0;
  const latency = await rowPercentiles(client, scope, 'latency', timed, rolledUp);
  const queue = await rowPercentiles(client, scope, 'queue', timed, rolledUp);

  const byModel = modelUsageOf(
    await read(
      `${cte} SELECT model, SUM(requests) AS requests, SUM(prompt_tokens) AS prompt,
        SUM(completion_tokens) AS completion, CAST(SUM(cost_pico) AS TEXT) AS cost
      FROM ledger WHERE model IS NOT NULL GROUP BY model ORDER BY requests DESC, model`,
      args,
    ),
  );
  const countBy = async (sql: string) => countsOf(await read(sql, limit));
  const topFailures = await countBy(
    `${cte} SELECT COALESCE(error_code, 'unknown') AS key, SUM(requests) AS count FROM ledger
      WHERE outcome <> 'answered' GROUP BY key ORDER BY count DESC, key LIMIT :limit`,
  );
  // why: the label is the most recent display name in the window, so a renamed user shows their new name.
  const topUsers = await countBy(
    `${cte} SELECT user_id AS key, SUM(requests) AS count, ${latestName(client.dialect, 'name_at')} AS label,
      MAX(CASE WHEN user_name IS NOT NULL THEN name_at END) AS name_at
    FROM ledger GROUP BY user_id ORDER BY count DESC, key LIMIT :limit`,
  );
  const topChannels = await countBy(
    `${cte} SELECT channel_id AS key, SUM(requests) AS count FROM ledger
      GROUP BY channel_id ORDER BY count DESC, key LIMIT :limit`,
  );
  const series = await seriesOf(read, cte, args, firstBucket, to, bucketMs);
  return summaryOf(query, { totals, latency, queue, byModel, topFailures, topUsers, topChannels, series });
}
