/**
 * The Discord front door (discord.js v14): `/ask-twin` (in servers, DMs, and through a person's User Install
 * wherever they are), @mentions and DMs, reply-chain follow-ups, and `/twin-usage report|quota` (servers only).
 * It translates only: reads Discord's facts, acknowledges first, calls the TwinService, renders its reply.
 */
import { once } from 'node:events';
import {
  type AttachmentPayload,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  Partials,
} from 'discord.js';
import { TwinError } from '../../core/errors.js';
import type { AdapterHealth, PlatformAdapter } from '../../core/platform-adapter.js';
import { settleWithin } from '../../core/platform-adapter.js';
import type { Clock, Logger } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { ReplyPresenter } from '../../core/reply-presenter.js';
import { discordTenant } from '../../core/tenant.js';
import { systemTimers, type Timers } from '../../core/timers.js';
import type { TwinService } from '../../core/twin-service.js';
import type { AskRequest, UsageResult } from '../../core/types.js';
import { parseWindow } from '../../core/usage-report.js';
import { WriteBudgets, type WriteRate } from '../../core/write-budget.js';
import { ASK_COMMAND, QUOTA_SUBCOMMAND, USAGE_COMMAND } from './discord-commands.js';
import {
  botRoleIdsOf,
  displayNameOf,
  inInstalledGuild,
  interactionAsker,
  interactionTenant,
  isAddressedToBot,
  isGuildAdmin,
  questionOf,
  readReplyChain,
} from './discord-facts.js';
import { DiscordAnswerActions } from './discord-feedback.js';
import { runOperatorSubcommand } from './discord-operator-commands.js';
import { readQuotaCommand } from './discord-quota-options.js';
import { NO_MENTIONS, plainPieces, quotaText, usagePieces } from './discord-render.js';
import { DiscordSurface } from './discord-surface.js';
import { chartAttachment, type DiscordTarget, InteractionTarget, MessageTarget } from './discord-targets.js';
import { safeError } from './safe-error.js';
import { startupError } from './startup-error.js';

export interface DiscordAdapterOptions {
  twin: TwinService;
  token: string;
  applicationId: string;
  /** DISCORD_API_URL, given to discord.js as `rest.api` (without /v10); the gateway URL comes from it. */
  apiUrl?: string;
  /** Ask for the privileged MessageContent intent (needed only to follow replies that do not ping the bot). */
  messageContent?: boolean;
  logger: Logger;
  /** Least time between two edits of one streaming answer; default 1 200 ms (the channel's budget comes first). */
  editIntervalMs?: number;
  /** Edits allowed per channel, shared by every answer there; default about 5 per 5 s. */
  editRate?: WriteRate;
  /** Time for the edit budgets and throttles; tests move it instead of sleeping. */
  clock?: Clock;
  timers?: Timers;
}

/** why: an interaction token lives 15 minutes; stop working for a reply nobody can be shown well before that. */
const INTERACTION_TTL_MS = 14 * 60_000;

/**
 * `/twin-usage` outside a server that added the bot (a DM, or an older registration that still offers it there).
 * why no numbers: whoever sees it may not be an admin (DESIGN.md).
 */
export const USAGE_ONLY_IN_SERVERS =
  '/twin-usage works in a server that has added the twin: run it there, as an admin of that server, to see its usage and quota.';

export class DiscordAdapter implements PlatformAdapter {
  readonly name = 'discord';
  private readonly options: DiscordAdapterOptions;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly presenter: ReplyPresenter;
  private readonly answerActions: DiscordAnswerActions;
  private client: Client | undefined;
  private stopping = false;
  private started = false;

  constructor(options: DiscordAdapterOptions) {
    this.options = options;
    this.log = options.logger;
    const clock = options.clock ?? systemClock;
    const timers = options.timers ?? systemTimers;
    // why: one presenter per adapter, so every answer in a channel shares that channel's edit budget.
    this.presenter = new ReplyPresenter({
      budgets: new WriteBudgets(clock, timers),
      clock,
      timers,
      logger: this.log,
      platform: 'discord',
      logError: safeError,
    });
    this.answerActions = new DiscordAnswerActions({
      twin: options.twin,
      log: this.log,
      botId: () => this.client?.user?.id,
      ask: (target, channelId, read) => this.answer(target, channelId, read),
    });
  }

  /** Connects to Discord. A refused token or intent is one `TwinError('config')`; nothing keeps retrying. */
  async start(): Promise<void> {
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
    if (this.options.messageContent) intents.push(GatewayIntentBits.MessageContent);
    const client = new Client({
      intents,
      // why: DM channels are not cached before their first message; without this partial DMs are dropped.
      partials: [Partials.Channel],
      rest: this.options.apiUrl ? { api: this.options.apiUrl } : {},
      allowedMentions: NO_MENTIONS,
    });
    client.on(Events.InteractionCreate, (interaction) => this.take(() => this.onInteraction(interaction)));
    client.on(Events.MessageCreate, (message) => this.take(() => this.onMessage(message)));
    client.on(Events.Error, (err) =>
      this.log.error({ event: 'discord.client_error', err: safeError(err) }, 'discord client error'),
    );
    client.on(Events.ShardDisconnect, ({ code }) => {
      // During start() the same fault surfaces as the one error start() throws.
      if (this.started && !this.stopping) {
        this.log.error({ event: 'discord.disconnected', code }, `Discord closed the gateway for good (code ${code})`);
      }
    });
    client.rest.on('rateLimited', (info) =>
      this.log.warn(
        { event: 'discord.rate_limited', route: info.route, retryAfterMs: info.retryAfter, global: info.global },
        'Discord rate limit; discord.js waits and retries',
      ),
    );
    this.client = client;
    try {
      await client.login(this.options.token);
      if (!client.isReady()) await once(client, Events.ClientReady);
    } catch (err) {
      this.client = undefined;
      await client.destroy().catch(() => undefined);
      throw startupError(err, this.options.apiUrl);
    }
    this.started = true;
    this.log.info(
      { event: 'discord.ready', user: client.user?.tag, guilds: client.guilds.cache.size },
      `connected to Discord as ${client.user?.tag}`,
    );
  }

  /**
   * Stops taking new events, lets replies already being written finish (up to `graceMs`; the TwinService bounds
   * them by its deadline, and its `close` ends them sooner), then disconnects.
   */
  async stop(graceMs?: number): Promise<void> {
    this.stopping = true;
    await settleWithin(this.settled(), graceMs);
    const client = this.client;
    this.client = undefined;
    this.started = false;
    await client
      ?.destroy()
      .catch((err: unknown) =>
        this.log.warn({ event: 'discord.destroy_failed', err: safeError(err) }, 'discord client did not close cleanly'),
      );
  }

  health(): AdapterHealth {
    const state = this.stopping ? (this.client ? 'stopping' : 'stopped') : this.started ? 'running' : 'idle';
    return { state, inFlight: this.inFlight.size };
  }

  /** Resolves when every event taken so far has been answered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private take(handler: () => Promise<void>): void {
    if (this.stopping) return;
    const run = handler().catch((err) =>
      this.log.error({ event: 'discord.handler_failed', err: safeError(err) }, 'handler failed'),
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (await this.answerActions.handle(interaction)) return;
    if (!interaction.isChatInputCommand()) return;
    if (interaction.commandName === ASK_COMMAND) await this.onAsk(interaction);
    else if (interaction.commandName === USAGE_COMMAND) await this.onUsage(interaction);
  }

  private async onAsk(interaction: ChatInputCommandInteraction): Promise<void> {
    // why: Discord shows "The application did not respond" unless the interaction is acknowledged within 3 s.
    if (!(await this.defer(interaction, false))) return;
    const controller = new AbortController();
    const expiry = setTimeout(
      () => controller.abort(new TwinError('aborted', 'interaction token expired')),
      INTERACTION_TTL_MS,
    );
    expiry.unref();
    // why: a user-installed command may run where the bot is not (a DM between people, a server that never added
    // it): everything goes through the interaction's token, nothing through the channel or the guild's cache.
    try {
      await this.answer(new InteractionTarget(interaction), interaction.channelId, () => ({
        ...interactionAsker(interaction),
        command: 'ask-twin',
        question: interaction.options.getString('question', true),
        signal: controller.signal,
      }));
    } finally {
      clearTimeout(expiry);
    }
  }

  /** `/twin-usage report|quota`, answered privately. A payload without a subcommand (older registration) reports. */
  private async onUsage(interaction: ChatInputCommandInteraction): Promise<void> {
    if (!(await this.defer(interaction, true))) return;
    const surface = new InteractionTarget(interaction, true);
    if (!inInstalledGuild(interaction)) {
      await surface.show({ text: plainPieces(USAGE_ONLY_IN_SERVERS)[0] ?? '' });
      return;
    }
    const asker = {
      platform: 'discord' as const,
      tenantId: interactionTenant(interaction).key,
      userId: interaction.user.id,
      isPlatformAdmin: isGuildAdmin(interaction.memberPermissions),
    };
    try {
      const operatorText = await runOperatorSubcommand(interaction, asker, this.options.twin);
      if (operatorText !== undefined) {
        for (const [index, piece] of plainPieces(operatorText).entries()) {
          await (index === 0 ? surface.show({ text: piece }) : surface.append({ text: piece }));
        }
        return;
      }
      if (interaction.options.getSubcommand(false) === QUOTA_SUBCOMMAND) {
        const command = readQuotaCommand(interaction.options);
        const text =
          'hint' in command
            ? command.hint
            : quotaText(await this.options.twin.setQuota({ ...asker, change: command.change }));
        for (const [index, piece] of plainPieces(text).entries()) {
          await (index === 0 ? surface.show({ text: piece }) : surface.append({ text: piece }));
        }
        return;
      }
      const window = parseWindow(interaction.options.getString('window') ?? undefined) ?? '24h';
      await this.showUsage(surface, await this.options.twin.usage({ ...asker, window }));
    } catch (err) {
      await this.presenter.fault(this.surfaceOf(surface, interaction.channelId, true), err);
    }
  }

  /**
   * The report in code-block pieces, with the chart (when there is one) attached under the last piece. If Discord
   * refuses the file, the piece goes out again without it: the report's text carries a sparkline anyway.
   */
  private async showUsage(surface: InteractionTarget, result: UsageResult): Promise<void> {
    const pieces = usagePieces(result);
    const chart = result.kind === 'report' ? result.chart : undefined;
    for (const [index, piece] of pieces.entries()) {
      const send = (files?: AttachmentPayload[]) =>
        index === 0 ? surface.show({ text: piece, files }) : surface.append({ text: piece, files });
      if (!chart || index < pieces.length - 1) {
        await send();
        continue;
      }
      try {
        await send([chartAttachment(chart)]);
      } catch (err) {
        this.log.warn(
          { event: 'discord.chart_not_sent', err: safeError(err), bytes: chart.png.byteLength },
          'usage chart refused; sending the report without it',
        );
        await send();
      }
    }
  }

  private async onMessage(message: Message): Promise<void> {
    const botId = this.client?.user?.id;
    // Bots (this one included) never start a conversation; system and webhook messages neither.
    if (!botId || message.author.bot || message.system || message.webhookId) return;
    if (!isAddressedToBot(message, botId, this.options.messageContent ?? false)) return;
    const surface = new MessageTarget(message, this.log);
    surface.startTyping();
    try {
      await this.answer(surface, message.channelId, async () => {
        const history = await readReplyChain(message, botId);
        const tenant = discordTenant(message.guildId, message.author.id);
        return {
          platform: 'discord',
          tenantId: tenant.key,
          tenant,
          channelId: message.channelId,
          userId: message.author.id,
          userName: displayNameOf(message.author, message.member),
          command: message.inGuild() ? 'mention' : 'dm',
          question: questionOf(message.content, botId, botRoleIdsOf(message, botId)),
          ...(history.length > 0 && { history }),
        };
      });
    } finally {
      surface.stop();
    }
  }

  /** Acknowledges an interaction; false when Discord no longer knows it (nothing can be shown then). */
  private async defer(interaction: ChatInputCommandInteraction, ephemeral: boolean): Promise<boolean> {
    try {
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      return true;
    } catch (err) {
      this.log.warn(
        { event: 'discord.defer_failed', err: safeError(err), command: interaction.commandName },
        'could not defer',
      );
      return false;
    }
  }

  private surfaceOf(target: DiscordTarget, channelId: string, plainText = false): DiscordSurface {
    const interval = this.options.editIntervalMs ?? 1_200;
    return new DiscordSurface(target, channelId, interval, this.options.editRate, plainText);
  }

  /** Reads the request's facts, asks the twin and presents its reply; a fault anywhere still ends in a message. */
  private async answer(
    target: DiscordTarget,
    channelId: string,
    read: () => AskRequest | Promise<AskRequest>,
  ): Promise<void> {
    const surface = this.surfaceOf(target, channelId);
    let request: AskRequest | undefined;
    try {
      request = await read();
    } catch (err) {
      await this.presenter.fault(surface, err);
      return;
    }
    const outcome = await this.presenter.present(this.options.twin.ask(request), surface);
    this.log.debug(
      { event: 'discord.replied', tenant: request.tenantId, command: request.command, outcome: outcome.kind },
      'reply delivered',
    );
  }
}
