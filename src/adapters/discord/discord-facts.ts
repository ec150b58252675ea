/**
 * Reading platform facts from discord.js objects: tenant, display name, the admin bit, whether a message is
 * addressed to the bot, the question without the mention, and the reply chain as history. No rules here.
 */
import { GuildMember, type Message, PermissionFlagsBits, type PermissionsBitField, type User } from 'discord.js';
import { HISTORY_RULES, type HistoryRule, keepHistory } from '../../core/history-rules.js';
import { discordTenant, type Tenant } from '../../core/tenant.js';
import type { AskRequest, Turn } from '../../core/types.js';
import { textOfComponents } from './discord-components.js';

/** `discord:<guildId>`; a DM is its user's own tenant and never spends another guild's budget. */
export function tenantOf(guildId: string | null, userId: string): string {
  return discordTenant(guildId, userId).key;
}

/** What an interaction tells about where it ran and who installed the app there (discord.js's fields). */
export interface InteractionPlaceFacts {
  guildId: string | null;
  user: { id: string };
  /** `authorizing_integration_owners`: `guildId` is set when the guild's install authorised the command here. */
  authorizingIntegrationOwners: { guildId: string | null };
}

/**
 * True when the command runs in a server that added the bot (its guild install authorised it). A user-installed
 * command in a server the bot was never added to has a guild id but no guild install.
 */
export function inInstalledGuild(i: InteractionPlaceFacts): boolean {
  return i.guildId !== null && i.authorizingIntegrationOwners.guildId === i.guildId;
}

/**
 * Whose tenant an interaction spends: the server's when the server added the bot; otherwise the person's own (a DM,
 * a group DM, or a server that never added the bot, reached through the person's User Install). why: a server that
 * never installed the twin has no admins who could see or cap its usage, and a stranger's command must not spend a
 * server's quota; the person who installed the app carries it, as in a DM.
 */
export function interactionTenant(i: InteractionPlaceFacts): Tenant {
  return discordTenant(inInstalledGuild(i) ? i.guildId : null, i.user.id);
}

/** Who asks and from where, as an interaction tells it: the part of an AskRequest every interaction fills alike. */
export function interactionAsker(
  i: InteractionPlaceFacts & { channelId: string; user: User; member?: unknown },
): Pick<AskRequest, 'platform' | 'tenantId' | 'tenant' | 'channelId' | 'userId' | 'userName'> {
  const tenant = interactionTenant(i);
  return {
    platform: 'discord',
    tenantId: tenant.key,
    tenant,
    channelId: i.channelId,
    userId: i.user.id,
    userName: displayNameOf(i.user, i.member),
  };
}

/** A message's readable text: its content, or with Components V2 its text displays (the content is empty then). */
export function messageText(message: { content: string; components?: readonly { toJSON(): unknown }[] }): string {
  if (message.content !== '') return message.content;
  return textOfComponents((message.components ?? []).map((c) => c.toJSON()));
}

export function displayNameOf(user: User, member?: unknown): string {
  if (member instanceof GuildMember) return member.displayName;
  const nick = (member as { nick?: string | null } | null | undefined)?.nick;
  return nick ?? user.globalName ?? user.username;
}

/** Discord's own admin fact: ManageGuild (0x20) or Administrator (0x8) in this guild. */
export function isGuildAdmin(permissions: Readonly<PermissionsBitField> | null | undefined): boolean {
  if (!permissions) return false;
  return permissions.has(PermissionFlagsBits.ManageGuild, false) || permissions.has(PermissionFlagsBits.Administrator);
}

/** The bot's managed role in the message's guild, which people sometimes mention instead of the bot itself. */
function mentionsBotRole(message: Message, botId: string): boolean {
  return message.mentions.roles.some((role) => role.tags?.botId === botId);
}

/**
 * A message is for the twin when it is a DM, mentions the bot (user or managed role; a reply that pings the bot
 * counts), or, when the bot reads all message content, replies to one of the bot's messages without the ping.
 * Mass mentions (@everyone) do not count.
 */
export function isAddressedToBot(message: Message, botId: string, readsAllContent: boolean): boolean {
  if (!message.inGuild()) return true;
  if (message.mentions.users.has(botId) || mentionsBotRole(message, botId)) return true;
  return readsAllContent && message.mentions.repliedUser?.id === botId;
}

/** The question: the text without mentions of the bot (user or role form). */
export function questionOf(content: string, botId: string, botRoleIds: readonly string[] = []): string {
  let text = content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ');
  for (const id of botRoleIds) text = text.replace(new RegExp(`<@&${id}>`, 'g'), ' ');
  return text.replace(/[ \t]+/g, ' ').trim();
}

/** The bot's answer as history: its small print (sources, notices, progress notes) left out. */
export function answerTextOf(content: string): string {
  return content
    .split('\n')
    .filter((line) => !line.startsWith('-# '))
    .join('\n')
    .trim();
}

/** Ids of the bot's managed roles in the message's guild. */
export function botRoleIdsOf(message: Message, botId: string): string[] {
  return message.mentions.roles.filter((role) => role.tags?.botId === botId).map((role) => role.id);
}

/**
 * Walks the reply chain above `message` (same channel) and returns it as turns, oldest first; the bot's messages are
 * the twin's turns. How many messages are walked, how turns merge and what other bots' messages become follow
 * Discord's row of the history rules (core/history-rules.ts). A message that cannot be fetched ends the walk.
 */
export async function readReplyChain(
  message: Message,
  botId: string,
  maxMessages: number = HISTORY_RULES.discord.fetchedMessages,
  rule: HistoryRule = HISTORY_RULES.discord,
): Promise<Turn[]> {
  const turns: Turn[] = [];
  let ref = message.reference;
  for (let i = 0; i < maxMessages && ref?.messageId && ref.channelId === message.channelId; i++) {
    let parent: Message;
    try {
      parent = await message.channel.messages.fetch(ref.messageId);
    } catch {
      break;
    }
    ref = parent.reference;
    const mine = parent.author.id === botId;
    if (!mine && parent.author.bot && rule.otherBots === 'skip') continue;
    const text = mine
      ? answerTextOf(messageText(parent))
      : questionOf(parent.content, botId, botRoleIdsOf(parent, botId));
    if (text !== '') turns.unshift({ role: mine ? 'twin' : 'user', text });
  }
  // An answer split over several messages, or two questions in a row, read as one turn each.
  return keepHistory(turns, rule);
}
