/**
 * Retention: rows older than a cutoff become daily aggregates (`usage_daily`, plus latency and queue histograms
 * in `usage_daily_hist`), in one transaction, so the database stays small over years of traffic while every
 * total of a summary stays the same (see summarize-ledger.ts).
 */
import type { SqlClient, SqlDialect } from './sql-client.js';
import { existing, joinText, larger, latestName } from './sql-dialect.js';

export const DAY_MS = 86_400_000;

/** The tables of daily-aggregates.ts, all keyed by tenant_id and day. */
export const AGGREGATE_TABLES = ['usage_agg', 'usage_agg_users', 'usage_agg_channels', 'usage_agg_hist'] as const;

const GROUP = 'tenant_id, day, platform, model, outcome, error_code, user_id, channel_id';

/** The sums a day keeps, both in `usage_daily` (roll-up) and `usage_agg` (daily-aggregates.ts): one list for both. */
export const DAY_SUMS = [
  'requests',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost_pico',
  'latency_sum',
  'queue_sum',
  'attempts',
] as const;

// why: the user name kept is the latest display name seen that day (sql-dialect.ts). ON CONFLICT merges rows that
// arrive late (a buffered write of an old record) into a day already rolled up.
const rollUpDaily = (d: SqlDialect) => {
  const old = (c: string) => existing(d, 'usage_daily', c);
  return `INSERT INTO usage_daily (${GROUP}, requests, prompt_tokens, completion_tokens, total_tokens,
    cost_pico, latency_sum, queue_sum, attempts, user_name, name_at)
  SELECT tenant_id, (at / ${DAY_MS}) * ${DAY_MS} AS day, platform, COALESCE(model, '') AS model, outcome,
    COALESCE(error_code, '') AS error_code, user_id, channel_id, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens),
    SUM(total_tokens), SUM(cost_pico), SUM(latency_ms), SUM(queue_ms), SUM(attempts),
    ${latestName(d, 'at')}, MAX(CASE WHEN user_name IS NOT NULL THEN at END)
  FROM usage_records WHERE at < :cutoff AND outcome <> 'open'
  GROUP BY ${GROUP}
  ON CONFLICT (${GROUP}) DO UPDATE SET
    ${DAY_SUMS.map((c) => `${c} = ${old(c)} + excluded.${c}`).join(',\n    ')},
    user_name = CASE WHEN excluded.name_at IS NOT NULL AND excluded.name_at >= COALESCE(${old('name_at')}, excluded.name_at)
      THEN excluded.user_name ELSE ${old('user_name')} END,
    name_at = ${larger(d, old('name_at'), 'excluded.name_at')}`;
};

const rollUpHistogram = (d: SqlDialect, metric: 'latency' | 'queue') => ({
  sql: `INSERT INTO usage_daily_hist (tenant_id, day, metric, buckets)
    SELECT tenant_id, day, '${metric}', ${joinText(d, "CAST(bucket AS TEXT) || ':' || CAST(n AS TEXT)")} FROM (
      SELECT tenant_id, (at / ${DAY_MS}) * ${DAY_MS} AS day, ${metric}_bucket AS bucket, COUNT(*) AS n
      FROM usage_records WHERE at < :cutoff AND outcome NOT IN ('refused', 'open')
      GROUP BY tenant_id, day, bucket
    ) AS buckets GROUP BY tenant_id, day`,
});

/** The roll-up cutoff for `olderThan`: the UTC midnight at or before it, so no day is split in two. */
export function rollUpCutoff(olderThan: number): number {
  return Math.floor(olderThan / DAY_MS) * DAY_MS;
}

/**
 * Moves every row of a whole UTC day before `olderThan` into the aggregates, atomically.
 * Returns the number of raw rows rolled up.
 */
export async function rollUpLedger(client: SqlClient, olderThan: number): Promise<number> {
  const args = { cutoff: rollUpCutoff(olderThan) };
  const d = client.dialect;
  const results = await client.batch([
    { sql: rollUpDaily(d), args },
    { ...rollUpHistogram(d, 'latency'), args },
    { ...rollUpHistogram(d, 'queue'), args },
    // why: the live aggregates of those days mirror exactly the rows deleted next; removing them first saves the
    // delete triggers (daily-aggregates.ts) a row-by-row subtraction that would end at nothing anyway.
    ...AGGREGATE_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE day < :cutoff`, args })),
    // why: a row still open is not rolled up (the sweep marks it interrupted first, see interrupt-abandoned.ts).
    { sql: "DELETE FROM usage_records WHERE at < :cutoff AND outcome <> 'open'", args },
  ]);
  return results.at(-1)?.rowsAffected ?? 0;
}
