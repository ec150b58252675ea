/**
 * A fake Discord on 127.0.0.1: REST v10 (the routes a bot uses) and the JSON gateway on one port, so the REAL
 * discord.js client runs against it. Every REST call is recorded (method, path, body, status); one route can be
 * made to answer 429 once; a wrong token gets 401 on REST and close code 4004 on IDENTIFY, like Discord.
 *
 * Give the adapter `apiUrl` (it is discord.js's `rest.api`); the gateway URL comes from GET /gateway/bot.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../support/fake-http.js';
import { multipartBoundary, parseMultipart } from '../multipart-form.js';
import { COMPONENT, modalSubmitData, walkComponents } from './fake-discord-components.js';
import { FakeDiscordGateway } from './fake-discord-gateway.js';
import {
  CHANNEL_DM,
  CHANNEL_GUILD_TEXT,
  commandData,
  type FakeGuild,
  type FakeMessage,
  type FakeUser,
  INTENT,
  type InteractionPlace,
  interactionJson,
  messageJson,
  newMessage,
  snowflake,
} from './fake-discord-payloads.js';
import { type RouteContext, routeRest } from './fake-discord-routes.js';
import type {
  ButtonClickInput,
  CommandPlace,
  FailRule,
  FakeDiscordOptions,
  FakeInteraction,
  PostMessageInput,
  RecordedCall,
  RecordedFile,
  SlashCommandInput,
} from './fake-discord-types.js';
import { PERMISSIONS } from './fake-discord-types.js';
import { slashOptionsJson } from './fake-slash-options.js';

export class FakeDiscord implements RouteContext {
  readonly calls: RecordedCall[] = [];
  readonly token: string;
  readonly applicationId: string;
  readonly bot: FakeUser;
  readonly guild: FakeGuild;
  /** A server the bot was never added to: only a user-installed command reaches it, and the bot cannot see it. */
  readonly foreignGuild: FakeGuild;
  readonly gateway: FakeDiscordGateway;
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  /** Last application-command PUT per scope: 'global' or the guild id. */
  readonly commands = new Map<string, Record<string, unknown>[]>();
  readonly failRules: FailRule[] = [];
  readonly users = new Map<string, FakeUser>();
  private readonly dmChannels = new Map<string, string>();
  /** Group DMs between people, one per user who runs a command there (the bot is not a recipient). */
  private readonly privateChannels = new Map<string, string>();
  private readonly server: Server;
  private readonly listeners = new Set<(call: RecordedCall) => void>();
  apiUrl = '';

  private constructor(options: FakeDiscordOptions, server: Server) {
    this.server = server;
    this.token = options.token ?? 'fake-bot-token';
    this.applicationId = options.applicationId ?? snowflake();
    this.bot = { id: this.applicationId, username: 'twinbot', global_name: null, bot: true, discriminator: '0' };
    this.users.set(this.bot.id, this.bot);
    this.guild = {
      id: snowflake(),
      name: 'Test Guild',
      ownerId: snowflake(),
      channelId: snowflake(),
      botRoleId: snowflake(),
    };
    this.foreignGuild = {
      id: snowflake(),
      name: 'Elsewhere',
      ownerId: snowflake(),
      channelId: snowflake(),
      botRoleId: snowflake(),
    };
    this.gateway = new FakeDiscordGateway({
      server,
      path: '/gateway',
      token: this.token,
      applicationId: this.applicationId,
      bot: this.bot,
      guilds: [this.guild],
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      rejectAll: options.gatewayRejectsToken ?? false,
    });
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(options, server);
    server.on('request', (req, res) => void fake.onRequest(req, res));
    fake.apiUrl = `http://127.0.0.1:${await listenOnLoopback(server)}/api`;
    return fake;
  }

  get gatewayUrl(): string {
    return `${this.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '')}/gateway`;
  }

  /** A person (not a bot unless `bot`), known to the fake so mentions of them resolve. */
  user(username: string, bot = false): FakeUser {
    const user: FakeUser = { id: snowflake(), username, global_name: username, bot, discriminator: '0', avatar: null };
    this.users.set(user.id, user);
    return user;
  }

  dmChannelOf(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(userId, id);
    }
    return id;
  }

  isDmChannel(channelId: string): boolean {
    return [...this.dmChannels.values()].includes(channelId);
  }

  /** The group DM `userId` runs commands in with a friend; the bot is not in it. */
  privateChannelOf(userId: string): string {
    let id = this.privateChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.privateChannels.set(userId, id);
    }
    return id;
  }

  isUnseenChannel(channelId: string): boolean {
    return channelId === this.foreignGuild.channelId || [...this.privateChannels.values()].includes(channelId);
  }

  /**
   * The next `method` call whose path matches (after `skip` matching calls) answers 429 and does nothing, as
   * Discord's limiter would: `retry-after` header (seconds), `x-ratelimit-*` headers and the JSON body.
   */
  rateLimitOnce(
    method: string,
    path: RegExp,
    options: { retryAfterS?: number; global?: boolean; skip?: number } = {},
  ): void {
    const retryAfterS = options.retryAfterS ?? 0.1;
    const global = options.global ?? false;
    const s = String(retryAfterS);
    this.failOnce(method, path, {
      status: 429,
      skip: options.skip,
      body: { message: 'You are being rate limited.', retry_after: retryAfterS, global },
      headers: {
        'retry-after': s,
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': s,
        'x-ratelimit-bucket': 'fake-bucket',
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global && { 'x-ratelimit-global': 'true' }),
      },
    });
  }

  /** The next matching call (after `skip` matching calls) gets `status` and `body` and has no effect. */
  failOnce(
    method: string,
    path: RegExp,
    options: { status: number; body?: unknown; headers?: Record<string, string>; skip?: number },
  ): void {
    this.failRules.push({
      method,
      path,
      status: options.status,
      body: options.body ?? { message: 'scripted failure', code: 0 },
      headers: options.headers ?? {},
      skip: options.skip ?? 0,
    });
  }

  /**
   * Someone runs a slash command: dispatches INTERACTION_CREATE. As Discord's client would, it refuses (throws) a
   * command the bot's registration does not offer there: its `contexts` leave the place out, or no installation
   * reaches it (`integration_types`: the guild install reaches the guild and the bot's DM; the user install every
   * place, for a person who added the app).
   */
  slashCommand(input: SlashCommandInput): FakeInteraction {
    this.users.set(input.user.id, input.user);
    const where: CommandPlace = input.where ?? (input.dm ? 'bot_dm' : 'guild');
    const definition = this.registeredCommand(input.name, where !== 'guild');
    const place = this.placeOf(where, input.user, input.permissions);
    const owners = this.ownersFor(input.name, definition, where, input.user, input.userInstalled ?? false);
    const interaction = this.newInteraction(input.name, input.user, place, owners, input.subcommand);
    const options = slashOptionsJson(input.options ?? {}, input.subcommand, definition);
    const data = commandData(snowflake(), input.name, options);
    this.gateway.dispatch('INTERACTION_CREATE', this.interactionPayload(interaction, place, 2, data));
    return interaction;
  }

  /**
   * Someone clicks a button on one of the bot's messages: dispatches a MESSAGE_COMPONENT interaction (type 3) with
   * the button's custom_id and the message. Throws when the message has no such enabled button.
   */
  clickButton(input: ButtonClickInput): FakeInteraction {
    this.users.set(input.user.id, input.user);
    const button = walkComponents(input.message.components).find(
      (c) => c.type === COMPONENT.button && c.custom_id === input.customId,
    );
    if (!button) throw new Error(`message ${input.message.id} has no button ${input.customId}`);
    if (button.disabled) throw new Error(`button ${input.customId} is disabled`);
    const where = this.placeOfChannel(input.message.channel_id);
    const place = this.placeOf(where, input.user, input.permissions);
    // why: on a user-installed command's answer the owner is the person who installed the app, not the clicker.
    const source = [...this.interactions.values()].find(
      (i) => i.original === input.message || i.followups.includes(input.message),
    );
    const owners: Record<string, string> = source
      ? { ...source.owners }
      : where === 'guild'
        ? { '0': this.guild.id }
        : { '0': '0' };
    if (input.userInstalled) owners['1'] = input.user.id;
    const interaction = this.newInteraction(input.customId, input.user, place, owners);
    interaction.kind = 'component';
    interaction.message = input.message;
    const data = { custom_id: input.customId, component_type: COMPONENT.button, id: button.id };
    const payload = this.interactionPayload(interaction, place, 3, data, messageJson(input.message));
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    return interaction;
  }

  /**
   * The person who saw a modal (opened as the answer to `opener`) submits it with `values` by input custom_id:
   * dispatches a MODAL_SUBMIT interaction (type 5) from the same place, with the same installation owners, and the
   * message when the modal was opened from a click on one. Throws when no modal was opened, or where Discord's client
   * would not submit (a required input empty, a value outside its length limits).
   */
  submitModal(input: {
    opener: FakeInteraction;
    values: Record<string, string>;
    permissions?: string;
  }): FakeInteraction {
    const { opener } = input;
    if (!opener.modal || opener.callbacks[0]?.type !== 9) {
      throw new Error('fake discord: no modal was opened for that interaction');
    }
    const data = modalSubmitData(opener.modal, input.values);
    const place = this.placeOf(this.placeOfChannel(opener.channelId), opener.user, input.permissions);
    const interaction = this.newInteraction(String(opener.modal.custom_id), opener.user, place, { ...opener.owners });
    interaction.kind = 'modal';
    if (opener.message) interaction.message = opener.message;
    const message = opener.message && messageJson(opener.message);
    this.gateway.dispatch('INTERACTION_CREATE', this.interactionPayload(interaction, place, 5, data, message));
    return interaction;
  }

  /** The command as the bot last registered it: in the guild (guild commands stay there), else globally. */
  registeredCommand(name: string, outsideGuild = false): Record<string, unknown> | undefined {
    const inGuild = outsideGuild ? undefined : this.commands.get(this.guild.id)?.find((c) => c.name === name);
    return inGuild ?? this.commands.get('global')?.find((c) => c.name === name);
  }

  private placeOfChannel(channelId: string): CommandPlace {
    if (this.isDmChannel(channelId)) return 'bot_dm';
    if (channelId === this.foreignGuild.channelId) return 'foreign_guild';
    if ([...this.privateChannels.values()].includes(channelId)) return 'private_channel';
    return 'guild';
  }

  private placeOf(where: CommandPlace, user: FakeUser, permissions?: string): InteractionPlace {
    const perms = permissions ?? PERMISSIONS.member;
    switch (where) {
      case 'guild':
        return { context: 0, guild: this.guild, channelId: this.guild.channelId, permissions: perms };
      case 'foreign_guild':
        return { context: 0, guild: this.foreignGuild, channelId: this.foreignGuild.channelId, permissions: perms };
      case 'bot_dm':
        return { context: 1, channelId: this.dmChannelOf(user.id) };
      case 'private_channel': {
        const friend: FakeUser = { id: snowflake(), username: 'friend', global_name: 'Friend', discriminator: '0' };
        return { context: 2, channelId: this.privateChannelOf(user.id), recipients: [user, friend] };
      }
    }
  }

  /** `authorizing_integration_owners` for a command run `where`, as Discord computes it; throws where none reaches. */
  private ownersFor(
    name: string,
    definition: Record<string, unknown> | undefined,
    where: CommandPlace,
    user: FakeUser,
    userInstalled: boolean,
  ): Record<string, string> {
    const context = where === 'guild' || where === 'foreign_guild' ? 0 : where === 'bot_dm' ? 1 : 2;
    const contexts = definition?.contexts as number[] | null | undefined;
    if (contexts && !contexts.includes(context)) {
      throw new Error(`Discord does not offer /${name} in ${where}: its contexts are [${contexts.join(', ')}]`);
    }
    // why: without integration_types a command has the app's default installation, the guild install.
    const types = (definition?.integration_types as number[] | undefined) ?? [0];
    const owners: Record<string, string> = {};
    if (types.includes(0) && where === 'guild') owners['0'] = this.guild.id;
    if (types.includes(0) && where === 'bot_dm') owners['0'] = '0';
    if (types.includes(1) && userInstalled) owners['1'] = user.id;
    if (Object.keys(owners).length === 0) {
      throw new Error(`Discord does not offer /${name} in ${where}: no installation of the app reaches it`);
    }
    return owners;
  }

  private newInteraction(
    name: string,
    user: FakeUser,
    place: InteractionPlace,
    owners: Record<string, string>,
    subcommand?: string,
  ): FakeInteraction {
    const interaction: FakeInteraction = {
      id: snowflake(),
      token: `itok_${randomBytes(24).toString('hex')}`,
      name,
      ...(subcommand && { subcommand }),
      user,
      channelId: place.channelId,
      guildId: place.context === 0 ? place.guild.id : undefined,
      context: place.context,
      owners,
      callbacks: [],
      followups: [],
    };
    this.interactions.set(interaction.token, interaction);
    return interaction;
  }

  private interactionPayload(
    interaction: FakeInteraction,
    place: InteractionPlace,
    type: 2 | 3 | 5,
    data: Record<string, unknown>,
    message?: Record<string, unknown>,
  ): Record<string, unknown> {
    return interactionJson({
      id: interaction.id,
      token: interaction.token,
      applicationId: this.applicationId,
      user: interaction.user,
      place,
      owners: interaction.owners,
      type,
      data,
      ...(message && { message }),
    });
  }

  /** Someone posts a message: stores it and dispatches MESSAGE_CREATE (subject to intents). */
  postMessage(input: PostMessageInput): FakeMessage {
    this.users.set(input.author.id, input.author);
    const channelId = input.dm ? this.dmChannelOf(input.author.id) : this.guild.channelId;
    const replied = input.replyTo ? this.messages.get(input.replyTo) : undefined;
    const message = newMessage({
      channel_id: channelId,
      guild_id: input.dm ? undefined : this.guild.id,
      author: input.author,
      content: input.content,
      ...(input.replyTo && {
        message_reference: {
          type: 0,
          message_id: input.replyTo,
          channel_id: channelId,
          ...(input.dm ? {} : { guild_id: this.guild.id }),
        },
      }),
    });
    message.mentions = this.mentionsIn(input.content);
    message.mention_roles = [...input.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? '');
    if (replied && input.pingReply !== false && !message.mentions.some((u) => u.id === replied.author.id)) {
      message.mentions.push(replied.author);
    }
    this.store(message);
    this.dispatchMessage(message, replied);
    return message;
  }

  /** The bot's messages for an interaction, original first, with their current content. */
  interactionMessages(token: string): FakeMessage[] {
    const i = this.interactions.get(token);
    if (!i) return [];
    return [...(i.original ? [i.original] : []), ...i.followups];
  }

  channelMessages(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  /** Resolves with the first call (at index >= `since`) that matches; rejects after `timeoutMs` as a safety net. */
  waitForCall(match: (call: RecordedCall) => boolean, since = 0, timeoutMs = 10_000): Promise<RecordedCall> {
    const found = this.calls.slice(since).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (call: RecordedCall) => {
        if (!match(call)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        const recent = this.calls.slice(since).map((c) => `${c.method} ${c.path} ${c.status}`);
        reject(new Error(`fake discord: no matching call; calls since ${since}: ${recent.join(', ') || 'none'}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  // --- RouteContext: used by the REST routes ---

  store(message: FakeMessage): void {
    this.messages.set(message.id, message);
  }

  mentionsIn(content: string): FakeUser[] {
    const ids = new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? ''));
    return [...ids].map((id) => this.users.get(id)).filter((u): u is FakeUser => u !== undefined);
  }

  /** MESSAGE_CREATE as Discord sends it: per intents, and without content when MESSAGE_CONTENT is missing. */
  dispatchMessage(message: FakeMessage, replied?: FakeMessage, type = 'MESSAGE_CREATE'): void {
    if (message.flags & 64) return; // ephemeral messages are never dispatched
    if (this.isUnseenChannel(message.channel_id)) return; // the bot is not there to hear it
    const dm = this.isDmChannel(message.channel_id);
    const json = {
      ...messageJson(message, replied),
      channel_type: dm ? CHANNEL_DM : CHANNEL_GUILD_TEXT,
      ...(!dm &&
        !message.author.bot && { member: { roles: [], joined_at: message.timestamp, deaf: false, mute: false } }),
    };
    const mentionsBot = message.mentions.some((u) => u.id === this.bot.id);
    const visibleToAll = dm || mentionsBot || message.author.id === this.bot.id;
    this.gateway.dispatch(type, json, dm ? INTENT.directMessages : INTENT.guildMessages, (data, intents) =>
      visibleToAll || (intents & INTENT.messageContent) !== 0
        ? data
        : { ...(data as object), content: '', embeds: [], attachments: [], components: [] },
    );
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    let body: unknown;
    let files: RecordedFile[] | undefined;
    let malformed = false;
    const boundary = multipartBoundary(req.headers['content-type']);
    if (boundary) {
      // why: with files, discord.js sends multipart/form-data: `files[n]` parts and the JSON in `payload_json`.
      try {
        const parts = parseMultipart(bytes, boundary);
        const json = parts.find((p) => p.name === 'payload_json' && p.filename === undefined);
        body = json ? JSON.parse(json.data.toString('utf8')) : undefined;
        files = parts
          .filter((p) => p.filename !== undefined)
          .map((p) => ({
            field: p.name,
            filename: p.filename ?? '',
            ...(p.contentType !== undefined && { contentType: p.contentType }),
            size: p.data.length,
            data: p.data,
          }));
      } catch {
        malformed = true;
      }
    } else {
      const raw = bytes.toString('utf8');
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
    }
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const call: RecordedCall = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      status: 0,
      at: Date.now(),
      authorized: req.headers.authorization === `Bot ${this.token}`,
      ...(files && { files }),
    };
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      this.calls.push(call);
      res.writeHead(status, { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(json === undefined ? undefined : JSON.stringify(json));
      for (const listener of [...this.listeners]) listener(call);
    };
    if (!url.pathname.startsWith('/api/v10/')) return reply(404, { message: '404: Not Found', code: 0 });
    if (malformed) return reply(400, { message: 'Invalid Form Body', code: 50035 });
    const rule = this.failRules.find((r) => r.method === method && r.path.test(path));
    if (rule && rule.skip-- <= 0) {
      this.failRules.splice(this.failRules.indexOf(rule), 1);
      return reply(rule.status, rule.body, rule.headers);
    }
    const { status, json } = routeRest(this, call);
    reply(status, json);
  }
}

export { type FakeAttachment, type FakeMessage, type FakeUser, FLAG_EPHEMERAL } from './fake-discord-payloads.js';
export * from './fake-discord-types.js';
