/**
 * Builds a `UsageSummary` from the daily aggregates (daily-aggregates.ts): the whole UTC days of the window come
 * from `usage_agg*` (a few rows per day), the partial days at its edges (the current day among them) from the raw
 * rows, live, and rolled-up days from `usage_daily` as before. The definitions are those of the row scan
 * (summarize-ledger-rows.ts), which this gives the same totals as and falls back to when the window holds no whole
 * day or asks for a series finer than a day.
 *
 * Percentiles are exact (nearest-rank over raw rows) while the window holds at most `exactPercentilesUpTo`
 * timed requests and no rolled-up day; past that they come from the histograms, within ~2.2% (latency-histogram.ts),
 * so no report query sorts more than that many rows.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SummaryPart, UsageQuery } from '../core/ports.js';
import type { UsageSummary } from '../core/types.js';
import { mergeHistograms, percentileFromHistogram } from './latency-histogram.js';
import { countsOf, modelUsageOf, num, type ReadRows, seriesOf, summaryOf, TOTALS_SQL } from './ledger-summary-parts.js';
import { DAY_MS } from './roll-up-ledger.js';
import type { SqlArgs, SqlClient } from './sql-client.js';
import { latestName } from './sql-dialect.js';
import { rows as readRows, rowPercentiles, type Scope, summarizeLedgerRows } from './summarize-ledger-rows.js';

/** Timed requests in a window up to which percentiles are exact (one sort of that many rows, a few ms). */
export const EXACT_PERCENTILES_UP_TO = 10_000;

export interface SummaryOptions {
  exactPercentilesUpTo?: number;
  /** Parts not read and returned empty (see SummaryPart). */
  leaveOut?: readonly SummaryPart[];
}

/**
 * One query, after letting the event loop turn. why: the local client runs a statement synchronously, so a report
 * of ten queries awaited back to back held the loop for all ten; now each holds it for its own few ms at most.
 */
async function rows(client: SqlClient, sql: string, args: SqlArgs) {
  await nextTurn();
  return readRows(client, sql, args);
}

interface Window {
  tenant: string;
  args: Record<string, string | number>;
}

/** Raw rows of the two partial days: [from, wholeFrom) and [wholeTo, to). Two ranges, so each uses the index. */
function edges(w: Window, columns: string, where = "outcome <> 'open'"): string {
  return `SELECT ${columns} FROM usage_records WHERE at >= :from AND at < :wholeFrom${w.tenant} AND ${where}
    UNION ALL
    SELECT ${columns} FROM usage_records WHERE at >= :wholeTo AND at < :to${w.tenant} AND ${where}`;
}

const wholeDays = (w: Window) => `day >= :wholeFrom AND day < :wholeTo${w.tenant}`;
const rolledDays = (w: Window) => `day >= :from AND day < :to${w.tenant}`;

function factsCte(w: Window): string {
  const sums = 'prompt_tokens, completion_tokens, total_tokens, cost_pico, latency_sum';
  return `WITH ledger AS (
    ${edges(w, `at AS t, model, outcome, error_code, 1 AS requests, prompt_tokens, completion_tokens, total_tokens, cost_pico, latency_ms AS latency_sum`)}
    UNION ALL
    SELECT day, NULLIF(model, ''), outcome, NULLIF(error_code, ''), requests, ${sums} FROM usage_agg WHERE ${wholeDays(w)}
    UNION ALL
    SELECT day, NULLIF(model, ''), outcome, NULLIF(error_code, ''), requests, ${sums} FROM usage_daily WHERE ${rolledDays(w)}
  )`;
}

function usersCte(w: Window): string {
  return `WITH users AS (
    ${edges(w, 'user_id, user_name, at AS name_at, 1 AS requests')}
    UNION ALL
    SELECT user_id, user_name, name_at, requests FROM usage_agg_users WHERE ${wholeDays(w)}
    UNION ALL
    SELECT user_id, user_name, name_at, requests FROM usage_daily WHERE ${rolledDays(w)}
  )`;
}

function channelsCte(w: Window): string {
  return `WITH channels AS (
    ${edges(w, 'channel_id, 1 AS requests')}
    UNION ALL
    SELECT channel_id, requests FROM usage_agg_channels WHERE ${wholeDays(w)}
    UNION ALL
    SELECT channel_id, requests FROM usage_daily WHERE ${rolledDays(w)}
  )`;
}

async function histogramPercentiles(
  client: SqlClient,
  w: Window,
  metric: 'latency' | 'queue',
): Promise<{ p50: number; p95: number }> {
  const counts = await rows(
    client,
    `SELECT bucket, SUM(n) AS count FROM (
      ${edges(w, `${metric}_bucket AS bucket, 1 AS n`, "outcome NOT IN ('refused', 'open')")}
      UNION ALL
      SELECT bucket, n FROM usage_agg_hist WHERE ${wholeDays(w)} AND metric = :metric
    ) AS hist GROUP BY bucket`,
    { ...w.args, metric },
  );
  const stored = await rows(
    client,
    `SELECT buckets FROM usage_daily_hist WHERE ${rolledDays(w)} AND metric = :metric`,
    { ...w.args, metric },
  );
  const hist = mergeHistograms(
    counts.map((b) => ({ bucket: num(b['bucket']), count: num(b['count']) })),
    stored.map((h) => String(h['buckets'])),
  );
  return { p50: percentileFromHistogram(hist, 50), p95: percentileFromHistogram(hist, 95) };
}

/** The summary with `parts` emptied, as if not read. why: the row scan reads them all in the same statements. */
function withoutParts(summary: UsageSummary, parts: readonly SummaryPart[]): UsageSummary {
  const out = { ...summary };
  if (parts.includes('latency')) Object.assign(out, { p50LatencyMs: 0, p95LatencyMs: 0 });
  if (parts.includes('queue')) Object.assign(out, { p50QueueMs: 0, p95QueueMs: 0 });
  if (parts.includes('users')) out.topUsers = [];
  if (parts.includes('channels')) out.topChannels = [];
  return out;
}

/** Reads one summary. `topLimit` bounds topFailures, topUsers and topChannels. */
export async function summarizeLedger(
  client: SqlClient,
  query: UsageQuery,
  topLimit: number,
  options: SummaryOptions = {},
): Promise<UsageSummary> {
  const { from, to, bucketMs } = query;
  const wholeFrom = Math.ceil(from / DAY_MS) * DAY_MS;
  const wholeTo = Math.floor(to / DAY_MS) * DAY_MS;
  const usable =
    Number.isFinite(from) && Number.isFinite(to) && bucketMs > 0 && bucketMs % DAY_MS === 0 && wholeTo > wholeFrom;
  // why: the row scan validates the query and serves windows the aggregates cannot (no whole day, hourly series).
  const firstBucket = Math.floor(from / bucketMs) * bucketMs;
  if (!usable || (to - firstBucket) / bucketMs > 10_000) {
    return withoutParts(await summarizeLedgerRows(client, query, topLimit), options.leaveOut ?? []);
  }

  const args: Record<string, string | number> = { from, to, wholeFrom, wholeTo };
  if (query.tenantId !== undefined) args['tenant'] = query.tenantId;
  // why: tenant ids are compared with `=`, never LIKE or a prefix, so `discord:1` never sees `discord:10`.
  const w: Window = { tenant: query.tenantId === undefined ? '' : ' AND tenant_id = :tenant', args };
  const facts = factsCte(w);
  const limit = { ...args, limit: topLimit };

  const read: ReadRows = (sql, sqlArgs) => rows(client, sql, sqlArgs);
  const [totals] = await read(`${facts} ${TOTALS_SQL}`, args);
  const timed = num(totals?.['timed']);

  const rolledUp = (await rows(client, `SELECT 1 FROM usage_daily WHERE ${rolledDays(w)} LIMIT 1`, args)).length > 0;
  const exact = !rolledUp && timed <= (options.exactPercentilesUpTo ?? EXACT_PERCENTILES_UP_TO);
  const scope: Scope = { from, to, ...(query.tenantId === undefined ? {} : { tenantId: query.tenantId }) };
  const percentiles = (metric: 'latency' | 'queue') =>
    exact
      ? nextTurn().then(() => rowPercentiles(client, scope, metric, timed, false))
      : histogramPercentiles(client, w, metric);
  const wanted = (part: SummaryPart) => !options.leaveOut?.includes(part);
  const latency = timed === 0 || !wanted('latency') ? { p50: 0, p95: 0 } : await percentiles('latency');
  const queue = timed === 0 || !wanted('queue') ? { p50: 0, p95: 0 } : await percentiles('queue');

  const byModel = modelUsageOf(
    await read(
      `${facts} SELECT model, SUM(requests) AS requests, SUM(prompt_tokens) AS prompt,
        SUM(completion_tokens) AS completion, CAST(SUM(cost_pico) AS TEXT) AS cost
      FROM ledger WHERE model IS NOT NULL GROUP BY model HAVING SUM(requests) > 0 ORDER BY requests DESC, model`,
      args,
    ),
  );
  const countBy = async (sql: string) => countsOf(await read(sql, limit));
  const topFailures = await countBy(
    `${facts} SELECT COALESCE(error_code, 'unknown') AS key, SUM(requests) AS count FROM ledger
      WHERE outcome <> 'answered' GROUP BY key HAVING SUM(requests) > 0 ORDER BY count DESC, key LIMIT :limit`,
  );
  const topUsers = !wanted('users')
    ? []
    : await countBy(
        `${usersCte(w)} SELECT user_id AS key, SUM(requests) AS count, ${latestName(client.dialect, 'name_at')} AS label,
      MAX(CASE WHEN user_name IS NOT NULL THEN name_at END) AS name_at
    FROM users GROUP BY user_id HAVING SUM(requests) > 0 ORDER BY count DESC, key LIMIT :limit`,
      );
  const topChannels = !wanted('channels')
    ? []
    : await countBy(
        `${channelsCte(w)} SELECT channel_id AS key, SUM(requests) AS count FROM channels
      GROUP BY channel_id HAVING SUM(requests) > 0 ORDER BY count DESC, key LIMIT :limit`,
      );
  const series = await seriesOf(read, facts, args, firstBucket, to, bucketMs);
  return summaryOf(query, { totals, latency, queue, byModel, topFailures, topUsers, topChannels, series });
}
