/**
 * Wiring of the operator's view (issue 14): /metrics and /dashboard on PORT, and the alert monitor. Metrics and
 * alerts subscribe to the log's events (core/log-tap.ts); the dashboard reads the ledger through its queries.
 */

import { postAlertWebhook } from '../adapters/http/alert-webhook.js';
import { DashboardDoor } from '../adapters/http/dashboard-door.js';
import { dashboardLinks } from '../adapters/http/dashboard-links.js';
import type { DashboardLedger } from '../adapters/http/dashboard-view.js';
import { metricsRoute } from '../adapters/http/metrics-door.js';
import { TwinMetrics } from '../adapters/http/twin-metrics.js';
import type { Config } from '../config.js';
import { AlertMonitor } from '../core/alert-monitor.js';
import type { AlertSink } from '../core/alert-sink.js';
import type { LogEvents } from '../core/log-tap.js';
import type { DashboardLinks } from '../core/operator-desk.js';
import { type Clock, type Logger, systemClock } from '../core/ports.js';
import { quotaUse } from '../core/quota-use.js';
import { TenantQuotaGuard } from '../core/tenant-quota-guard.js';
import { LlmGateway } from '../llm/gateway/llm-gateway.js';
import type { App } from '../main.js';
import type { SqlUsageStore } from '../usage/sql-usage-store.js';
import { csvHeader, toCsvRow } from '../usage/usage-export.js';
import type { HttpDoor } from './doors.js';

/** The dashboard's tenant links, when the dashboard is on (TWIN_DASHBOARD_TOKEN). */
export function operatorLinks(config: Config, clock: Clock = systemClock): DashboardLinks | undefined {
  const dashboard = config.operator.dashboard;
  return dashboard && dashboardLinks(dashboard.token, dashboard.publicUrl, clock);
}

/**
 * The chat platforms alerts can be posted to: Discord with the bot token, Slack with the one workspace's bot token.
 * why: a distributable Slack app (OAuth) has a token per workspace; its tenants' alerts go to the log and webhook.
 */
export async function alertSinks(config: Config): Promise<AlertSink[]> {
  const sinks: AlertSink[] = [];
  if (config.discord) {
    const { DiscordAlertSink } = await import('../adapters/discord/discord-alert-sink.js');
    sinks.push(new DiscordAlertSink({ token: config.discord.token, apiUrl: config.discord.apiUrl }));
  }
  if (config.slack?.botToken) {
    const { SlackAlertSink } = await import('../adapters/slack/slack-alert-sink.js');
    sinks.push(new SlackAlertSink({ token: config.slack.botToken, apiUrl: config.slack.apiUrl }));
  }
  return sinks;
}

/** How often recently active tenants are checked again. why: a request's last tokens land after its event. */
export const ALERT_SWEEP_MS = 60_000;

export interface OperatorView {
  doors: HttpDoor[];
  metrics?: TwinMetrics;
  dashboard?: DashboardDoor;
  alerts: AlertMonitor;
  close(): Promise<void>;
}

export interface OperatorViewOptions {
  sinks?: readonly AlertSink[];
  clock?: Clock;
}

export function buildOperatorView(
  app: App,
  config: Config,
  events: LogEvents,
  logger: Logger,
  options: OperatorViewOptions = {},
): OperatorView {
  const clock = options.clock ?? systemClock;
  const gateway = app.llm instanceof LlmGateway ? app.llm : undefined;
  const guard = new TenantQuotaGuard(app.usage, config.twin.quota, clock);
  const webhookUrl = config.operator.alertWebhookUrl;
  const alerts = new AlertMonitor({
    kv: app.usage.keyValues,
    quota: guard,
    usage: app.usage,
    groqBudgets: gateway && (() => gateway.gauges().models),
    sinks: options.sinks,
    webhook: webhookUrl ? (text) => postAlertWebhook(webhookUrl, text) : undefined,
    logger: logger.child({ component: 'alerts' }),
    clock,
  });
  const active = new Set<string>();
  const unsubscribe = events.subscribe((e) => {
    if (e.event !== 'twin.usage' || typeof e.tenantId !== 'string') return;
    active.add(e.tenantId);
    alerts.checkAfterRequest(e.tenantId);
  });
  const sweep = setInterval(() => {
    for (const tenant of active) alerts.checkAfterRequest(tenant);
    active.clear();
  }, ALERT_SWEEP_MS);
  sweep.unref();

  const doors: HttpDoor[] = [];
  let metrics: TwinMetrics | undefined;
  if (config.operator.metrics) {
    metrics = new TwinMetrics({
      events,
      primaryModel: app.llm?.models[0],
      gateway,
      ledger: app.usage,
      tenants: config.operator.metrics.tenants,
    });
    const handle = metricsRoute({
      metrics,
      token: config.operator.metrics.token,
      onError: (err) => logger.error({ event: 'metrics.failed', err }, 'collecting the metrics failed'),
    });
    doors.push(passiveDoor('metrics', handle));
  }
  let dashboard: DashboardDoor | undefined;
  if (config.operator.dashboard) {
    const { token, publicUrl } = config.operator.dashboard;
    const door = new DashboardDoor({
      token,
      publicUrl,
      clock,
      logger: logger.child({ component: 'dashboard' }),
      csv: { header: csvHeader, row: (r) => toCsvRow(r, { guardFormulas: true }) },
      ledger: dashboardLedger(app.usage, guard, clock),
    });
    dashboard = door;
    doors.push(passiveDoor('dashboard', (req, res) => door.handle(req, res)));
  }
  return {
    doors,
    metrics,
    dashboard,
    alerts,
    async close() {
      unsubscribe();
      clearInterval(sweep);
      metrics?.close();
      await alerts.idle();
    },
  };
}

/** The ledger reads the dashboard makes, on the usage store, with quotas as the guard enforces them. */
export function dashboardLedger(usage: SqlUsageStore, guard: TenantQuotaGuard, clock: Clock): DashboardLedger {
  return {
    summarize: (q, leaveOut) => usage.summarize(q, { leaveOut }),
    usageByTenant: (q) => usage.usageByTenant(q),
    exportRecords: (q) => usage.exportRecords(q),
    quotaUse: (tenantId) => quotaUse(guard, usage, tenantId, clock.now()),
  };
}

/** A door that only reads: nothing to start, nothing in flight to drain. */
function passiveDoor(name: string, handle: HttpDoor['handle']): HttpDoor {
  return { name, handle, start: async () => {}, stop: async () => {}, health: () => ({ status: 'ok' }) };
}
