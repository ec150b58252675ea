/**
 * How much of each quota limit a tenant has used in the current period: what the dashboard's quota table shows and
 * what quota alerts fire on. The limits are the ones the guard enforces (operator ceiling tightened by the tenant's
 * admins); the usage comes from the same ledger query.
 */
import type { QuotaStore } from './ports.js';
import { QUOTA_LIMITS, type QuotaField, type QuotaLimitSpec, type QuotaPeriod } from './quota-limits.js';
import { startOfUtcDay, startOfUtcMonth } from './tenant-quota-guard.js';
import type { QuotaUsage, TenantQuota } from './types.js';

export interface QuotaUse {
  field: QuotaField;
  spec: QuotaLimitSpec;
  period: QuotaPeriod;
  used: number;
  limit: number;
  /** used / limit; 1 and above means the tenant is refused until `resetAt`. Infinity for a limit of 0. */
  fraction: number;
  periodStart: number;
  resetAt: number;
}

/** The limits a tenant is held to (TenantQuotaGuard.limitsFor). */
export interface QuotaLimitsSource {
  limitsFor(tenantId: string): Promise<TenantQuota>;
}

export function periodBounds(period: QuotaPeriod, now: number): { start: number; end: number } {
  if (period === 'day') {
    const start = startOfUtcDay(now);
    return { start, end: start + 86_400_000 };
  }
  const d = new Date(now);
  return { start: startOfUtcMonth(now), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

const MEASURED: Record<QuotaLimitSpec['measure'], (u: QuotaUsage) => number> = {
  requests: (u) => u.requests,
  tokens: (u) => u.tokens,
  usd: (u) => u.costUsd,
};

/** Every limit the tenant has, with what it used this period; empty when it has no quota. */
export async function quotaUse(
  limits: QuotaLimitsSource,
  store: Pick<QuotaStore, 'usedSince'>,
  tenantId: string,
  now: number,
): Promise<QuotaUse[]> {
  const quota = await limits.limitsFor(tenantId);
  const usage = new Map<QuotaPeriod, Promise<QuotaUsage>>();
  const out: QuotaUse[] = [];
  for (const spec of QUOTA_LIMITS) {
    const limit = quota[spec.field];
    if (limit === undefined) continue;
    const { start, end } = periodBounds(spec.period, now);
    if (!usage.has(spec.period)) usage.set(spec.period, store.usedSince(tenantId, start));
    const used = MEASURED[spec.measure](await (usage.get(spec.period) as Promise<QuotaUsage>));
    const fraction = limit > 0 ? used / limit : used > 0 ? Number.POSITIVE_INFINITY : 1;
    out.push({ field: spec.field, spec, period: spec.period, used, limit, fraction, periodStart: start, resetAt: end });
  }
  return out;
}
