/**
 * Mapping between a `UsageRecord` and its row in `usage_records`. A row is written when its request is admitted
 * (outcome 'open'), may be updated while it runs, and is completed once with the final record.
 */

import type { AskCommand, Outcome, Platform, UsageRecord } from '../core/types.js';
import { histogramBucket } from './latency-histogram.js';
import { toPicoUsd } from './pico-usd.js';
import type { SqlClient, SqlRow, SqlStatement } from './sql-client.js';

const COLUMNS = [
  'id',
  'at',
  'platform',
  'tenant_id',
  'enterprise_id',
  'channel_id',
  'user_id',
  'user_name',
  'command',
  'model',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'latency_ms',
  'queue_ms',
  'attempts',
  'outcome',
  'error_code',
  'cost_usd',
  'cost_pico',
  'mode',
  'latency_bucket',
  'queue_bucket',
  'failure_code',
  'experiment',
  'arm',
  'ttft_ms',
  'cached',
  'saved_tokens',
] as const;

const RECORD_COLUMNS = COLUMNS.filter((c) => c !== 'latency_bucket' && c !== 'queue_bucket').join(', ');
const OWNER_COLUMNS = ['owner_id', 'owner_host', 'owner_pid'] as const;
const ALL_COLUMNS = [...COLUMNS, ...OWNER_COLUMNS];

// why: a write is idempotent by id, so retrying one whose first try may have landed never counts a request twice:
// a row still open takes the newer state; a completed row never changes again, except that a real completion
// replaces 'interrupted' (a sweep that ran while the last write waited for a retry).
const UPSERT_SQL = `INSERT INTO usage_records (${ALL_COLUMNS.join(', ')})
  VALUES (${ALL_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}
  WHERE usage_records.outcome = 'open' OR (usage_records.outcome = 'interrupted' AND excluded.outcome <> 'open')`;

/** A row as it is written: a finished record, or the state so far of a request still running ('open'). */
export type LedgerRow = Omit<UsageRecord, 'outcome'> & { outcome: UsageRecord['outcome'] | 'open' };

/** The process that writes rows, so a later start can tell rows left open by a dead process. */
export interface RowOwner {
  id: string;
  host: string;
  pid: number;
}

// why: NaN or Infinity would be stored as NULL and break NOT NULL, turning one odd record into a write that
// fails forever; a count or duration that is not a finite number is recorded as 0 instead.
const finite = (n: number): number => (Number.isFinite(n) ? n : 0);
const count = (n: number): number => Math.max(0, Math.round(finite(n)));
const optional = (s: string | undefined): string | null => (s === undefined || s === null ? null : String(s));

/** The write of one row (see UPSERT_SQL). `at` is stored as whole epoch ms. */
export function upsertRecordStatement(r: LedgerRow, owner: RowOwner): SqlStatement {
  const latency = Math.max(0, finite(r.latencyMs));
  const queue = Math.max(0, finite(r.queueMs));
  return {
    sql: UPSERT_SQL,
    args: [
      String(r.id),
      Math.floor(finite(r.at)),
      r.platform,
      r.tenantId,
      optional(r.enterpriseId),
      String(r.channelId),
      String(r.userId),
      optional(r.userName),
      r.command,
      optional(r.model),
      count(r.promptTokens),
      count(r.completionTokens),
      count(r.totalTokens),
      latency,
      queue,
      count(r.attempts),
      r.outcome,
      optional(r.errorCode),
      Math.max(0, finite(r.costUsd)),
      toPicoUsd(r.costUsd),
      optional(r.mode),
      histogramBucket(latency),
      histogramBucket(queue),
      optional(r.failureCode),
      optional(r.experiment),
      optional(r.arm),
      r.ttftMs === undefined ? null : Math.max(0, finite(r.ttftMs)),
      r.cached ? 1 : 0,
      count(r.savedTokens ?? 0),
      owner.id,
      owner.host,
      owner.pid,
    ],
  };
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** A `usage_records` row (selected with `RECORD_COLUMNS`) back as the record; absent fields stay absent. */
export function rowToRecord(row: SqlRow): UsageRecord {
  const record: UsageRecord = {
    id: String(row['id']),
    at: Number(row['at']),
    platform: String(row['platform']) as Platform,
    tenantId: String(row['tenant_id']),
    channelId: String(row['channel_id']),
    userId: String(row['user_id']),
    command: String(row['command']) as AskCommand,
    promptTokens: Number(row['prompt_tokens']),
    completionTokens: Number(row['completion_tokens']),
    totalTokens: Number(row['total_tokens']),
    latencyMs: Number(row['latency_ms']),
    queueMs: Number(row['queue_ms']),
    attempts: Number(row['attempts']),
    outcome: String(row['outcome']) as Outcome,
    costUsd: Number(row['cost_usd']),
  };
  const enterpriseId = str(row['enterprise_id']);
  if (enterpriseId !== undefined) record.enterpriseId = enterpriseId;
  const userName = str(row['user_name']);
  if (userName !== undefined) record.userName = userName;
  const model = str(row['model']);
  if (model !== undefined) record.model = model;
  const errorCode = str(row['error_code']);
  if (errorCode !== undefined) record.errorCode = errorCode;
  const failureCode = str(row['failure_code']);
  if (failureCode !== undefined) record.failureCode = failureCode as UsageRecord['failureCode'];
  const mode = str(row['mode']);
  if (mode !== undefined) record.mode = mode as UsageRecord['mode'];
  const experiment = str(row['experiment']);
  if (experiment !== undefined) record.experiment = experiment;
  const arm = str(row['arm']);
  if (arm !== undefined) record.arm = arm;
  if (row['ttft_ms'] !== null && row['ttft_ms'] !== undefined) record.ttftMs = Number(row['ttft_ms']);
  if (Number(row['cached']) === 1) {
    record.cached = true;
    record.savedTokens = Number(row['saved_tokens']);
  }
  return record;
}

/**
 * One page of raw records of [from, to) for one tenant or all, ordered by (at, id), after the `after` record.
 * Keyset paging, so a long export neither skips nor repeats rows and never re-reads earlier pages.
 */
export async function readRecordPage(
  client: SqlClient,
  query: { tenantId?: string; from: number; to: number },
  after: UsageRecord | undefined,
  limit: number,
): Promise<UsageRecord[]> {
  const tenant = query.tenantId === undefined ? '' : ' AND tenant_id = :tenant';
  const cursor = after === undefined ? '' : ' AND (at > :afterAt OR (at = :afterAt AND id > :afterId))';
  const rs = await client.execute({
    sql: `SELECT ${RECORD_COLUMNS} FROM usage_records WHERE at >= :from AND at < :to${tenant}${cursor}
      AND outcome <> 'open'
      ORDER BY at, id LIMIT :limit`,
    args: {
      from: query.from,
      to: query.to,
      limit,
      ...(query.tenantId === undefined ? {} : { tenant: query.tenantId }),
      ...(after === undefined ? {} : { afterAt: after.at, afterId: after.id }),
    },
  });
  return rs.rows.map(rowToRecord);
}
