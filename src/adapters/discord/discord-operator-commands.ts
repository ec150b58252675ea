/**
 * `/twin-usage alerts channel:#x` and `/twin-usage dashboard` (issue 14): where this server's quota alerts go, and
 * a read-only link to its web dashboard. The core decides who may (admins) and says what happened.
 */
import { ChannelType, type ChatInputCommandInteraction, type SlashCommandSubcommandsOnlyBuilder } from 'discord.js';
import type { TwinService } from '../../core/twin-service.js';

export const ALERTS_SUBCOMMAND = 'alerts';
export const DASHBOARD_SUBCOMMAND = 'dashboard';

export function addOperatorSubcommands(usage: SlashCommandSubcommandsOnlyBuilder): SlashCommandSubcommandsOnlyBuilder {
  return usage
    .addSubcommand((alerts) =>
      alerts
        .setName(ALERTS_SUBCOMMAND)
        .setDescription('Post quota alerts (80%, 90%, 100%) for this server in a channel')
        .addChannelOption((option) =>
          option
            .setName('channel')
            .setDescription('The channel for alerts')
            .setRequired(true)
            .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
        ),
    )
    .addSubcommand((dashboard) =>
      dashboard
        .setName(DASHBOARD_SUBCOMMAND)
        .setDescription("A private, read-only link to this server's usage dashboard"),
    );
}

interface Asker {
  platform: 'discord';
  tenantId: string;
  userId: string;
  isPlatformAdmin: boolean;
}

/** The reply text of `alerts` or `dashboard`; undefined for the other subcommands. */
export async function runOperatorSubcommand(
  interaction: ChatInputCommandInteraction,
  asker: Asker,
  twin: TwinService,
): Promise<string | undefined> {
  const sub = interaction.options.getSubcommand(false);
  if (sub === ALERTS_SUBCOMMAND) {
    // why: the raw option value is the channel id; the resolved channel object is not needed to store it.
    const channelId = String(interaction.options.get('channel', true).value);
    const result = await twin.setAlertChannel({ ...asker, channelId });
    return result.kind === 'done' ? result.text : result.message;
  }
  if (sub === DASHBOARD_SUBCOMMAND) {
    const result = await twin.dashboardLink(asker);
    return result.kind === 'done' ? result.text : result.message;
  }
  return undefined;
}
