/**
 * The admin side of the twin: usage reports (with their chart and quota line), quota changes and session totals.
 * Who counts as an admin is decided here, once, for every platform.
 */

import type { Clock, FeedbackStore, Logger, UsageChartRenderer, UsageStore } from './ports.js';
import { quotaChangeProblem } from './quota-change.js';
import type { QuotaGuard } from './quota-guard.js';
import type {
  QuotaChangeRequest,
  QuotaChangeResult,
  QuotaSetter,
  UsageRequest,
  UsageResult,
  UsageSummary,
} from './types.js';
import { renderFeedbackText, renderSessionTotals, renderUsageText } from './usage-report.js';
import { usageWindow } from './usage-windows.js';

export interface TwinReportsDeps {
  usage: UsageStore;
  feedback?: FeedbackStore;
  quota?: QuotaGuard;
  chart?: UsageChartRenderer;
  logger: Logger;
  clock: Clock;
  /** TWIN_ADMINS: operators, admins in every tenant. */
  admins: readonly string[];
}

/** The newest 👎 reasons a report shows: a few, each one line. */
export const REPORT_REASONS = 5;

export class TwinReports {
  constructor(private readonly deps: TwinReportsDeps) {}

  private isOperator(userId: string): boolean {
    return this.deps.admins.includes(userId);
  }

  /** The one admin rule: the platform's admin bit, an operator (TWIN_ADMINS), or the local console. */
  isAdmin(request: { platform: string; userId: string; isPlatformAdmin: boolean }): boolean {
    return request.isPlatformAdmin || this.isOperator(request.userId) || request.platform === 'console';
  }

  /**
   * Sets or clears the asker's own tenant's quota: admins only. A tenant admin's change is kept apart from the
   * operator's and may only tighten below the operator's limit; their clear removes only their own tightening.
   */
  async setQuota(request: QuotaChangeRequest): Promise<QuotaChangeResult> {
    if (!this.isAdmin(request)) {
      return { kind: 'refused', message: 'Quotas can be changed by the admins of this server or workspace.' };
    }
    const quota = this.deps.quota;
    if (!quota) return { kind: 'refused', message: 'Quotas are not enabled on this bot.' };
    // why: the console runs on the operator's own machine, so whoever types there is the operator.
    const setBy: QuotaSetter =
      this.isOperator(request.userId) || request.platform === 'console' ? 'operator' : 'tenant_admin';
    if ('set' in request.change) {
      const problem =
        setBy === 'operator'
          ? undefined
          : quotaChangeProblem(request.change.set, await quota.ceiling(request.tenantId));
      if (problem) return { kind: 'refused', message: problem };
      await quota.set(request.tenantId, request.change.set, setBy);
    } else {
      await quota.clear(request.tenantId, setBy);
    }
    const line = await quota.describe(request.tenantId);
    this.deps.logger.info(
      { event: 'twin.quota_changed', tenant: request.tenantId, user: request.userId, setBy, change: request.change },
      'quota changed',
    );
    return { kind: 'updated', text: `Quota updated. ${line ?? ''}`.trim() };
  }

  /** A tenant's usage report, for admins of that tenant only. */
  async usage(request: UsageRequest): Promise<UsageResult> {
    if (!this.isAdmin(request)) {
      return {
        kind: 'refused',
        message:
          'Usage reports are for the admins of this server or workspace. Ask one of them to run /twin-usage for you.',
      };
    }
    // why: the window is [from, to); a request recorded in this very millisecond belongs in the report.
    const to = this.deps.clock.now() + 1;
    const { ms: span, bucketMs } = usageWindow(request.window);
    const summary = await this.deps.usage.summarize({ tenantId: request.tenantId, from: to - span, to, bucketMs });
    const scope = scopeLabel(request);
    let text = renderUsageText(summary, request.window, scope);
    // why: the reasons are read for the asking tenant only; the store filters by tenant, never the renderer.
    const feedback = await this.deps.feedback?.summarizeFeedback({
      tenantId: request.tenantId,
      from: to - span,
      to,
      reasons: REPORT_REASONS,
    });
    if (feedback) text += `\n${renderFeedbackText(feedback)}`;
    if (this.deps.quota) {
      const line = await this.deps.quota.describe(request.tenantId).catch(() => undefined);
      if (line) text += `\n${line}`;
    }
    const chart = await this.renderChart(summary, request, scope);
    return {
      kind: 'report',
      summary,
      window: request.window,
      text,
      ...(chart && { chart }),
      ...(feedback && { feedback }),
    };
  }

  /** A chart when there is something to draw; a failure to draw costs the picture, never the report. */
  private async renderChart(summary: UsageSummary, request: UsageRequest, scope: string) {
    if (!this.deps.chart || summary.requests === 0) return undefined;
    try {
      return await this.deps.chart.render(summary, request.window, `Twin usage for ${scope}`);
    } catch (err) {
      this.deps.logger.warn({ event: 'twin.chart_failed', err }, 'usage chart could not be drawn');
      return undefined;
    }
  }

  /** Totals of one tenant since a moment, e.g. a console session, as one line for the person leaving. */
  async sessionTotals(tenantId: string, since: number): Promise<string> {
    const summary = await this.deps.usage.summarize({
      tenantId,
      from: since,
      to: this.deps.clock.now() + 1,
      bucketMs: 3_600_000,
    });
    return renderSessionTotals(summary);
  }
}

function scopeLabel(request: UsageRequest): string {
  switch (request.platform) {
    case 'discord':
      return 'this server';
    case 'slack':
      return 'this workspace';
    default:
      return 'this console';
  }
}
