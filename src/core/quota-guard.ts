import type { TenantKind } from './tenant.js';
import type { QuotaSetter, TenantQuota } from './types.js';

/** Per-tenant quotas (issue 8) as the service sees them: may this tenant ask now, and what is left. */

export type QuotaCheck = { ok: true } | { ok: false; message: string; retryAfterMs: number };

export interface QuotaGuard {
  /**
   * Whether the tenant may spend more now; the refusal message says when the quota resets and names the tenant's
   * kind ("This workspace has"); without `kind` it is read from the stored key.
   */
  check(tenantId: string, kind?: TenantKind): Promise<QuotaCheck>;
  /**
   * `check`, and when it passes `admit` (writing the request's row), as one step no other admission of the tenant
   * can interleave with, across replicas when the store allows it. `admit` runs only when the check passes.
   */
  checkAndAdmit?(tenantId: string, kind: TenantKind | undefined, admit: () => Promise<void>): Promise<QuotaCheck>;
  /** One line for the usage report ("Quota: 120 of 500 requests today"), or undefined when there is no quota. */
  describe(tenantId: string): Promise<string | undefined>;
  /** The operator's limits for every tenant (config), before overrides. */
  readonly defaults: TenantQuota;
  /** The operator's limits for one tenant (defaults with the operator's override): the most its admins may set. */
  ceiling(tenantId: string): Promise<TenantQuota>;
  /** Lays limits over the tenant's current override by the same setter (field by field). */
  set(tenantId: string, quota: TenantQuota, setBy: QuotaSetter): Promise<void>;
  /** Removes that setter's override only: an admin's clear never lifts the operator's limits. */
  clear(tenantId: string, setBy: QuotaSetter): Promise<void>;
}
