/**
 * JSON shapes of the fake Discord, as Discord's API v10 sends them (users, members, guilds, messages,
 * interactions). Only the fields discord.js reads are filled in, with Discord's names and types.
 */
import type { SlashOptionJson } from './fake-slash-options.js';

/** A user as Discord sends it. */
export interface FakeUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
  discriminator?: string;
  avatar?: string | null;
}

/** A message as the fake stores it: Discord's JSON plus what the tests want to know. */
export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: FakeUser[];
  mention_roles: string[];
  attachments: FakeAttachment[];
  embeds: unknown[];
  /** Message components as Discord stores them (numbered); with IS_COMPONENTS_V2 the text is in text displays. */
  components: unknown[];
  pinned: boolean;
  type: number;
  flags: number;
  webhook_id?: string;
  application_id?: string;
  message_reference?: { message_id: string; channel_id: string; guild_id?: string; type?: number };
  /** On an interaction response: the interaction it answers. */
  interaction_metadata?: Record<string, unknown>;
  /** Not Discord's: the `allowed_mentions` of the last create or edit (absent when the sender gave none). */
  allowedMentions?: AllowedMentions;
  /** Not Discord's: how many times the message was edited. */
  edits: number;
}

/** A file on a message, as Discord describes it (the bytes are in the call's `files`). */
export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  /** Alt text. */
  description?: string;
  /** Discord measures images; the fake reads a PNG's IHDR. */
  width?: number;
  height?: number;
}

export interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

export const CHANNEL_GUILD_TEXT = 0;
export const CHANNEL_DM = 1;
export const CHANNEL_GROUP_DM = 3;
export const MESSAGE_DEFAULT = 0;
export const MESSAGE_REPLY = 19;
export const MESSAGE_CHAT_INPUT_COMMAND = 20;
/** SUPPRESS_EMBEDS: Discord makes no link previews for the message (settable on create and on edit). */
export const FLAG_SUPPRESS_EMBEDS = 4;
export const FLAG_EPHEMERAL = 64;
export const FLAG_LOADING = 128;
/** IS_COMPONENTS_V2: the message is made of components only (no content, no embeds); an edit cannot clear it. */
export { FLAG_COMPONENTS_V2 } from './fake-discord-components.js';

/** Gateway intents the fake enforces (Discord's bit values). */
export const INTENT = {
  guilds: 1 << 0,
  guildMessages: 1 << 9,
  directMessages: 1 << 12,
  messageContent: 1 << 15,
} as const;

let counter = 0n;
/** Increasing snowflakes, so ids sort by creation like Discord's. */
export function snowflake(): string {
  counter += 1n;
  // why: a real snowflake carries its creation time in the top bits; discord.js reads it for createdAt.
  const ms = BigInt(Date.now()) - 1_420_070_400_000n;
  return ((ms << 22n) | (counter & 0x3fffffn)).toString();
}

export function isoNow(): string {
  return new Date().toISOString();
}

export function newMessage(
  fields: Pick<FakeMessage, 'channel_id' | 'author' | 'content'> & Partial<FakeMessage>,
): FakeMessage {
  return {
    id: snowflake(),
    timestamp: isoNow(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: fields.message_reference ? MESSAGE_REPLY : MESSAGE_DEFAULT,
    flags: 0,
    edits: 0,
    ...fields,
  };
}

/** Discord's JSON of a stored message (the test-only fields removed). */
export function messageJson(message: FakeMessage, referenced?: FakeMessage): Record<string, unknown> {
  const { allowedMentions: _a, edits: _e, ...json } = message;
  return referenced ? { ...json, referenced_message: messageJson(referenced) } : json;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** The text channel the tests talk in. */
  channelId: string;
  /** The bot's managed role (what a role mention of the bot resolves to). */
  botRoleId: string;
}

export function guildCreateJson(guild: FakeGuild, bot: FakeUser): Record<string, unknown> {
  const role = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
    id,
    name,
    color: 0,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: '3072',
    managed: false,
    mentionable: false,
    flags: 0,
    ...extra,
  });
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    owner_id: guild.ownerId,
    unavailable: false,
    member_count: 2,
    large: false,
    joined_at: isoNow(),
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      role(guild.id, '@everyone'),
      role(guild.botRoleId, bot.username, { managed: true, position: 1, tags: { bot_id: bot.id } }),
    ],
    channels: [
      {
        id: guild.channelId,
        type: CHANNEL_GUILD_TEXT,
        guild_id: guild.id,
        name: 'general',
        position: 0,
        permission_overwrites: [],
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        parent_id: null,
      },
    ],
    threads: [],
    members: [{ user: bot, roles: [guild.botRoleId], joined_at: isoNow(), deaf: false, mute: false, flags: 0 }],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    system_channel_id: null,
    afk_channel_id: null,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    mfa_level: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
  };
}

/** Where an interaction comes from (Discord's interaction context types: 0 guild, 1 bot DM, 2 private channel). */
export type InteractionPlace =
  | { context: 0; guild: FakeGuild; channelId: string; permissions: string }
  | { context: 1; channelId: string }
  | { context: 2; channelId: string; recipients: FakeUser[] };

export interface InteractionJsonInput {
  id: string;
  token: string;
  applicationId: string;
  user: FakeUser;
  place: InteractionPlace;
  /** `authorizing_integration_owners`: "0" (guild install) -> guild id or "0" in the bot's DM; "1" -> the user. */
  owners: Record<string, string>;
  /** Type 2 (application command), 3 (message component) or 5 (modal submit), with its `data`. */
  type: 2 | 3 | 5;
  data: Record<string, unknown>;
  /** For a component interaction (or a modal opened from one): the message the component is on. */
  message?: Record<string, unknown>;
}

/** The `data` of a chat input (slash) command. `options` already typed (fake-slash-options.ts). */
export function commandData(commandId: string, name: string, options: SlashOptionJson[]): Record<string, unknown> {
  return { id: commandId, name, type: 1, options };
}

/** INTERACTION_CREATE data: a slash command, a component click or a modal submission, from a guild, the bot's DM or a private channel. */
export function interactionJson(i: InteractionJsonInput): Record<string, unknown> {
  const base = {
    id: i.id,
    application_id: i.applicationId,
    type: i.type,
    token: i.token,
    version: 1,
    locale: 'en-US',
    app_permissions: '2248473465835073',
    entitlements: [],
    attachment_size_limit: 10_485_760,
    data: i.data,
    ...(i.message && { message: i.message }),
    context: i.place.context,
    authorizing_integration_owners: i.owners,
    channel_id: i.place.channelId,
  };
  const place = i.place;
  if (place.context === 1) {
    return {
      ...base,
      channel: { id: place.channelId, type: CHANNEL_DM, recipients: [i.user], last_message_id: null, flags: 0 },
      user: i.user,
    };
  }
  if (place.context === 2) {
    return {
      ...base,
      channel: {
        id: place.channelId,
        type: CHANNEL_GROUP_DM,
        recipients: place.recipients,
        name: null,
        icon: null,
        owner_id: i.user.id,
        last_message_id: null,
        flags: 0,
      },
      user: i.user,
    };
  }
  return {
    ...base,
    guild_id: place.guild.id,
    guild_locale: 'en-US',
    guild: { id: place.guild.id, locale: 'en-US', features: [] },
    channel: { id: place.channelId, type: CHANNEL_GUILD_TEXT, guild_id: place.guild.id, name: 'general', flags: 0 },
    member: {
      user: i.user,
      roles: [],
      permissions: place.permissions,
      joined_at: isoNow(),
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
    },
  };
}
