/**
 * Requests, outcomes, tokens and cost per tenant over [from, to): the dashboard's by-tenant table. Whole UTC days
 * come from the daily aggregates (`usage_agg`, kept by triggers, the current day included), the partial days at
 * the window's edges from the raw rows, and rolled-up days from `usage_daily`, as summarize-ledger.ts reads them;
 * so its cost grows with tenants and days, not with the requests in the window. The same SQL runs on both engines.
 */
import type { TenantUsage } from '../core/types.js';
import { num } from './ledger-summary-parts.js';
import { picoToUsd } from './pico-usd.js';
import { DAY_MS } from './roll-up-ledger.js';
import type { SqlClient } from './sql-client.js';

export interface TenantUsageQuery {
  /** One tenant (exact id), or every tenant. */
  tenantId?: string;
  from: number;
  to: number;
  /** At most this many tenants, busiest first. */
  limit: number;
}

const COLUMNS = 'tenant_id, outcome, requests, total_tokens, cost_pico';

/** Busiest first (then by id), as the table lists them. */
export async function readUsageByTenant(client: SqlClient, query: TenantUsageQuery): Promise<TenantUsage[]> {
  const { from, to } = query;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return [];
  // why: with no whole day inside the window, the aggregates have nothing to give; the edges cover it all.
  const wholeFrom = Math.min(Math.ceil(from / DAY_MS) * DAY_MS, to);
  const wholeTo = Math.max(Math.floor(to / DAY_MS) * DAY_MS, wholeFrom);
  const tenant = query.tenantId === undefined ? '' : ' AND tenant_id = :tenant';
  const args: Record<string, string | number> = { from, to, wholeFrom, wholeTo, limit: query.limit };
  if (query.tenantId !== undefined) args['tenant'] = query.tenantId;
  const rs = await client.execute({
    sql: `WITH ledger AS (
        SELECT tenant_id, outcome, 1 AS requests, total_tokens, cost_pico FROM usage_records
          WHERE at >= :from AND at < :wholeFrom${tenant} AND outcome <> 'open'
        UNION ALL
        SELECT tenant_id, outcome, 1 AS requests, total_tokens, cost_pico FROM usage_records
          WHERE at >= :wholeTo AND at < :to${tenant} AND outcome <> 'open'
        UNION ALL
        SELECT ${COLUMNS} FROM usage_agg WHERE day >= :wholeFrom AND day < :wholeTo${tenant}
        UNION ALL
        SELECT ${COLUMNS} FROM usage_daily WHERE day >= :from AND day < :to${tenant}
      )
      SELECT tenant_id, SUM(requests) AS requests,
        SUM(CASE WHEN outcome = 'answered' THEN requests ELSE 0 END) AS answered,
        SUM(CASE WHEN outcome = 'refused' THEN requests ELSE 0 END) AS refused,
        SUM(total_tokens) AS tokens, CAST(SUM(cost_pico) AS TEXT) AS cost
      FROM ledger GROUP BY tenant_id HAVING SUM(requests) > 0
      ORDER BY requests DESC, tenant_id LIMIT :limit`,
    args,
  });
  const tenants = rs.rows.map((r): TenantUsage => {
    const requests = num(r['requests']);
    const answered = num(r['answered']);
    const refused = num(r['refused']);
    return {
      tenantId: String(r['tenant_id']),
      requests,
      answered,
      // why: failed and interrupted alike, as the summary's tiles count them.
      failed: requests - answered - refused,
      refused,
      tokens: num(r['tokens']),
      costUsd: picoToUsd(r['cost'] as string | null),
    };
  });
  // why: tenants with equal counts come back in the engine's collation order; this one is the same on both.
  return tenants.sort(byBusiest);
}

/** Most requests first, then by tenant id. */
export function byBusiest(a: TenantUsage, b: TenantUsage): number {
  return b.requests - a.requests || (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0);
}
