/**
 * `/twin-usage alerts #channel` (or `alerts here`) and `/twin-usage dashboard` on Slack (issue 14): syntax only.
 * Slack sends a channel picked while typing as `<#C0123|name>`; a bare `#name` carries no id, so it gets a hint.
 */
import type { DeskResult } from '../../core/operator-desk.js';
import type { TwinService } from '../../core/twin-service.js';

export type OperatorCommand =
  | { kind: 'alerts'; channelId: string | 'here' }
  | { kind: 'dashboard' }
  | { kind: 'hint'; text: string };

export const ALERTS_HINT =
  'Try /twin-usage alerts #channel (pick the channel from the list as you type), or /twin-usage alerts here.';

/** The operator's subcommands, or undefined for any other text (reports, quotas). */
export function parseOperatorCommand(text: string): OperatorCommand | undefined {
  const [first = '', ...rest] = text.trim().split(/\s+/);
  const word = first.toLowerCase();
  if (word === 'dashboard' && rest.length === 0) return { kind: 'dashboard' };
  if (word !== 'alerts') return undefined;
  if (rest.length !== 1) return { kind: 'hint', text: ALERTS_HINT };
  const [target = ''] = rest;
  if (target.toLowerCase() === 'here') return { kind: 'alerts', channelId: 'here' };
  const channel = /^<#([CG][A-Z0-9]{2,})(?:\|[^>]*)?>$/.exec(target);
  return channel ? { kind: 'alerts', channelId: channel[1] as string } : { kind: 'hint', text: ALERTS_HINT };
}

export async function runOperatorCommand(
  twin: TwinService,
  command: Exclude<OperatorCommand, { kind: 'hint' }>,
  asker: { platform: 'slack'; tenantId: string; userId: string; isPlatformAdmin: boolean },
  commandChannelId: string | undefined,
): Promise<DeskResult> {
  if (command.kind === 'dashboard') return twin.dashboardLink(asker);
  const channelId = command.channelId === 'here' ? commandChannelId : command.channelId;
  if (!channelId) return { kind: 'refused', message: ALERTS_HINT };
  return twin.setAlertChannel({ ...asker, channelId });
}
