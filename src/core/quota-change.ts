/**
 * Who may change a tenant's quota, and by how much. An operator (TWIN_ADMINS) may set anything; a server or
 * workspace admin may tighten their own tenant's limits but not loosen them past the operator's defaults,
 * because the operator pays for the Groq account.
 */
import type { TenantQuota } from './types.js';

export const QUOTA_LABELS: Record<keyof TenantQuota, string> = {
  requestsPerDay: 'requests per day',
  tokensPerDay: 'tokens per day',
  requestsPerMonth: 'requests per month',
  tokensPerMonth: 'tokens per month',
  usdPerDay: 'dollars per day',
  usdPerMonth: 'dollars per month',
};

/** Returns why a tenant admin may not make this change, or undefined when they may. */
export function quotaChangeProblem(change: TenantQuota, defaults: TenantQuota): string | undefined {
  for (const [field, value] of Object.entries(change) as [keyof TenantQuota, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) return `The ${QUOTA_LABELS[field]} limit must be a number of 0 or more.`;
    const ceiling = defaults[field];
    if (ceiling !== undefined && value > ceiling) {
      return `The ${QUOTA_LABELS[field]} limit can be at most ${ceiling.toLocaleString('en-US')} here: that is the bot operator's limit.`;
    }
  }
  return undefined;
}
