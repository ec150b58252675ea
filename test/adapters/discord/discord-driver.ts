/**
 * Drives the Discord adapter the way people do, through the fake Discord: slash commands and messages go in over
 * the gateway, and what people would see is read back from the fake's stored messages.
 */
import { DiscordAdapter, type DiscordAdapterOptions } from '../../../src/adapters/discord/discord-adapter.js';
import { registerCommands } from '../../../src/adapters/discord/discord-commands.js';
import { FLAG_COMPONENTS_V2, textDisplays } from '../../fakes/discord/fake-discord-components.js';
import type { FakeMessage, FakeUser } from '../../fakes/discord/fake-discord-payloads.js';
import {
  FakeDiscord,
  type FakeDiscordOptions,
  type FakeInteraction,
  PERMISSIONS,
  type RecordedCall,
  type SlashCommandInput,
} from '../../fakes/discord/fake-discord-server.js';
import type { SlashValue } from '../../fakes/discord/fake-slash-options.js';
import type { FakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { startTwinHarness, type TwinHarness, type TwinHarnessOptions } from '../../support/twin-harness.js';
import type { AdapterDriver, Visible } from '../adapter-scenarios.js';

const EPHEMERAL = 64;
const SUPPRESS_EMBEDS = 4;

/** Discord's link rule (its Markdown parser's), tried at each `[`: label, then address, then an optional title. */
const LINK_AT =
  /\[((?:\[[^\]]*\]|[^[\]]|\](?=[^[]*\]))*)\]\(\s*<?((?:\([^)]*\)|[^\s\\]|\\.)*?)>?(?:\s+['"][\s\S]*?['"])?\s*\)/y;

/** The masked links Discord would render in `content`: a `[label](url)` whose `[` is not escaped. */
export function maskedLinksIn(content: string): string[] {
  const found: string[] = [];
  for (let i = content.indexOf('['); i >= 0; i = content.indexOf('[', i + 1)) {
    const slashes = /\\*$/.exec(content.slice(0, i))?.[0].length ?? 0;
    if (slashes % 2 === 1) continue;
    LINK_AT.lastIndex = i;
    const m = LINK_AT.exec(content);
    if (m) found.push(m[0]);
  }
  return found;
}

/** What a person reads in a message: its content, or with Components V2 its text displays, one per line. */
export function shownText(message: FakeMessage): string {
  return message.flags & FLAG_COMPONENTS_V2 ? textDisplays(message.components).join('\n') : message.content;
}

/** The text a call sent: its content, or the text displays of its components. */
function sentText(call: RecordedCall): string {
  if (typeof call.body?.content === 'string') return call.body.content;
  return Array.isArray(call.body?.components) ? textDisplays(call.body.components).join('\n') : '';
}

/** The calls that wrote a message: posts and edits with content or components. */
export function writes(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter(
    (c) =>
      (c.method === 'POST' || c.method === 'PATCH') &&
      (typeof c.body?.content === 'string' || Array.isArray(c.body?.components)),
  );
}

/** True when every message and every call that wrote one suppressed embeds and hid no link behind a label. */
function linksShownIn(messages: readonly FakeMessage[], calls: readonly RecordedCall[]): boolean {
  return (
    writes(calls).every(
      (c) => (Number(c.body?.flags ?? 0) & SUPPRESS_EMBEDS) !== 0 && maskedLinksIn(sentText(c)).length === 0,
    ) && messages.every((m) => m.embeds.length === 0 && maskedLinksIn(shownText(m)).length === 0)
  );
}

/** True when the body could notify nobody: no parsed mentions, no listed users or roles, no reply ping. */
export function bodyNotifiesNobody(body: { allowed_mentions?: Record<string, unknown> } | undefined): boolean {
  const am = body?.allowed_mentions as {
    parse?: unknown[];
    users?: unknown[];
    roles?: unknown[];
    replied_user?: boolean;
  };
  if (!am) return false;
  return (
    Array.isArray(am.parse) &&
    am.parse.length === 0 &&
    (am.users ?? []).length === 0 &&
    (am.roles ?? []).length === 0 &&
    am.replied_user !== true
  );
}

/** Every call that wrote a message (content or components) carried allowed_mentions that notify nobody. */
export function callsNotifyNobody(calls: readonly RecordedCall[]): boolean {
  return writes(calls).every((c) => bodyNotifiesNobody(c.body));
}

export interface DiscordActors {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  member: FakeUser;
}

export interface DiscordRig extends DiscordActors {
  harness: TwinHarness;
  groq: FakeGroq;
  driver: AdapterDriver;
  close(): Promise<void>;
}

/**
 * A twin (real TwinService + fake Groq), a fake Discord with the bot's commands registered in its guild and globally
 * (so the fake types option values by their definitions, and offers each command only where its contexts and
 * integration types allow), and a started DiscordAdapter between them.
 * why maxTokens 4 000: the long-answer scenarios need more than the harness's default 500 completion tokens.
 */
export async function startDiscordRig(
  options: { harness?: TwinHarnessOptions; adapter?: Partial<DiscordAdapterOptions>; fake?: FakeDiscordOptions } = {},
): Promise<DiscordRig> {
  const harness = await startTwinHarness({ groq: {}, options: { maxTokens: 4_000 }, ...options.harness });
  const fake = await FakeDiscord.start(options.fake);
  const credentials = { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl };
  await registerCommands({ ...credentials, guildId: fake.guild.id });
  await registerCommands(credentials);
  const adapter = new DiscordAdapter({
    twin: harness.twin,
    token: fake.token,
    applicationId: fake.applicationId,
    apiUrl: fake.apiUrl,
    logger: harness.logger,
    ...options.adapter,
  });
  await adapter.start();
  const groq = harness.groq as FakeGroq;
  const actors = { fake, adapter, member: fake.user('ada') };
  return {
    ...actors,
    harness,
    groq,
    driver: discordDriver(actors, groq),
    async close() {
      await adapter.stop();
      await fake.close();
      await harness.close();
    },
  };
}

/**
 * Runs a slash command and waits until the adapter has finished with it. `command` is written as people type it,
 * with any subcommand: `ask-twin`, `twin-usage report`.
 */
export async function runSlash(
  actors: DiscordActors,
  command: string,
  options: Record<string, SlashValue>,
  extra: Pick<SlashCommandInput, 'permissions' | 'dm' | 'where' | 'userInstalled'> & { user?: FakeUser } = {},
): Promise<{ interaction: FakeInteraction; calls: RecordedCall[] }> {
  const { fake, adapter } = actors;
  const since = fake.calls.length;
  const [name = '', subcommand] = command.split(' ');
  const interaction = fake.slashCommand({
    name,
    ...(subcommand && { subcommand }),
    options,
    user: extra.user ?? actors.member,
    ...extra,
  });
  await fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`), since);
  await adapter.settled();
  return { interaction, calls: fake.calls.slice(since) };
}

/** Posts a message and waits until the adapter has answered it; returns the bot's messages created for it. */
export async function runMessage(
  actors: DiscordActors,
  input: { content: string; dm?: boolean; replyTo?: string; pingReply?: boolean; author?: FakeUser },
): Promise<{ message: FakeMessage; replies: FakeMessage[]; calls: RecordedCall[] }> {
  const { fake, adapter } = actors;
  const since = fake.calls.length;
  const message = fake.postMessage({ author: input.author ?? actors.member, ...input });
  // The adapter's first move on a message for it is the typing indicator.
  await fake.waitForCall((c) => c.method === 'POST' && c.path === `/channels/${message.channel_id}/typing`, since);
  await adapter.settled();
  return { message, replies: botMessagesAfter(fake, message), calls: fake.calls.slice(since) };
}

/** The bot's messages in the message's channel created after it, oldest first. */
export function botMessagesAfter(fake: FakeDiscord, message: FakeMessage): FakeMessage[] {
  return fake
    .channelMessages(message.channel_id)
    .filter((m) => m.author.id === fake.bot.id && BigInt(m.id) > BigInt(message.id));
}

function visibleOf(messages: readonly FakeMessage[], calls: readonly RecordedCall[]): Visible {
  return {
    text: messages.map(shownText).join('\n'),
    messages: messages.length,
    notifiesNobody:
      messages.every((m) => bodyNotifiesNobody({ allowed_mentions: m.allowedMentions as never })) &&
      callsNotifyNobody(calls),
    ephemeral: messages.length > 0 && messages.every((m) => (m.flags & EPHEMERAL) !== 0),
    linksShown: linksShownIn(messages, calls),
  };
}

export function discordDriver(actors: DiscordActors, groq: FakeGroq): AdapterDriver {
  const { fake } = actors;
  return {
    name: 'discord',
    groq,
    async slashAsk(question) {
      const { interaction, calls } = await runSlash(actors, 'ask-twin', { question });
      return visibleOf(fake.interactionMessages(interaction.token), calls);
    },
    async mention(question) {
      const { replies, calls } = await runMessage(actors, { content: `<@${fake.bot.id}> ${question}` });
      return visibleOf(replies, calls);
    },
    async usage(asAdmin) {
      const permissions = asAdmin ? PERMISSIONS.manageGuild : PERMISSIONS.member;
      const { interaction, calls } = await runSlash(actors, 'twin-usage report', {}, { permissions });
      return visibleOf(fake.interactionMessages(interaction.token), calls);
    },
  };
}
