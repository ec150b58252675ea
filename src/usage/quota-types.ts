/**
 * Per-tenant quotas (issue 8) as the usage store keeps them. Every limit is optional: an absent one is not
 * limited by this override (how overrides merge with the configured defaults is the core's rule).
 * Days are UTC days and months are UTC calendar months.
 */
import { isDollarField, QUOTA_LIMITS } from '../core/quota-limits.js';
import type { QuotaSetter, QuotaUsage, TenantQuota } from '../core/types.js';

export type { QuotaSetter, QuotaUsage, TenantQuota };

/** A stored quota override with its tenant, as `listQuotas` returns it. */
export interface TenantQuotaEntry {
  tenantId: string;
  quota: TenantQuota;
  /** Epoch ms of the last `setQuota`. */
  updatedAt: number;
}

/** The quota fields, from the one table of limits (core/quota-limits.ts). */
export const QUOTA_FIELDS = QUOTA_LIMITS.map((l) => l.field);

export { isDollarField };
