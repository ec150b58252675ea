/**
 * The quota rule: a tenant's ceiling is the configured defaults with the operator's override laid over them, field
 * by field; its limits are that ceiling tightened by its own admins' override (the lower of the two per field, so
 * nothing a tenant admin stores can loosen what the operator set); a tenant at or past any limit is refused politely until the period resets (UTC midnight, or the first of
 * the month). Token and dollar limits are checked before a request, so the last request may overshoot by its size.
 */
import { formatWait } from './failure-messages.js';
import type { Clock, QuotaStore } from './ports.js';
import type { QuotaCheck, QuotaGuard } from './quota-guard.js';
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

function tenantWord(tenantId: string): string {
  if (tenantId.startsWith('discord:dm:')) return 'Your direct messages with me have';
  if (tenantId.startsWith('discord:')) return 'This server has';
  if (tenantId.startsWith('slack:')) return 'This workspace has';
  if (tenantId.startsWith('api:')) return 'This API key has';
  if (tenantId.startsWith('mcp:')) return 'This MCP client has';
  return 'This console has';
}

interface Limit {
  period: 'day' | 'month';
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
    const add = (limit: number | undefined, l: Omit<Limit, 'limit'>) => {
      if (limit !== undefined) out.push({ ...l, limit });
    };
    add(q.requestsPerDay, {
      period: 'day',
      used: (u) => u.requests,
      describe: (u, l) => `${int(u)} of ${int(l)} requests today`,
    });
    add(q.tokensPerDay, {
      period: 'day',
      used: (u) => u.tokens,
      describe: (u, l) => `${int(u)} of ${int(l)} tokens today`,
    });
    add(q.requestsPerMonth, {
      period: 'month',
      used: (u) => u.requests,
      describe: (u, l) => `${int(u)} of ${int(l)} requests this month`,
    });
    add(q.tokensPerMonth, {
      period: 'month',
      used: (u) => u.tokens,
      describe: (u, l) => `${int(u)} of ${int(l)} tokens this month`,
    });
    add(q.usdPerDay, {
      period: 'day',
      used: (u) => u.costUsd,
      describe: (u, l) => `${money(u)} of ${money(l)} today`,
    });
    add(q.usdPerMonth, {
      period: 'month',
      used: (u) => u.costUsd,
      describe: (u, l) => `${money(u)} of ${money(l)} this month`,
    });
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

  async check(tenantId: string): Promise<QuotaCheck> {
    const limits = await this.limits(tenantId);
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
        message: `${tenantWord(tenantId)} used ${l.period === 'day' ? "today's" : "this month's"} allowance of questions for me (${l.describe(used, l.limit)}). It resets ${when}, in ${formatWait(resetAt - now)}.`,
      };
    }
    return { ok: true };
  }

  async describe(tenantId: string): Promise<string | undefined> {
    const limits = await this.limits(tenantId);
    if (limits.length === 0) return 'Quota: none set';
    const usage = await this.usage(tenantId, limits);
    return `Quota (UTC): ${limits.map((l) => l.describe(l.used(usage[l.period]!), l.limit)).join('; ')}`;
  }
}
