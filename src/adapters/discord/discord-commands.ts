/**
 * The slash commands and their registration. `twinbot register-commands [--guild ID]` calls `registerCommands`:
 * a guild's commands appear at once (for testing), global ones in every guild and DM (for production). `/ask-twin`
 * can also be installed by a person on their own account (User Install) and used in any server or DM; `/twin-usage`
 * stays with servers that added the bot.
 */
import {
  ApplicationIntegrationType,
  DiscordAPIError,
  InteractionContextType,
  PermissionFlagsBits,
  REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import { asTwinError, TwinError } from '../../core/errors.js';
import { MAX_QUESTION_CHARS } from '../../core/input-rules.js';
import { USAGE_WINDOWS } from '../../core/usage-windows.js';
import { addOperatorSubcommands } from './discord-operator-commands.js';
import { CLEAR_OPTION, QUOTA_OPTIONS } from './discord-quota-options.js';

export const ASK_COMMAND = 'ask-twin';
export const USAGE_COMMAND = 'twin-usage';
/** `/twin-usage report [window]`: the usage report. */
export const REPORT_SUBCOMMAND = 'report';
/** `/twin-usage quota [limits…] [clear]`: change this server's quota. */
export const QUOTA_SUBCOMMAND = 'quota';

/** The command definitions as Discord's JSON (SlashCommandBuilder output). */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ask = new SlashCommandBuilder()
    .setName(ASK_COMMAND)
    .setDescription('Ask the digital twin about their experience, skills, projects or goals')
    // why: with User Install a person carries the twin to any server or DM; the answer comes through the interaction.
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall)
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel)
    .addStringOption((option) =>
      option
        .setName('question')
        .setDescription('Your question')
        .setRequired(true)
        // why: Discord caps a string option at 6 000; the twin takes up to MAX_QUESTION_CHARS (2 000).
        .setMaxLength(MAX_QUESTION_CHARS),
    );
  const usage = new SlashCommandBuilder()
    .setName(USAGE_COMMAND)
    .setDescription("This server's twin usage, cost and quota (admins only)")
    // Hidden from members without Manage Server; the core checks the admin bit again on every call.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    // why: a report belongs to a server that added the bot; a user install has no server admins to show it to.
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((report) =>
      report
        .setName(REPORT_SUBCOMMAND)
        .setDescription("Show this server's twin usage and cost")
        .addStringOption((option) =>
          option
            .setName('window')
            .setDescription('How far back (default: last 24 hours)')
            .addChoices(...USAGE_WINDOWS.map((w) => ({ name: w.words, value: w.name }))),
        ),
    )
    .addSubcommand((quota) => {
      quota.setName(QUOTA_SUBCOMMAND).setDescription("Set or clear this server's quota (the operator's limits cap it)");
      for (const o of QUOTA_OPTIONS) {
        if (o.kind === 'integer') {
          quota.addIntegerOption((option) => option.setName(o.name).setDescription(o.description).setMinValue(0));
        } else {
          quota.addNumberOption((option) => option.setName(o.name).setDescription(o.description).setMinValue(0));
        }
      }
      return quota.addBooleanOption((option) =>
        option.setName(CLEAR_OPTION).setDescription("Remove this server's own limits and use the bot's defaults"),
      );
    });
  return [ask.toJSON(), addOperatorSubcommands(usage).toJSON()];
}

export interface RegisterCommandsOptions {
  token: string;
  applicationId: string;
  /** DISCORD_API_URL: REST base without /v10. */
  apiUrl?: string;
  /** Register in this guild only (instant); absent: globally. */
  guildId?: string;
}

export interface RegisteredCommands {
  scope: 'guild' | 'global';
  names: string[];
}

/** Overwrites the application's commands in the guild or globally with `commandDefinitions()`. */
export async function registerCommands(options: RegisterCommandsOptions): Promise<RegisteredCommands> {
  const rest = new REST({ version: '10', retries: 1, ...(options.apiUrl && { api: options.apiUrl }) }).setToken(
    options.token,
  );
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  try {
    const saved = (await rest.put(route, { body: commandDefinitions() })) as { name: string }[];
    return { scope: options.guildId ? 'guild' : 'global', names: saved.map((c) => c.name) };
  } catch (err) {
    throw registrationError(err, options);
  }
}

function registrationError(err: unknown, options: RegisterCommandsOptions): TwinError {
  if (err instanceof DiscordAPIError || (err as { status?: number })?.status !== undefined) {
    const status = (err as { status: number }).status;
    if (status === 401) {
      return new TwinError('config', 'discord: the bot token was refused (401). Check DISCORD_TOKEN.', { status });
    }
    if (status === 403 || status === 404) {
      const where = options.guildId
        ? `, or the app was not added to guild ${options.guildId} with the applications.commands scope`
        : '';
      return new TwinError(
        'config',
        `discord: Discord refused the command registration (${status}): check that DISCORD_APPLICATION_ID belongs to the token${where}.`,
        { status },
      );
    }
  }
  return asTwinError(err, 'network');
}
