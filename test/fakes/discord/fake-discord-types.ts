/** The test-facing shapes of the fake Discord (see fake-discord-server.ts). */
import type { FakeMessage, FakeUser } from './fake-discord-payloads.js';
import type { SlashValue } from './fake-slash-options.js';

export interface FakeDiscordOptions {
  /** The bot token Discord accepts. Default 'fake-bot-token'. */
  token?: string;
  applicationId?: string;
  /** HELLO's heartbeat interval (Discord sends about 41 250). */
  heartbeatIntervalMs?: number;
  /** The gateway refuses IDENTIFY with close 4004 although REST accepts the token (a token reset mid-start). */
  gatewayRejectsToken?: boolean;
}

export interface RecordedCall {
  method: string;
  /** Path after /api/v10, e.g. `/webhooks/1/abc/messages/@original`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (undefined when there was none). */
  // biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON that tests read field by field
  body: any;
  status: number;
  /** Epoch ms when the call arrived (for per-window write counts). */
  at: number;
  /** True when the call carried the right `Authorization: Bot <token>`. */
  authorized: boolean;
  /** The file parts of a multipart/form-data call (its `payload_json` part is `body`). */
  files?: RecordedFile[];
}

/** One uploaded file as it arrived. */
export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType?: string;
  size: number;
  data: Buffer;
}

/** A scripted failure: the matching call gets this answer and has no effect. */
export interface FailRule {
  method: string;
  path: RegExp;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** Matching calls to let through before this rule applies. */
  skip: number;
}

/** One slash command invocation or component click, and everything the bot did with it. */
export interface FakeInteraction {
  id: string;
  token: string;
  /** The command's name, or the clicked component's custom_id. */
  name: string;
  subcommand?: string;
  user: FakeUser;
  channelId: string;
  guildId?: string;
  /** Interaction context type: 0 guild, 1 the bot's DM, 2 a DM or group DM between people. */
  context: 0 | 1 | 2;
  /** `authorizing_integration_owners` as sent. */
  owners: Record<string, string>;
  /** For a component click: the message the component is on (callbacks 6 and 7 update it). */
  message?: FakeMessage;
  /** Callback bodies received (Discord accepts exactly one). */
  // biome-ignore lint/suspicious/noExplicitAny: callback data is arbitrary JSON that tests read field by field
  callbacks: { type: number; data?: any }[];
  /** What the person did: a slash command (default), a component click, or a modal submission. */
  kind?: 'command' | 'component' | 'modal';
  /** The modal this interaction answered with (callback type 9), which the person can submit. */
  modal?: Record<string, unknown>;
  original?: FakeMessage;
  followups: FakeMessage[];
}

/**
 * Where a command is run: the test guild (the bot is a member), the bot's DM, a private channel (a DM or group DM
 * between people, where the bot is not), or a foreign guild (a server the bot was never added to).
 */
export type CommandPlace = 'guild' | 'bot_dm' | 'private_channel' | 'foreign_guild';

export interface SlashCommandInput {
  name: string;
  /** e.g. `report` for `/twin-usage report`. */
  subcommand?: string;
  /** Option values; typed by the registered command when there is one (fake-slash-options.ts). */
  options?: Record<string, SlashValue>;
  user: FakeUser;
  /** In the bot's DM channel with the user instead of the guild channel (same as `where: 'bot_dm'`). */
  dm?: boolean;
  /** Where the command is run; default the test guild (or the bot's DM with `dm`). */
  where?: CommandPlace;
  /**
   * The person added the app to their account (User Install). The command then reaches them wherever the command's
   * `integration_types` and `contexts` allow; without it only where the guild install does (the guild, the bot's DM).
   */
  userInstalled?: boolean;
  /** The member's permissions bitfield (decimal string); default view + send messages. */
  permissions?: string;
}

/** Someone clicks a button on one of the bot's messages. */
export interface ButtonClickInput {
  /** The message the button is on (as the fake stores it). */
  message: FakeMessage;
  customId: string;
  user: FakeUser;
  /** The clicker's permissions bitfield in a guild; default view + send messages. */
  permissions?: string;
  /** The person has the app installed on their account (adds "1" to `authorizing_integration_owners`). */
  userInstalled?: boolean;
}

export interface PostMessageInput {
  author: FakeUser;
  content: string;
  /** In the author's DM channel with the bot instead of the guild channel. */
  dm?: boolean;
  /** Id of the message this one replies to. */
  replyTo?: string;
  /** A reply pings the replied author unless the person switched it off (default true). */
  pingReply?: boolean;
}

/** Permission bitfields as Discord sends them. */
export const PERMISSIONS = { member: '3072', manageGuild: String(0x20 | 3072), administrator: '8' } as const;
