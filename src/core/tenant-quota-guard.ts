/**
 * The quota rule: a tenant's ceiling is the configured defaults with the operator's override laid over them, field
 * by field; its limits are that ceiling tightened by its own admins' override (the lower of the two per field, so
 * nothing a tenant admin stores can loosen what the operator set); a tenant at or past any limit is refused politely until the period resets (UTC midnight, or the first of
 * the month). Token and dollar limits are checked before a request, so the last request may overshoot by its size.
 */
import { formatWait } from './failure-messages.js';
import type { Clock, QuotaStore } from './ports.js';
import type { QuotaCheck, QuotaGuard } from './quota-guard.js';
import { QUOTA_LIMITS, type QuotaMeasure, type QuotaPeriod } from './quota-limits.js';
import { kindOfKey, type TenantKind } from './tenant.js';
import type { QuotaSetter, QuotaUsage, TenantQuota } from './types.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const money = (n: number) => `$${n.toFixed(2)}`;

export function startOfUtcDay(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function startOfUtcMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function startOfNextUtcMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Whose allowance it is, in the person's words. */
const TENANT_WORDS: Record<TenantKind, string> = {
  dm: 'Your direct messages with me have',
  guild: 'This server has',
  workspace: 'This workspace has',
  console: 'This console has',
  api: 'This API key has',
  mcp: 'This MCP client has',
};

/** What each measure of the table reads from a tenant's usage. */
const USED: Record<QuotaMeasure, (u: QuotaUsage) => number> = {
  requests: (u) => u.requests,
  tokens: (u) => u.tokens,
  usd: (u) => u.costUsd,
};

interface Limit {
  period: QuotaPeriod;
  used: (u: QuotaUsage) => number;
  limit: number;
  describe: (used: number, limit: number) => string;
}

export class TenantQuotaGuard implements QuotaGuard {
  constructor(
    private readonly store: QuotaStore,
    readonly defaults: TenantQuota,
    private readonly clock: Clock,
  ) {}

  async set(tenantId: string, quota: TenantQuota, setBy: QuotaSetter): Promise<void> {
    await this.store.setQuota(tenantId, { ...(await this.store.getQuota(tenantId, setBy)), ...quota }, setBy);
  }

  async clear(tenantId: string, setBy: QuotaSetter): Promise<void> {
    await this.store.clearQuota(tenantId, setBy);
  }

  async ceiling(tenantId: string): Promise<TenantQuota> {
    return { ...this.defaults, ...(await this.store.getQuota(tenantId, 'operator')) };
  }

  /** The limits in force: the operator's ceiling, tightened field by field by the tenant admins' override. */
  async limitsFor(tenantId: string): Promise<TenantQuota> {
    const [ceiling, tightened] = await Promise.all([
      this.ceiling(tenantId),
      this.store.getQuota(tenantId, 'tenant_admin'),
    ]);
    const limits: TenantQuota = { ...ceiling };
    for (const [field, value] of Object.entries(tightened ?? {}) as [keyof TenantQuota, number | undefined][]) {
      if (value === undefined) continue;
      const operator = limits[field];
      limits[field] = operator === undefined ? value : Math.min(operator, value);
    }
    return limits;
  }

  private async limits(tenantId: string): Promise<Limit[]> {
    const q = await this.limitsFor(tenantId);
    const out: Limit[] = [];
    for (const spec of QUOTA_LIMITS) {
      const limit = q[spec.field];
      if (limit === undefined) continue;
      const used = USED[spec.measure];
      const when = spec.period === 'day' ? 'today' : 'this month';
      const describe =
        spec.unit === 'dollars'
          ? (u: number, l: number) => `${money(u)} of ${money(l)} ${when}`
          : (u: number, l: number) => `${int(u)} of ${int(l)} ${spec.measure} ${when}`;
      out.push({ period: spec.period, used, limit, describe });
    }
    return out;
  }

  private async usage(tenantId: string, limits: Limit[]): Promise<Record<'day' | 'month', QuotaUsage | undefined>> {
    const now = this.clock.now();
    const needs = (p: 'day' | 'month') => limits.some((l) => l.period === p);
    const [day, month] = await Promise.all([
      needs('day') ? this.store.usedSince(tenantId, startOfUtcDay(now)) : undefined,
      needs('month') ? this.store.usedSince(tenantId, startOfUtcMonth(now)) : undefined,
    ]);
    return { day, month };
  }

  async check(tenantId: string, kind: TenantKind = kindOfKey(tenantId)): Promise<QuotaCheck> {
    return this.checkAgainst(tenantId, kind, await this.limits(tenantId));
  }

  private async checkAgainst(tenantId: string, kind: TenantKind, limits: Limit[]): Promise<QuotaCheck> {
    if (limits.length === 0) return { ok: true };
    const usage = await this.usage(tenantId, limits);
    const now = this.clock.now();
    for (const l of limits) {
      const used = l.used(usage[l.period]!);
      if (used < l.limit) continue;
      const resetAt = l.period === 'day' ? startOfUtcDay(now) + 86_400_000 : startOfNextUtcMonth(now);
      const when = l.period === 'day' ? 'at midnight UTC' : 'on the first of the month (UTC)';
      return {
        ok: false,
        retryAfterMs: resetAt - now,
        message: `${TENANT_WORDS[kind]} used ${l.period === 'day' ? "today's" : "this month's"} allowance of questions for me (${l.describe(used, l.limit)}). It resets ${when}, in ${formatWait(resetAt - now)}.`,
      };
    }
    return { ok: true };
  }

  async checkAndAdmit(tenantId: string, kind: TenantKind | undefined, admit: () => Promise<void>): Promise<QuotaCheck> {
    // why: the limits are read once, outside the lock: they change only by an operator's or admin's command, which
    // never took the lock, so reading them inside it ordered nothing. What the lock must cover is the usage read
    // and the admission, which together decide whether this request still fits.
    const limits = await this.limits(tenantId);
    const step = async () => {
      const result = await this.checkAgainst(tenantId, kind ?? kindOfKey(tenantId), limits);
      if (result.ok) await admit();
      return result;
    };
    // why: without limits nothing can be overrun, so no lock is taken (the common case pays nothing).
    if (!this.store.admitting || limits.length === 0) return step();
    return this.store.admitting(tenantId, step);
  }

  async describe(tenantId: string): Promise<string | undefined> {
    const limits = await this.limits(tenantId);
    if (limits.length === 0) return 'Quota: none set';
    const usage = await this.usage(tenantId, limits);
    return `Quota (UTC): ${limits.map((l) => l.describe(l.used(usage[l.period]!), l.limit)).join('; ')}`;
  }
}
