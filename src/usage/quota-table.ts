/**
 * Per-tenant quota overrides, one row per tenant and setter: the operator's in `quotas`, the tenant admins'
 * tightening in `tenant_admin_quotas` (migration 5).
 */

import { TwinError } from '../core/errors.js';
import type { Clock } from '../core/ports.js';
import { QUOTA_LIMITS, type QuotaField } from '../core/quota-limits.js';
import {
  isDollarField,
  QUOTA_FIELDS,
  type QuotaSetter,
  type TenantQuota,
  type TenantQuotaEntry,
} from './quota-types.js';
import { DAY_MS } from './roll-up-ledger.js';
import type { SqlClient, SqlRow } from './sql-client.js';
import { openRowsIndex } from './sql-dialect.js';

/** Outcomes (row states) that spend a tenant's quota, as SQL. */
const SPENDING = ['answered', 'failed', 'interrupted', 'open'].map((o) => `'${o}'`).join(', ');

/** Whether a row in this state spends quota (see SPENDING). */
export const spendsQuota = (outcome: string): boolean => outcome !== 'refused';

const TABLE: Record<QuotaSetter, string> = { operator: 'quotas', tenant_admin: 'tenant_admin_quotas' };

/** Each quota field's column, from the one table of limits (core/quota-limits.ts). */
const COLUMN = Object.fromEntries(QUOTA_LIMITS.map((l) => [l.field, l.column])) as Record<QuotaField, string>;

/** Throws a `config` TwinError naming the field when a limit is negative, not finite, or a fractional count. */
export function validateQuota(quota: TenantQuota): void {
  for (const field of QUOTA_FIELDS) {
    const value = quota[field];
    if (value === undefined || value === null) continue;
    const whole = !isDollarField(field);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (whole && !Number.isInteger(value))) {
      throw new TwinError('config', `Quota ${field} must be ${whole ? 'a whole number' : 'a number'} of 0 or more`);
    }
  }
}

function rowToQuota(row: SqlRow): TenantQuota {
  const quota: TenantQuota = {};
  for (const field of QUOTA_FIELDS) {
    const value = row[COLUMN[field]];
    if (value !== null && value !== undefined) quota[field] = Number(value);
  }
  return quota;
}

export class QuotaTable {
  readonly #client: SqlClient;
  readonly #clock: Clock;

  constructor(client: SqlClient, clock: Clock) {
    this.#client = client;
    this.#clock = clock;
  }

  async set(tenantId: string, quota: TenantQuota, setBy: QuotaSetter): Promise<void> {
    validateQuota(quota);
    const columns = QUOTA_FIELDS.map((f) => COLUMN[f]);
    await this.#client.execute({
      sql: `INSERT INTO ${TABLE[setBy]} (tenant_id, ${columns.join(', ')}, updated_at)
        VALUES (?, ${columns.map(() => '?').join(', ')}, ?)
        ON CONFLICT (tenant_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')},
          updated_at = excluded.updated_at`,
      args: [tenantId, ...QUOTA_FIELDS.map((f) => quota[f] ?? null), this.#clock.now()],
    });
  }

  async get(tenantId: string, setBy: QuotaSetter): Promise<TenantQuota | undefined> {
    const rs = await this.#client.execute({
      sql: `SELECT * FROM ${TABLE[setBy]} WHERE tenant_id = ?`,
      args: [tenantId],
    });
    const row = rs.rows[0];
    return row === undefined ? undefined : rowToQuota(row);
  }

  async clear(tenantId: string, setBy: QuotaSetter): Promise<boolean> {
    const rs = await this.#client.execute({
      sql: `DELETE FROM ${TABLE[setBy]} WHERE tenant_id = ?`,
      args: [tenantId],
    });
    return rs.rowsAffected > 0;
  }

  /**
   * What a tenant's requests spent from `from` on, cost in pico-USD: answered, failed and interrupted ones, and those
   * still being answered; refusals spend nothing. Whole UTC days come from the daily aggregates (kept by triggers,
   * today included), which hold every row but the open ones; so the open rows are added from the ledger, through
   * their own small index, and raw rows are read only for the part of the first day before its end.
   */
  async spentSince(tenantId: string, from: number): Promise<{ requests: number; tokens: number; pico: bigint }> {
    const wholeFrom = Math.ceil(from / DAY_MS) * DAY_MS;
    const rs = await this.#client.execute({
      sql: `SELECT SUM(requests) AS requests, SUM(total_tokens) AS tokens, CAST(SUM(cost_pico) AS TEXT) AS cost FROM (
        SELECT 1 AS requests, total_tokens, cost_pico FROM usage_records
          WHERE tenant_id = :tenant AND at >= :from AND at < :wholeFrom AND outcome IN (${SPENDING})
        UNION ALL
        SELECT requests, total_tokens, cost_pico FROM usage_agg
          WHERE tenant_id = :tenant AND day >= :wholeFrom AND outcome IN (${SPENDING})
        UNION ALL
        SELECT 1 AS requests, total_tokens, cost_pico FROM usage_records${openRowsIndex(this.#client.dialect)}
          WHERE outcome = 'open' AND tenant_id = :tenant AND at >= :wholeFrom
        UNION ALL
        SELECT requests, total_tokens, cost_pico FROM usage_daily
          WHERE tenant_id = :tenant AND day >= :from AND outcome IN (${SPENDING})) AS spent`,
      args: { tenant: tenantId, from, wholeFrom },
    });
    const row = rs.rows[0];
    return {
      requests: Number(row?.['requests'] ?? 0),
      tokens: Number(row?.['tokens'] ?? 0),
      pico: BigInt((row?.['cost'] as string | null) ?? 0),
    };
  }

  /** Of these ids, the rows already in the ledger that spend quota (to avoid counting a retried write twice). */
  async spentByIds(ids: readonly string[]): Promise<Map<string, { tokens: number; pico: bigint }>> {
    const found = new Map<string, { tokens: number; pico: bigint }>();
    for (let i = 0; i < ids.length; i += 500) {
      const page = ids.slice(i, i + 500);
      const rs = await this.#client.execute({
        sql: `SELECT id, total_tokens, CAST(cost_pico AS TEXT) AS cost FROM usage_records
          WHERE id IN (${page.map(() => '?').join(', ')}) AND outcome IN (${SPENDING})`,
        args: [...page],
      });
      for (const row of rs.rows) {
        found.set(String(row['id']), { tokens: Number(row['total_tokens']), pico: BigInt(String(row['cost'])) });
      }
    }
    return found;
  }

  async list(setBy: QuotaSetter): Promise<TenantQuotaEntry[]> {
    const rs = await this.#client.execute(`SELECT * FROM ${TABLE[setBy]} ORDER BY tenant_id`);
    return rs.rows.map((row) => ({
      tenantId: String(row['tenant_id']),
      quota: rowToQuota(row),
      updatedAt: Number(row['updated_at']),
    }));
  }
}
