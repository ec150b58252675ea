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
import { buttonIds, componentInteractionJson, modalSubmitJson } from './fake-discord-components.js';
import { FakeDiscordGateway } from './fake-discord-gateway.js';
import {
  CHANNEL_DM,
  CHANNEL_GUILD_TEXT,
  type FakeGuild,
  type FakeMessage,
  type FakeUser,
  INTENT,
  interactionJson,
  messageJson,
  newMessage,
  snowflake,
} from './fake-discord-payloads.js';
import { type RouteContext, routeRest } from './fake-discord-routes.js';
import type {
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
  readonly gateway: FakeDiscordGateway;
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  /** Last application-command PUT per scope: 'global' or the guild id. */
  readonly commands = new Map<string, Record<string, unknown>[]>();
  readonly failRules: FailRule[] = [];
  readonly users = new Map<string, FakeUser>();
  private readonly dmChannels = new Map<string, string>();
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

  /** Someone runs a slash command: dispatches INTERACTION_CREATE. */
  slashCommand(input: SlashCommandInput): FakeInteraction {
    this.users.set(input.user.id, input.user);
    const interaction: FakeInteraction = {
      id: snowflake(),
      token: `itok_${randomBytes(24).toString('hex')}`,
      name: input.name,
      ...(input.subcommand && { subcommand: input.subcommand }),
      user: input.user,
      channelId: input.dm ? this.dmChannelOf(input.user.id) : this.guild.channelId,
      guildId: input.dm ? undefined : this.guild.id,
      callbacks: [],
      followups: [],
    };
    this.interactions.set(interaction.token, interaction);
    const data = interactionJson({
      id: interaction.id,
      token: interaction.token,
      applicationId: this.applicationId,
      commandId: snowflake(),
      name: input.name,
      options: slashOptionsJson(input.options ?? {}, input.subcommand, this.registeredCommand(input.name, input.dm)),
      user: input.user,
      channelId: interaction.channelId,
      guild: input.dm ? undefined : this.guild,
      permissions: input.permissions ?? PERMISSIONS.member,
    });
    this.gateway.dispatch('INTERACTION_CREATE', data);
    return interaction;
  }

  /** Someone clicks a button that is on `message`: dispatches a MESSAGE_COMPONENT (type 3) interaction. */
  clickButton(input: {
    message: FakeMessage;
    customId: string;
    user: FakeUser;
    permissions?: string;
  }): FakeInteraction {
    if (!buttonIds(input.message).includes(input.customId)) {
      throw new Error(`fake discord: no button "${input.customId}" on message ${input.message.id}`);
    }
    return this.interact(input.user, input.message.channel_id, { kind: 'component', message: input.message }, (base) =>
      componentInteractionJson({ ...base, message: input.message, customId: input.customId }),
    );
  }

  /** The person who saw a modal (opened as the answer to `opener`) submits it: a MODAL_SUBMIT (type 5) interaction. */
  submitModal(input: { opener: FakeInteraction; values: Record<string, string> }): FakeInteraction {
    const modal = input.opener.modal;
    if (!modal) throw new Error('fake discord: no modal was opened for that interaction');
    return this.interact(input.opener.user, input.opener.channelId, { kind: 'modal' }, (base) =>
      modalSubmitJson({ ...base, modal, values: input.values }),
    );
  }

  private interact(
    user: FakeUser,
    channelId: string,
    extra: Pick<FakeInteraction, 'kind' | 'message'>,
    json: (base: Parameters<typeof componentInteractionJson>[0]) => Record<string, unknown>,
  ): FakeInteraction {
    this.users.set(user.id, user);
    const dm = this.isDmChannel(channelId);
    const interaction: FakeInteraction = {
      id: snowflake(),
      token: `itok_${randomBytes(24).toString('hex')}`,
      name: '',
      user,
      channelId,
      guildId: dm ? undefined : this.guild.id,
      callbacks: [],
      followups: [],
      ...extra,
    };
    this.interactions.set(interaction.token, interaction);
    const base = {
      id: interaction.id,
      token: interaction.token,
      applicationId: this.applicationId,
      user,
      channelId,
      guild: dm ? undefined : this.guild,
      permissions: PERMISSIONS.member,
      message: extra.message as FakeMessage,
      customId: '',
    };
    this.gateway.dispatch('INTERACTION_CREATE', json(base));
    return interaction;
  }

  /** The command as the bot last registered it: in the guild (not in a DM), else globally. */
  registeredCommand(name: string, dm = false): Record<string, unknown> | undefined {
    const inGuild = dm ? undefined : this.commands.get(this.guild.id)?.find((c) => c.name === name);
    return inGuild ?? this.commands.get('global')?.find((c) => c.name === name);
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
        : { ...(data as object), content: '', embeds: [], attachments: [] },
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
