/**
 * Who may change a tenant's quota, and by how much. An operator (TWIN_ADMINS) may set anything; a server or
 * workspace admin may tighten their own tenant's limits but never past the operator's limits for that tenant,
 * because the operator pays for the Groq account.
 */
import { QUOTA_LABELS } from './quota-limits.js';
import type { TenantQuota } from './types.js';

export { QUOTA_LABELS };

/**
 * Returns why a tenant admin may not make this change, or undefined when they may. `ceiling` is the operator's
 * limits for the tenant (defaults with the operator's per-tenant override): an admin may only stay at or below it.
 */
export function quotaChangeProblem(change: TenantQuota, ceiling: TenantQuota): string | undefined {
  for (const [field, value] of Object.entries(change) as [keyof TenantQuota, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) return `The ${QUOTA_LABELS[field]} limit must be a number of 0 or more.`;
    const most = ceiling[field];
    if (most !== undefined && value > most) {
      return `The ${QUOTA_LABELS[field]} limit can be at most ${most.toLocaleString('en-US')} here: that is the bot operator's limit.`;
    }
  }
  return undefined;
}
