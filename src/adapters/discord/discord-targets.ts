/**
 * The two places a Discord reply goes, as platform calls only (what to show and when is the reply presenter's). Every message carries allowedMentions `{ parse: [] }`: nothing the bot
 * writes can notify anyone. Every message and edit also suppresses embeds: a link in model output stays a visible
 * address, never a preview card or an image the model chose.
 */
import type { AttachmentPayload, ChatInputCommandInteraction, Message } from 'discord.js';
import { MessageFlags } from 'discord.js';
import type { Logger } from '../../core/ports.js';
import type { UsageChart } from '../../core/types.js';
import type { AnswerRow } from './discord-feedback.js';
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

/** Where Discord messages of one reply go: the one live message, and messages after it. */
export interface DiscordTarget {
  /** True when `show` edits a message already posted. */
  readonly edits: boolean;
  /** Puts `content` in the one live message (posting it the first time); `rows`: buttons under it. */
  show(content: string, files?: AttachmentPayload[], rows?: AnswerRow[]): Promise<void>;
  /** Posts one more message after the live one. */
  append(content: string, files?: AttachmentPayload[], rows?: AnswerRow[]): Promise<void>;
}

/** A slash command's reply: the deferred original message, then follow-ups (ephemeral when the reply is). */
export class InteractionTarget implements DiscordTarget {
  /** why: the deferred reply already exists; every `show` is an edit of it. */
  readonly edits = true;
  private readonly interaction: ChatInputCommandInteraction;
  private readonly ephemeral: boolean;

  constructor(interaction: ChatInputCommandInteraction, ephemeral = false) {
    this.interaction = interaction;
    this.ephemeral = ephemeral;
  }

  /** Edits the original reply; `files` are attached to it. */
  async show(content: string, files?: AttachmentPayload[], rows?: AnswerRow[]): Promise<void> {
    await this.interaction.editReply({
      content,
      allowedMentions: NO_MENTIONS,
      flags: NO_EMBEDS,
      ...(files && { files }),
      ...(rows && rows.length > 0 && { components: rows }),
    });
  }

  /** Sends a follow-up; `files` are attached to it. */
  async append(content: string, files?: AttachmentPayload[], rows?: AnswerRow[]): Promise<void> {
    await this.interaction.followUp({
      content,
      allowedMentions: NO_MENTIONS,
      ...(files && { files }),
      ...(rows && rows.length > 0 && { components: rows }),
      flags: this.ephemeral ? NO_EMBEDS | MessageFlags.Ephemeral : NO_EMBEDS,
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

  async show(content: string, _files?: AttachmentPayload[], rows?: AnswerRow[]): Promise<void> {
    this.stop();
    const components = rows && rows.length > 0 ? { components: rows } : {};
    if (this.sent) {
      this.sent = await this.sent.edit({ content, allowedMentions: NO_MENTIONS, flags: NO_EMBEDS, ...components });
      return;
    }
    // why: the person may delete their question while the twin works; answer in the channel anyway.
    this.sent = await this.message.reply({
      content,
      allowedMentions: NO_MENTIONS,
      flags: NO_EMBEDS,
      failIfNotExists: false,
      ...components,
    });
  }

  async append(content: string, _files?: AttachmentPayload[], rows?: AnswerRow[]): Promise<void> {
    this.stop();
    const channel = this.message.channel;
    if (!('send' in channel)) throw new Error('this channel does not take messages');
    const components = rows && rows.length > 0 ? { components: rows } : {};
    await channel.send({ content, allowedMentions: NO_MENTIONS, flags: NO_EMBEDS, ...components });
  }
}
