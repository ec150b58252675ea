/**
 * The ledger's side of the experiment readout: per arm of one experiment over [from, to), what its requests were,
 * spent and saved, and the spread of their latency and time to first token, read from the raw rows (the arm is not
 * kept in rolled-up days, so a window reaches back at most TWIN_USAGE_RETENTION_DAYS). Plain SQL that any of the
 * ledger's engines runs. Votes come from answer feedback (`answer_feedback`, one per person per answer), joined by
 * request id.
 */
import type { ArmStats, Spread } from '../core/experiments/readout.js';
import { nearestRank } from './latency-histogram.js';
import { picoToUsd } from './pico-usd.js';
import type { SqlClient } from './sql-client.js';

export interface ArmStatsQuery {
  experiment: string;
  /** [from, to) in epoch ms. */
  from: number;
  to: number;
}

const COUNTS_SQL = `SELECT arm,
    COUNT(*) AS requests,
    SUM(CASE WHEN outcome = 'answered' AND (mode IS NULL OR mode <> 'declined') THEN 1 ELSE 0 END) AS answered,
    SUM(CASE WHEN outcome = 'answered' AND mode = 'declined' THEN 1 ELSE 0 END) AS declined,
    SUM(CASE WHEN outcome IN ('failed', 'interrupted') THEN 1 ELSE 0 END) AS failed,
    SUM(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END) AS refused,
    SUM(CASE WHEN outcome = 'answered' AND cached = 1 THEN 1 ELSE 0 END) AS cache_hits,
    SUM(saved_tokens) AS tokens_saved,
    SUM(CASE WHEN outcome = 'answered' AND cached = 0 AND attempts > 0 THEN 1 ELSE 0 END) AS model_replies,
    SUM(total_tokens) AS tokens,
    SUM(cost_pico) AS cost_pico
  FROM usage_records
  WHERE experiment = :experiment AND at >= :from AND at < :to AND arm IS NOT NULL AND outcome <> 'open'
  GROUP BY arm
  ORDER BY arm`;

// why: only replies the model wrote (attempts > 0): a cache hit, a greeting or a decline made without the model
// takes milliseconds, and would flatter the arm that happened to get more of them.
const DURATIONS_SQL = `SELECT arm, latency_ms, ttft_ms
  FROM usage_records
  WHERE experiment = :experiment AND at >= :from AND at < :to AND arm IS NOT NULL
    AND outcome = 'answered' AND cached = 0 AND attempts > 0`;

// why: a vote counts for the arm of the request it was given on, whenever in the window the request ran.
const VOTES_SQL = `SELECT r.arm AS arm,
    SUM(CASE WHEN f.vote = 'helpful' THEN 1 ELSE 0 END) AS helpful,
    COUNT(*) AS total
  FROM answer_feedback f JOIN usage_records r ON r.id = f.request_id
  WHERE r.experiment = :experiment AND r.at >= :from AND r.at < :to AND r.arm IS NOT NULL AND r.outcome <> 'open'
  GROUP BY r.arm`;

export async function readArmStats(client: SqlClient, query: ArmStatsQuery): Promise<ArmStats[]> {
  const args = { experiment: query.experiment, from: query.from, to: query.to };
  const counts = await client.execute({ sql: COUNTS_SQL, args });
  const durations = await client.execute({ sql: DURATIONS_SQL, args });
  const votes = new Map(
    (await client.execute({ sql: VOTES_SQL, args })).rows.map((row) => [
      String(row['arm']),
      { helpful: Number(row['helpful']), total: Number(row['total']) },
    ]),
  );
  const latency = new Map<string, number[]>();
  const ttft = new Map<string, number[]>();
  for (const row of durations.rows) {
    const arm = String(row['arm']);
    push(latency, arm, Number(row['latency_ms']));
    if (row['ttft_ms'] !== null) push(ttft, arm, Number(row['ttft_ms']));
  }
  return counts.rows.map((row) => {
    const arm = String(row['arm']);
    return {
      arm,
      requests: Number(row['requests']),
      answered: Number(row['answered']),
      declined: Number(row['declined']),
      failed: Number(row['failed']),
      refused: Number(row['refused']),
      cacheHits: Number(row['cache_hits']),
      tokensSaved: Number(row['tokens_saved'] ?? 0),
      modelReplies: Number(row['model_replies']),
      tokens: Number(row['tokens'] ?? 0),
      costUsd: picoToUsd(row['cost_pico'] as number | bigint | string | null),
      latencyMs: spread(latency.get(arm)),
      ttftMs: spread(ttft.get(arm)),
      votes: votes.get(arm) ?? { helpful: 0, total: 0 },
    };
  });
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Exact nearest-rank p50 and p95, as the usage report computes them over raw rows. */
function spread(values: number[] | undefined): Spread | undefined {
  if (!values || values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (percent: number) => sorted[nearestRank(sorted.length, percent) - 1] as number;
  return { p50: at(50), p95: at(95) };
}
