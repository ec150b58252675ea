/**
 * Alerts before limits bite (issue 14): a tenant crossing 80%, 90% and 100% of a quota limit, and the Groq account's
 * day budget of a model (requests or tokens per day) crossing 80% and 95%. Each threshold fires once per period:
 * the claim is an atomic `setIfAbsent` in the KeyValueStore, so neither a restart nor a second replica repeats it.
 * An alert is logged (`twin.alert`), posted to the operator's webhook when set, and (quota alerts) to the channel
 * the tenant's admins chose. Groq alerts go to the operator only: tenants' admins cannot raise the account's limits.
 */
import type { AlertChannel, AlertSink, AlertWebhook } from './alert-sink.js';
import { formatWait } from './failure-messages.js';
import type { Clock, KeyValueStore, Logger, QuotaStore } from './ports.js';
import { type QuotaLimitsSource, type QuotaUse, quotaUse } from './quota-use.js';
import { startOfUtcDay } from './tenant-quota-guard.js';

export const QUOTA_THRESHOLDS = [80, 90, 100] as const;
export const GROQ_DAY_THRESHOLDS = [80, 95] as const;
export const ALERT_CLAIMS_NAMESPACE = 'alerts-sent';
export const ALERT_CHANNELS_NAMESPACE = 'alert-channels';

/** A model's day budgets as the gateway reports them (LlmGateway.gauges().models). */
export interface DayBudgetGauge {
  limits: { rpd: number; tpd: number };
  remaining: { rpd: number; tpd: number };
}

export interface AlertMonitorDeps {
  kv: KeyValueStore;
  quota: QuotaLimitsSource;
  usage: Pick<QuotaStore, 'usedSince'>;
  /** The Groq budgets per model; absent offline. */
  groqBudgets?: () => Record<string, DayBudgetGauge>;
  sinks?: readonly AlertSink[];
  webhook?: AlertWebhook;
  logger: Logger;
  clock: Clock;
}

export interface Alert {
  kind: 'quota' | 'groq_day';
  threshold: number;
  text: string;
  tenantId?: string;
  model?: string;
  limit: string;
}

const DIMENSIONS = {
  rpd: { words: 'requests per day', env: 'GROQ_RPD' },
  tpd: { words: 'tokens per day', env: 'GROQ_TPD' },
} as const;

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const money = (n: number) => `$${n.toFixed(2)}`;
const utc = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The tenant's chosen alert channel, set from chat. */
export async function alertChannelOf(kv: KeyValueStore, tenantId: string): Promise<AlertChannel | undefined> {
  const raw = await kv.get(ALERT_CHANNELS_NAMESPACE, tenantId);
  return raw ? (JSON.parse(raw) as AlertChannel) : undefined;
}

export async function setAlertChannel(kv: KeyValueStore, tenantId: string, channel: AlertChannel): Promise<void> {
  await kv.set(ALERT_CHANNELS_NAMESPACE, tenantId, JSON.stringify(channel));
}

export function quotaAlertText(tenantId: string, use: QuotaUse, threshold: number, now: number): string {
  const when = use.period === 'day' ? 'today' : 'this month';
  const amount =
    use.spec.unit === 'dollars'
      ? `${money(use.used)} of ${money(use.limit)} ${when}`
      : `${count(use.used)} of ${count(use.limit)} ${use.spec.measure} ${when}`;
  const state =
    threshold >= 100
      ? `has used all of its ${use.spec.label} quota (${amount}): the twin now politely refuses its questions`
      : `has used ${threshold}% of its ${use.spec.label} quota (${amount})`;
  const raise = use.spec.unit === 'dollars' ? (use.limit * 2).toFixed(2) : String(Math.max(1, use.limit * 2));
  return (
    `twinbot: ${tenantId} ${state}. The quota resets at ${utc(use.resetAt)}, in ${formatWait(use.resetAt - now)}. ` +
    `To allow more, raise the quota with \`twinbot quota set ${tenantId} --${use.spec.flag} ${raise}\`` +
    ' (the operator), or ask the operator to.'
  );
}

export function groqAlertText(
  model: string,
  dimension: keyof typeof DIMENSIONS,
  gauge: DayBudgetGauge,
  threshold: number,
  now: number,
): string {
  const { words, env } = DIMENSIONS[dimension];
  const limit = gauge.limits[dimension];
  const used = Math.max(0, Math.round(limit - gauge.remaining[dimension]));
  // why: the gateway's day budget refills continuously over 24 hours (as Groq's does), so "resets at" is when it is
  // full again at the current pace, if nothing more were spent.
  const fullAt = now + Math.ceil(((limit - Math.max(0, gauge.remaining[dimension])) * 86_400_000) / limit);
  return (
    `twinbot: the Groq account has used ${threshold}% of its ${words} for ${model} (${count(used)} of ${count(limit)}). ` +
    `When it runs out, answers move to the fallback models (GROQ_FALLBACK_MODELS) or stop until it refills. ` +
    `The day limit refills over a rolling 24 hours and is full again at ${utc(fullAt)} if nothing more is spent. ` +
    `To get more, add a fallback model, or move to a Groq plan with higher limits and set ${env}.`
  );
}

export class AlertMonitor {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly deps: AlertMonitorDeps) {}

  /** Checks after a tenant's request; never throws (a fault is logged). */
  checkAfterRequest(tenantId: string): void {
    const run = this.check(tenantId).then(
      () => undefined,
      (err: unknown) =>
        this.deps.logger.warn({ event: 'twin.alert_check_failed', err, tenant: tenantId }, 'alert check failed'),
    );
    this.#pending.add(run);
    void run.finally(() => this.#pending.delete(run));
  }

  /** Waits for the checks in flight (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** The tenant's quota limits, then the Groq day budgets; returns the alerts sent. */
  async check(tenantId?: string): Promise<Alert[]> {
    const sent: Alert[] = [];
    if (tenantId) sent.push(...(await this.checkQuota(tenantId)));
    sent.push(...(await this.checkGroq()));
    return sent;
  }

  async checkQuota(tenantId: string): Promise<Alert[]> {
    const now = this.deps.clock.now();
    const sent: Alert[] = [];
    for (const use of await quotaUse(this.deps.quota, this.deps.usage, tenantId, now)) {
      const key = `quota|${tenantId}|${use.field}|${use.periodStart}`;
      const threshold = await this.claim(key, QUOTA_THRESHOLDS, use.fraction * 100, use.resetAt - now);
      if (threshold === undefined) continue;
      const alert: Alert = {
        kind: 'quota',
        threshold,
        tenantId,
        limit: use.field,
        text: quotaAlertText(tenantId, use, threshold, now),
      };
      await this.send(alert);
      sent.push(alert);
    }
    return sent;
  }

  async checkGroq(): Promise<Alert[]> {
    const budgets = this.deps.groqBudgets?.() ?? {};
    const now = this.deps.clock.now();
    const day = startOfUtcDay(now);
    const sent: Alert[] = [];
    for (const [model, gauge] of Object.entries(budgets)) {
      for (const dimension of ['rpd', 'tpd'] as const) {
        const limit = gauge.limits[dimension];
        if (!(limit > 0)) continue;
        // why: the budget refills continuously, so 16 calls of 20 read as 15.9998 used a moment later.
        const percent = (Math.round(limit - gauge.remaining[dimension]) / limit) * 100;
        const key = `groq|${model}|${dimension}|${day}`;
        const threshold = await this.claim(key, GROQ_DAY_THRESHOLDS, percent, day + 86_400_000 - now);
        if (threshold === undefined) continue;
        const alert: Alert = {
          kind: 'groq_day',
          threshold,
          model,
          limit: dimension,
          text: groqAlertText(model, dimension, gauge, threshold, now),
        };
        await this.send(alert);
        sent.push(alert);
      }
    }
    return sent;
  }

  /**
   * Claims every threshold reached; returns the highest one this call claimed (the alert to send), or undefined.
   * why: a jump from 70% to 95% sends one alert (95%), and 80% and 90% are never sent late.
   */
  private async claim(
    key: string,
    thresholds: readonly number[],
    percent: number,
    periodLeftMs: number,
  ): Promise<number | undefined> {
    let highest: number | undefined;
    // why: the claim outlives the period by a day, so a clock a little off never re-opens it.
    const ttl = Math.max(periodLeftMs, 0) + 86_400_000;
    for (const threshold of thresholds) {
      if (percent < threshold) break;
      if (await this.deps.kv.setIfAbsent(ALERT_CLAIMS_NAMESPACE, `${key}|${threshold}`, String(percent), ttl)) {
        highest = threshold;
      }
    }
    return highest;
  }

  private async send(alert: Alert): Promise<void> {
    const { logger } = this.deps;
    const fields = {
      event: 'twin.alert',
      kind: alert.kind,
      threshold: alert.threshold,
      tenant: alert.tenantId,
      model: alert.model,
      limit: alert.limit,
    };
    logger.warn(fields, alert.text);
    const deliveries: Promise<void>[] = [];
    if (this.deps.webhook)
      deliveries.push(this.deliver('webhook', () => (this.deps.webhook as AlertWebhook)(alert.text)));
    if (alert.tenantId) {
      const channel = await alertChannelOf(this.deps.kv, alert.tenantId);
      const sink = channel && this.deps.sinks?.find((s) => s.platform === channel.platform);
      if (channel && sink)
        deliveries.push(this.deliver(channel.platform, () => sink.post(channel.channelId, alert.text)));
    }
    await Promise.all(deliveries);
  }

  private async deliver(where: string, post: () => Promise<void>): Promise<void> {
    try {
      await post();
    } catch (err) {
      this.deps.logger.warn(
        { event: 'twin.alert_not_delivered', where, err },
        `an alert could not be posted to ${where}`,
      );
    }
  }
}
