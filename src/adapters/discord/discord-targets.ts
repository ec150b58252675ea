/**
 * The two places a Discord reply goes, as platform calls only (what to show and when is the reply presenter's).
 * Every message and follow-up carries allowedMentions `{ parse: [] }`: nothing the bot writes can notify anyone.
 * Every message and edit also suppresses embeds: a link in model output stays a visible address, never a preview
 * card or an image the model chose.
 */
import type { AttachmentPayload, Message, RepliableInteraction } from 'discord.js';
import { MessageFlags } from 'discord.js';
import type { Logger } from '../../core/ports.js';
import type { UsageChart } from '../../core/types.js';
import type { MessageComponents } from './discord-components.js';
import { NO_MENTIONS } from './discord-render.js';
import { safeError } from './safe-error.js';

/** why: the flag must be sent on every edit too; an edit without it would let Discord unfurl the new content. */
const NO_EMBEDS = MessageFlags.SuppressEmbeds;

/** why: Discord's typing indicator lasts about 10 s; repeat it a little sooner while the twin is working. */
const TYPING_EVERY_MS = 8_000;

/** why: Discord keeps at most 1 024 characters of an attachment's alt text (its `description`). */
const ALT_TEXT_LIMIT = 1_024;

/** The usage chart as a file on a message (sent as multipart/form-data), its alt text as the description. */
export function chartAttachment(chart: UsageChart): AttachmentPayload {
  return {
    attachment: Buffer.from(chart.png.buffer, chart.png.byteOffset, chart.png.byteLength),
    name: chart.filename,
    description: chart.alt.slice(0, ALT_TEXT_LIMIT),
  };
}

/**
 * What one Discord message carries: plain text (usage reports, with an optional file), or Components V2 (answers).
 * A message keeps its kind: the reply presenter writes one reply with one kind throughout.
 */
export type DiscordBody = { text: string; files?: AttachmentPayload[] } | { components: MessageComponents };

/** The body as discord.js message options: never pinging, never unfurling, the V2 flag with components. */
function payloadOf(body: DiscordBody) {
  if ('components' in body) {
    // why: with IS_COMPONENTS_V2 Discord refuses `content` and `embeds`; the text is in the text displays.
    return {
      components: body.components,
      allowedMentions: NO_MENTIONS,
      flags: NO_EMBEDS | MessageFlags.IsComponentsV2,
    } as const;
  }
  return {
    content: body.text,
    allowedMentions: NO_MENTIONS,
    flags: NO_EMBEDS,
    ...(body.files && { files: body.files }),
  } as const;
}

/** Where Discord messages of one reply go: the one live message, and messages after it. */
export interface DiscordTarget {
  /** True when `show` edits a message already posted. */
  readonly edits: boolean;
  /** Puts `body` in the one live message (posting it the first time). */
  show(body: DiscordBody): Promise<void>;
  /** Posts one more message after the live one. */
  append(body: DiscordBody): Promise<void>;
}

/**
 * A slash command's reply (or a follow-up button's, answered like one): the deferred original message, then
 * follow-ups (ephemeral when the reply is). Only the interaction's token is used: a user-installed command runs where the bot may not be (a DM between people, a
 * server it was never added to), so this never touches the channel.
 */
export class InteractionTarget implements DiscordTarget {
  /** why: the deferred reply already exists; every `show` is an edit of it. */
  readonly edits = true;
  private readonly interaction: RepliableInteraction;
  private readonly ephemeral: boolean;

  constructor(interaction: RepliableInteraction, ephemeral = false) {
    this.interaction = interaction;
    this.ephemeral = ephemeral;
  }

  /** Edits the original reply. */
  async show(body: DiscordBody): Promise<void> {
    await this.interaction.editReply(payloadOf(body));
  }

  /** Sends a follow-up. */
  async append(body: DiscordBody): Promise<void> {
    const payload = payloadOf(body);
    await this.interaction.followUp({
      ...payload,
      flags: this.ephemeral ? payload.flags | MessageFlags.Ephemeral : payload.flags,
    });
  }
}

/**
 * A reply to a person's message: typing while the twin works, then a reply to their message (without pinging
 * them), edited as the answer streams; follow-ups are plain messages in the same channel.
 */
export class MessageTarget implements DiscordTarget {
  private readonly message: Message;
  private readonly logger: Logger;
  private sent: Message | undefined;
  private stopTimer: (() => void) | undefined;

  constructor(message: Message, logger: Logger) {
    this.message = message;
    this.logger = logger;
  }

  /** Shows the typing indicator now and every few seconds until the first message is posted or `stop()`. */
  startTyping(): void {
    const channel = this.message.channel;
    if (!('sendTyping' in channel)) return;
    const beat = () => {
      channel
        .sendTyping()
        .catch((err: unknown) => this.logger.debug({ event: 'discord.typing_failed', err: safeError(err) }));
    };
    beat();
    const timer = setInterval(beat, TYPING_EVERY_MS);
    this.stopTimer = () => clearInterval(timer);
  }

  get edits(): boolean {
    return this.sent !== undefined;
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  async show(body: DiscordBody): Promise<void> {
    this.stop();
    if (this.sent) {
      this.sent = await this.sent.edit(payloadOf(body));
      return;
    }
    // why: the person may delete their question while the twin works; answer in the channel anyway.
    this.sent = await this.message.reply({ ...payloadOf(body), failIfNotExists: false });
  }

  async append(body: DiscordBody): Promise<void> {
    this.stop();
    const channel = this.message.channel;
    if (!('send' in channel)) throw new Error('this channel does not take messages');
    await channel.send(payloadOf(body));
  }
}
