/**
 * What a tenant's admins can ask of the operator's view from chat (issue 14): where quota alerts go
 * (`/twin-usage alerts`), and a read-only link to their own tenant's web dashboard (`/twin-usage dashboard`).
 * Admins only, by the same rule as reports and quotas (core/twin-reports.ts).
 */
import { setAlertChannel } from './alert-monitor.js';
import type { KeyValueStore } from './ports.js';
import type { Platform } from './types.js';

/** Signs a read-only dashboard link for one tenant; undefined when links cannot be made (no public URL). */
export interface DashboardLinks {
  tenantLink(tenantId: string): { url: string; expiresAt: number } | undefined;
}

export interface DeskRequest {
  platform: Platform;
  tenantId: string;
  userId: string;
  isPlatformAdmin: boolean;
}

export type DeskResult = { kind: 'done'; text: string } | { kind: 'refused'; message: string };

export interface OperatorDeskDeps {
  kv: KeyValueStore;
  /** Absent: the dashboard is off (no TWIN_DASHBOARD_TOKEN). */
  links?: DashboardLinks;
  isAdmin(request: DeskRequest): boolean;
}

const WHERE: Partial<Record<Platform, string>> = { discord: 'this server', slack: 'this workspace' };

export class OperatorDesk {
  constructor(private readonly deps: OperatorDeskDeps) {}

  /** Quota alerts of the asker's tenant go to `channelId` from now on. */
  async setAlertChannel(request: DeskRequest & { channelId: string }): Promise<DeskResult> {
    const where = WHERE[request.platform];
    if (!where || (request.platform !== 'discord' && request.platform !== 'slack')) {
      return { kind: 'refused', message: 'Alert channels are set from Discord or Slack.' };
    }
    if (!this.deps.isAdmin(request)) {
      return { kind: 'refused', message: `Alerts can be set up by the admins of ${where}.` };
    }
    await setAlertChannel(this.deps.kv, request.tenantId, { platform: request.platform, channelId: request.channelId });
    return {
      kind: 'done',
      text:
        `Quota alerts for ${where} will be posted in <#${request.channelId}>: once each at 80%, 90% and 100% of ` +
        'every limit, per day or month. Make sure I can post there.',
    };
  }

  /** A signed, expiring, read-only link to the asker's own tenant's dashboard. */
  async dashboardLink(request: DeskRequest): Promise<DeskResult> {
    const where = WHERE[request.platform] ?? 'this tenant';
    if (!this.deps.isAdmin(request)) {
      return { kind: 'refused', message: `The usage dashboard is for the admins of ${where}.` };
    }
    if (!this.deps.links) {
      return {
        kind: 'refused',
        message:
          'The web dashboard is not turned on for this bot; its operator can turn it on with TWIN_DASHBOARD_TOKEN.',
      };
    }
    const link = this.deps.links.tenantLink(request.tenantId);
    if (!link) {
      return {
        kind: 'refused',
        message: 'The bot does not know its public address yet; its operator can set it with TWIN_PUBLIC_URL.',
      };
    }
    const until = `${new Date(link.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return {
      kind: 'done',
      text:
        `Your read-only usage dashboard for ${where}: ${link.url}\n` +
        `The link works until ${until}. Anyone holding it can see ${where}'s usage, so keep it among the admins.`,
    };
  }
}
