/**
 * Per-tenant quotas (issue 8) as the usage store keeps them. Every limit is optional: an absent one is not
 * limited by this override (how overrides merge with the configured defaults is the core's rule).
 * Days are UTC days and months are UTC calendar months.
 */
import type { QuotaSetter, QuotaUsage, TenantQuota } from '../core/types.js';

export type { QuotaSetter, QuotaUsage, TenantQuota };

/** A stored quota override with its tenant, as `listQuotas` returns it. */
export interface TenantQuotaEntry {
  tenantId: string;
  quota: TenantQuota;
  /** Epoch ms of the last `setQuota`. */
  updatedAt: number;
}

/** The quota fields, in storage order; used to validate and to map columns. */
export const QUOTA_FIELDS = [
  'requestsPerDay',
  'tokensPerDay',
  'usdPerMonth',
  'requestsPerMonth',
  'tokensPerMonth',
  'usdPerDay',
] as const satisfies readonly (keyof TenantQuota)[];

/** Dollar limits take cents; the others count whole requests or tokens. */
export function isDollarField(field: keyof TenantQuota): boolean {
  return field === 'usdPerDay' || field === 'usdPerMonth';
}
