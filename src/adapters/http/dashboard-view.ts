/**
 * What one dashboard page shows, read from the ledger through the ports: the same summary `/twin-usage` reads
 * (tiles, series, models, failures), the range's records per tenant, and each tenant's quota use now.
 */

import type { UsageQuery } from '../../core/ports.js';
import type { QuotaUse } from '../../core/quota-use.js';
import type { UsageRecord, UsageSummary } from '../../core/types.js';
import type { DashboardRange } from './dashboard-range.js';

/** The ledger reads the dashboard needs; the usage store (libsql or PostgreSQL) provides them. */
export interface DashboardLedger {
  summarize(query: UsageQuery): Promise<UsageSummary>;
  /** The raw records of [from, to), oldest first. */
  exportRecords(query: { tenantId?: string; from: number; to: number }): AsyncIterable<UsageRecord>;
  /** The tenant's quota limits and what it used this period (core/quota-use.ts). */
  quotaUse(tenantId: string): Promise<QuotaUse[]>;
}

export interface TenantRow {
  tenantId: string;
  requests: number;
  answered: number;
  failed: number;
  refused: number;
  tokens: number;
  costUsd: number;
}

export interface DashboardView {
  /** The one tenant shown, or undefined for every tenant. */
  tenantId?: string;
  range: DashboardRange;
  summary: UsageSummary;
  tenants: TenantRow[];
  quotas: { tenantId: string; uses: QuotaUse[] }[];
}

/** How many tenants the tables list. why: a page, not an export; the CSV has every row. */
export const TENANT_ROWS = 50;

export async function readDashboardView(
  ledger: DashboardLedger,
  range: DashboardRange,
  tenantId: string | undefined,
): Promise<DashboardView> {
  const query = { tenantId, from: range.from, to: range.to };
  const [summary, tenants] = await Promise.all([
    ledger.summarize({ ...query, bucketMs: range.bucketMs }),
    tenantRows(ledger.exportRecords(query)),
  ]);
  const shown = tenantId ? [tenantId] : tenants.slice(0, TENANT_ROWS).map((t) => t.tenantId);
  const quotas = (await Promise.all(shown.map(async (t) => ({ tenantId: t, uses: await ledger.quotaUse(t) })))).filter(
    (q) => q.uses.length > 0,
  );
  return { tenantId, range, summary, tenants: tenants.slice(0, TENANT_ROWS), quotas };
}

/** Requests, outcomes, tokens and cost per tenant over the records, busiest first. */
export async function tenantRows(records: AsyncIterable<UsageRecord>): Promise<TenantRow[]> {
  const rows = new Map<string, TenantRow>();
  for await (const r of records) {
    let row = rows.get(r.tenantId);
    if (!row) {
      row = { tenantId: r.tenantId, requests: 0, answered: 0, failed: 0, refused: 0, tokens: 0, costUsd: 0 };
      rows.set(r.tenantId, row);
    }
    row.requests++;
    if (r.outcome === 'answered') row.answered++;
    else if (r.outcome === 'refused') row.refused++;
    else row.failed++;
    row.tokens += r.totalTokens;
    row.costUsd += r.costUsd;
  }
  return [...rows.values()].sort((a, b) => b.requests - a.requests || a.tenantId.localeCompare(b.tenantId));
}
