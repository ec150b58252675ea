/**
 * What one dashboard page shows, read from the ledger through the ports: the same summary `/twin-usage` reads
 * (tiles, series, models, failures), requests per tenant, and each tenant's quota use now. Every part is a grouped
 * read over the daily aggregates, so a page costs about the same with a thousand requests in its range or a million.
 */

import type { SummaryPart, UsageQuery } from '../../core/ports.js';
import type { QuotaUse } from '../../core/quota-use.js';
import type { TenantUsage, UsageRecord, UsageSummary } from '../../core/types.js';
import type { DashboardRange } from './dashboard-range.js';

/** The ledger reads the dashboard needs; the usage store (libsql or PostgreSQL) provides them. */
export interface DashboardLedger {
  /** The summary, without the parts the page does not show. */
  summarize(query: UsageQuery, leaveOut: readonly SummaryPart[]): Promise<UsageSummary>;
  /** Per tenant over [from, to), busiest first, at most `limit` tenants. */
  usageByTenant(query: { tenantId?: string; from: number; to: number; limit: number }): Promise<TenantUsage[]>;
  /** The raw records of [from, to), oldest first, a page at a time (the CSV download). */
  exportRecords(query: { tenantId?: string; from: number; to: number }): AsyncIterable<UsageRecord>;
  /** The tenant's quota limits and what it used this period (core/quota-use.ts). */
  quotaUse(tenantId: string): Promise<QuotaUse[]>;
}

export type TenantRow = TenantUsage;

export interface DashboardView {
  /** The one tenant shown, or undefined for every tenant. */
  tenantId?: string;
  range: DashboardRange;
  summary: UsageSummary;
  tenants: TenantRow[];
  /** Empty when the caller did not ask for them (data.json does not show them). */
  quotas: { tenantId: string; uses: QuotaUse[] }[];
}

/** How many tenants the tables list. why: a page, not an export; the CSV has every row. */
export const TENANT_ROWS = 50;

export async function readDashboardView(
  ledger: DashboardLedger,
  range: DashboardRange,
  tenantId: string | undefined,
  options: { quotas: boolean } = { quotas: true },
): Promise<DashboardView> {
  const query = { tenantId, from: range.from, to: range.to };
  // why: the page shows no people, channels or queue times, and data.json no latency tiles; each is a query.
  const leaveOut: SummaryPart[] = options.quotas
    ? ['queue', 'users', 'channels']
    : ['latency', 'queue', 'users', 'channels'];
  const [summary, tenants] = await Promise.all([
    ledger.summarize({ ...query, bucketMs: range.bucketMs }, leaveOut),
    ledger.usageByTenant({ ...query, limit: TENANT_ROWS }),
  ]);
  const shown = !options.quotas ? [] : tenantId ? [tenantId] : tenants.map((t) => t.tenantId);
  const quotas = (await Promise.all(shown.map(async (t) => ({ tenantId: t, uses: await ledger.quotaUse(t) })))).filter(
    (q) => q.uses.length > 0,
  );
  return { tenantId, range, summary, tenants, quotas };
}
