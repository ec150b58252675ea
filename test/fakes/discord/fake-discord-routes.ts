/**
 * The REST v10 routes of the fake Discord, with Discord's status codes and error bodies: 401 without the bot token,
 * 400 for an empty or over-long message, 404 for unknown messages and unacknowledged interactions, 400 for a
 * second interaction callback, 413 for a file over 10 MiB. Files sent as multipart/form-data become attachments.
 */

import {
  componentsProblem,
  FLAG_COMPONENTS_V2,
  modalProblem,
  numberComponents,
  textDisplays,
} from './fake-discord-components.js';
import {
  type AllowedMentions,
  type FakeAttachment,
  type FakeGuild,
  type FakeMessage,
  type FakeUser,
  FLAG_EPHEMERAL,
  FLAG_LOADING,
  FLAG_SUPPRESS_EMBEDS,
  isoNow,
  MESSAGE_CHAT_INPUT_COMMAND,
  messageJson,
  newMessage,
  snowflake,
} from './fake-discord-payloads.js';
import type { FakeInteraction, RecordedCall, RecordedFile } from './fake-discord-types.js';

/** What the routes need from the fake. */
export interface RouteContext {
  readonly token: string;
  /** The REST base, for attachment URLs. */
  readonly apiUrl: string;
  readonly applicationId: string;
  readonly bot: FakeUser;
  readonly guild: FakeGuild;
  readonly gatewayUrl: string;
  readonly messages: Map<string, FakeMessage>;
  readonly interactions: Map<string, FakeInteraction>;
  readonly commands: Map<string, Record<string, unknown>[]>;
  readonly users: Map<string, FakeUser>;
  store(message: FakeMessage): void;
  mentionsIn(content: string): FakeUser[];
  dispatchMessage(message: FakeMessage, replied?: FakeMessage, type?: string): void;
  dmChannelOf(userId: string): string;
  isDmChannel(channelId: string): boolean;
  /** A channel the bot is not in: a server it was not added to, a DM or group DM between people. */
  isUnseenChannel(channelId: string): boolean;
}

export interface RouteResult {
  status: number;
  json?: unknown;
}

const MAX_CONTENT = 2_000;
const unauthorized: RouteResult = { status: 401, json: { message: '401: Unauthorized', code: 0 } };
const notFound: RouteResult = { status: 404, json: { message: '404: Not Found', code: 0 } };
const unknownMessage: RouteResult = { status: 404, json: { message: 'Unknown Message', code: 10008 } };
const unknownWebhook: RouteResult = { status: 404, json: { message: 'Unknown Webhook', code: 10015 } };

interface MessageBody {
  content?: string;
  embeds?: unknown[];
  /** With files: `{ id: <index of files[n]>, description }`; on an edit, existing ids listed here are kept. */
  attachments?: { id: string | number; description?: string; filename?: string }[];
  flags?: number;
  allowed_mentions?: AllowedMentions;
  message_reference?: { message_id: string; fail_if_not_exists?: boolean };
  components?: unknown[] | null;
  poll?: unknown;
  sticker_ids?: unknown[];
}

/** The flags a message body may set when it is created. */
const CREATE_FLAGS = FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2;

/**
 * The link previews Discord adds to a message it posts: one per address in the content that is not wrapped in
 * `<…>`, none when the message suppresses embeds (and an edit that sets the flag removes them).
 */
function isPreview(embed: unknown): boolean {
  const type = (embed as { type?: string }).type;
  return type === 'link' || type === 'image';
}

function unfurl(message: FakeMessage, sent: unknown[] = []): void {
  // why: with IS_COMPONENTS_V2 a message has no content and no embeds at all.
  if (message.flags & (FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2)) {
    message.embeds = [];
    return;
  }
  const urls = [...message.content.matchAll(/(?<!<)\bhttps?:\/\/[^\s<>)]+/g)].map((m) => m[0]);
  message.embeds = [
    ...sent,
    ...urls.map((url) => ({ type: /\.(png|jpe?g|gif|webp)$/i.test(url) ? 'image' : 'link', url })),
  ];
}

/** Discord's upload limit for a bot without boosts (interactions say so in `attachment_size_limit`). */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

function formError(field: string, code: string, message: string): RouteResult {
  return {
    status: 400,
    json: { message: 'Invalid Form Body', code: 50035, errors: { [field]: { _errors: [{ code, message }] } } },
  };
}

const emptyMessage: RouteResult = { status: 400, json: { message: 'Cannot send an empty message', code: 50006 } };

/** A value given for a field, as Discord counts it: absent and null are not given. */
const given = (v: unknown) => v !== undefined && v !== null;

/**
 * The Components V2 rules of Create and Edit Message: with the flag, `content`, `embeds`, `sticker_ids` and `poll`
 * cannot be used; an edit may set the flag but never clear it (the flag stays whatever the body says), and an edit
 * that sets it on a message with content or embeds must reset them (`content: null`, `embeds: []`).
 */
function componentsV2Problem(body: MessageBody, existing: FakeMessage | undefined): RouteResult | undefined {
  const upgrading = existing !== undefined && (existing.flags & FLAG_COMPONENTS_V2) === 0;
  const legacy = (field: string) =>
    formError(
      field,
      'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
      `The '${field}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`,
    );
  if (upgrading && existing.content !== '' && body.content !== null) return legacy('content');
  if (upgrading && existing.embeds.length > 0 && !(Array.isArray(body.embeds) && body.embeds.length === 0)) {
    return legacy('embeds');
  }
  if (given(body.content)) return legacy('content');
  if ((body.embeds ?? []).length > 0) return legacy('embeds');
  if ((body.sticker_ids ?? []).length > 0) return legacy('sticker_ids');
  if (given(body.poll)) return legacy('poll');
  const creating = existing === undefined;
  if ((creating || upgrading || body.components !== undefined) && (body.components ?? []).length === 0) {
    return emptyMessage;
  }
  return undefined;
}

/**
 * Discord's answer to a message body it would refuse, or undefined when it is fine. `existing`: the message an edit
 * changes (absent when creating).
 */
function invalidBody(
  body: MessageBody,
  creating: boolean,
  files: readonly RecordedFile[] = [],
  existing?: FakeMessage,
): RouteResult | undefined {
  if (files.some((f) => f.size > MAX_FILE_BYTES)) {
    return { status: 413, json: { message: 'Request entity too large', code: 40005 } };
  }
  const v2 = ((existing?.flags ?? 0) | (body.flags ?? 0)) & FLAG_COMPONENTS_V2;
  if (v2) {
    const problem = componentsV2Problem(body, creating ? undefined : existing);
    if (problem) return problem;
  }
  if (given(body.components)) {
    const problem = componentsProblem(body.components, v2 !== 0);
    if (problem) return formError('components', 'COMPONENT_INVALID', problem);
  }
  if (v2) return undefined;
  const content = body.content ?? '';
  if (content.length > MAX_CONTENT) {
    return formError('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  const blank =
    content.trim() === '' &&
    (body.embeds ?? []).length === 0 &&
    files.length === 0 &&
    (body.components ?? []).length === 0;
  if (blank && (creating || body.content !== undefined)) return emptyMessage;
  return undefined;
}

/** The mentions Discord reads from a message: its content, or its text displays with IS_COMPONENTS_V2. */
function mentionsOf(ctx: RouteContext, message: FakeMessage): FakeUser[] {
  const v2 = (message.flags & FLAG_COMPONENTS_V2) !== 0;
  return ctx.mentionsIn(v2 ? textDisplays(message.components).join('\n') : message.content);
}

/** Takes a body's components onto a message, numbered as Discord numbers them. */
function setComponents(message: FakeMessage, components: unknown[] | null | undefined): void {
  message.components = structuredClone(components ?? []);
  numberComponents(message.components);
}

/** PNG width and height from its IHDR, as Discord reports them for images. */
function imageSize(data: Buffer): { width: number; height: number } | undefined {
  const png = data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.toString('latin1', 12, 16) === 'IHDR';
  return png ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : undefined;
}

/** The attachments Discord creates for uploaded files, with the alt text given in the body's `attachments`. */
function newAttachments(
  ctx: RouteContext,
  channelId: string,
  body: MessageBody,
  files: readonly RecordedFile[],
): FakeAttachment[] {
  return files.map((file, index) => {
    const meta = (body.attachments ?? []).find((a) => String(a.id) === String(index));
    const id = snowflake();
    const url = `${ctx.apiUrl}/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
    return {
      id,
      filename: file.filename,
      size: file.size,
      url,
      proxy_url: url,
      ...(file.contentType !== undefined && { content_type: file.contentType }),
      ...(meta?.description !== undefined && { description: meta.description }),
      ...imageSize(file.data),
    };
  });
}

function applyEdit(message: FakeMessage, body: MessageBody, ctx: RouteContext, files: readonly RecordedFile[]): void {
  if (body.attachments !== undefined || files.length > 0) {
    // why: on an edit Discord keeps the existing attachments listed in `attachments` (all when it is absent).
    const listed = body.attachments?.map((a) => String(a.id));
    const kept = listed ? message.attachments.filter((a) => listed.includes(a.id)) : message.attachments;
    message.attachments = [...kept, ...newAttachments(ctx, message.channel_id, body, files)];
  }
  if (body.flags !== undefined) {
    // why: SUPPRESS_EMBEDS can be set and unset; IS_COMPONENTS_V2 only set (an edit leaving it out keeps it).
    message.flags =
      (message.flags & ~FLAG_SUPPRESS_EMBEDS) | (body.flags & (FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2));
  }
  if (message.flags & FLAG_COMPONENTS_V2) message.content = '';
  else if (body.content !== undefined) message.content = body.content ?? '';
  if (body.components !== undefined) setComponents(message, body.components);
  if (body.content !== undefined || body.components !== undefined) message.mentions = mentionsOf(ctx, message);
  unfurl(message, body.embeds ?? message.embeds.filter((e) => !isPreview(e)));
  message.allowedMentions = body.allowed_mentions;
  message.flags &= ~FLAG_LOADING;
  message.edited_timestamp = isoNow();
  message.edits++;
}

/**
 * A command's installation fields as Discord checks them: `integration_types` from 0 (guild install) and 1 (user
 * install), `contexts` from 0 (guild), 1 (bot DM) and 2 (private channel); absent or null means the defaults.
 */
function installProblem(command: Record<string, unknown>): string | undefined {
  const within = (v: unknown, allowed: number[]) =>
    v === undefined || v === null || (Array.isArray(v) && v.length > 0 && v.every((x) => allowed.includes(x)));
  if (!within(command.integration_types, [0, 1])) return 'integration_types are 0 (guild) and 1 (user install)';
  if (!within(command.contexts, [0, 1, 2])) return 'contexts are 0 (guild), 1 (bot DM) and 2 (private channel)';
  return undefined;
}

export function routeRest(ctx: RouteContext, call: RecordedCall): RouteResult {
  const { method, path } = call;
  const body = (call.body ?? {}) as MessageBody & Record<string, unknown>;
  const files = call.files ?? [];

  // Interaction callbacks and webhooks are authorised by the interaction token, not the bot token.
  const callback = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/);
  if (callback && method === 'POST') {
    return interactionCallback(ctx, callback[1] ?? '', callback[2] ?? '', body, files);
  }
  const hook = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/);
  if (hook)
    return webhook(ctx, method, { appId: hook[1] ?? '', token: hook[2] ?? '', messageId: hook[3] }, body, files);
  if (!call.authorized) return unauthorized;

  if (path === '/gateway/bot' && method === 'GET') {
    return {
      status: 200,
      json: {
        url: ctx.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      },
    };
  }
  if (path === '/users/@me' && method === 'GET') return { status: 200, json: ctx.bot };
  const m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
  if (m) {
    if (m[1] !== ctx.applicationId) return { status: 403, json: { message: 'Missing Access', code: 50001 } };
    const scope = m[2] ?? 'global';
    if (method === 'PUT') {
      const list = (Array.isArray(call.body) ? call.body : []) as Record<string, unknown>[];
      for (const [index, command] of list.entries()) {
        const problem = installProblem(command);
        if (problem) return formError(String(index), 'APPLICATION_COMMAND_INVALID', problem);
      }
      const saved = list.map((c) => ({
        id: snowflake(),
        application_id: ctx.applicationId,
        version: snowflake(),
        type: 1,
        ...(m[2] ? { guild_id: m[2] } : {}),
        ...c,
      }));
      ctx.commands.set(scope, saved);
      return { status: 200, json: saved };
    }
    if (method === 'GET') return { status: 200, json: ctx.commands.get(scope) ?? [] };
  }
  const channelPath = path.match(/^\/channels\/(\d+)(?:\/|$)/);
  if (channelPath && ctx.isUnseenChannel(channelPath[1] ?? '')) return channelRefusal(ctx, channelPath[1] ?? '');
  if (/^\/channels\/\d+\/typing$/.test(path) && method === 'POST') return { status: 204 };
  const list = path.match(/^\/channels\/(\d+)\/messages$/);
  if (list) {
    const channelId = list[1] ?? '';
    if (method === 'POST') return createChannelMessage(ctx, channelId, body, files);
    if (method === 'GET') {
      const limit = Number(call.query.limit ?? 50);
      const found = [...ctx.messages.values()].filter((x) => x.channel_id === channelId).reverse();
      return { status: 200, json: found.slice(0, limit).map((x) => messageJson(x)) };
    }
  }
  const one = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/);
  if (one) {
    const message = ctx.messages.get(one[2] ?? '');
    if (!message || message.channel_id !== one[1]) return unknownMessage;
    if (method === 'GET') {
      const ref = message.message_reference ? ctx.messages.get(message.message_reference.message_id) : undefined;
      return { status: 200, json: messageJson(message, ref) };
    }
    if (method === 'PATCH') {
      if (message.author.id !== ctx.bot.id) {
        return { status: 403, json: { message: 'Cannot edit a message authored by another user', code: 50005 } };
      }
      const invalid = invalidBody(body, false, files, message);
      if (invalid) return invalid;
      applyEdit(message, body, ctx, files);
      ctx.dispatchMessage(message, undefined, 'MESSAGE_UPDATE');
      return { status: 200, json: messageJson(message) };
    }
    if (method === 'DELETE') {
      ctx.messages.delete(message.id);
      return { status: 204 };
    }
  }
  if (path === '/users/@me/channels' && method === 'POST') {
    const recipient = ctx.users.get(String(body.recipient_id)) ?? { id: String(body.recipient_id), username: '?' };
    return {
      status: 200,
      json: { id: ctx.dmChannelOf(recipient.id), type: 1, recipients: [recipient], last_message_id: null, flags: 0 },
    };
  }
  return notFound;
}

function createChannelMessage(
  ctx: RouteContext,
  channelId: string,
  body: MessageBody,
  files: readonly RecordedFile[],
): RouteResult {
  const invalid = invalidBody(body, true, files);
  if (invalid) return invalid;
  const isDm = ctx.isDmChannel(channelId);
  if (!isDm && channelId !== ctx.guild.channelId) return channelRefusal(ctx, channelId);
  const refId = body.message_reference?.message_id;
  const replied = refId ? ctx.messages.get(refId) : undefined;
  if (refId && !replied && body.message_reference?.fail_if_not_exists !== false) {
    return formError('message_reference', 'REPLIES_UNKNOWN_MESSAGE', 'Unknown message');
  }
  const message = newMessage({
    channel_id: channelId,
    ...(isDm ? {} : { guild_id: ctx.guild.id }),
    author: ctx.bot,
    content: body.content ?? '',
    flags: (body.flags ?? 0) & (FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2),
    attachments: newAttachments(ctx, channelId, body, files),
    ...(replied && {
      message_reference: {
        type: 0,
        message_id: replied.id,
        channel_id: channelId,
        ...(isDm ? {} : { guild_id: ctx.guild.id }),
      },
    }),
  });
  created(ctx, message, body);
  ctx.store(message);
  ctx.dispatchMessage(message, replied);
  return { status: 200, json: messageJson(message, replied) };
}

/**
 * A channel the bot cannot post in: one it cannot see (a server it is not in, a DM or group DM between people, where
 * only a user-installed command reaches) is Missing Access; any other is unknown.
 */
export function channelRefusal(ctx: RouteContext, channelId: string): RouteResult {
  return ctx.isUnseenChannel(channelId)
    ? { status: 403, json: { message: 'Missing Access', code: 50001 } }
    : { status: 404, json: { message: 'Unknown Channel', code: 10003 } };
}

/** What Discord derives when it creates a message from a body: components, previews, mentions. */
function created(ctx: RouteContext, message: FakeMessage, body: MessageBody): void {
  setComponents(message, body.components);
  unfurl(message, body.embeds);
  message.mentions = mentionsOf(ctx, message);
  message.allowedMentions = body.allowed_mentions;
}

/**
 * One response to an interaction (Discord accepts exactly one): 4 a message, 5 a deferred message ("thinking…"),
 * 6 a deferred update of the component's message, 7 an update of it, 9 a modal.
 */
function interactionCallback(
  ctx: RouteContext,
  id: string,
  token: string,
  body: Record<string, unknown>,
  files: readonly RecordedFile[],
): RouteResult {
  const i = ctx.interactions.get(token);
  if (!i || i.id !== id) return { status: 404, json: { message: 'Unknown interaction', code: 10062 } };
  if (i.callbacks.length > 0) {
    return { status: 400, json: { message: 'Interaction has already been acknowledged.', code: 40060 } };
  }
  const type = Number(body.type);
  const data = (body.data ?? {}) as MessageBody & { custom_id?: unknown; title?: unknown };
  if ((type === 6 || type === 7) && !i.message) {
    return { status: 400, json: { message: 'Interaction has no message to update', code: 40043 } };
  }
  if (type === 7) {
    const invalid = invalidBody(data, false, files, i.message);
    if (invalid) return invalid;
  }
  if (type === 9) {
    // why: Discord offers the modal response to commands and component clicks, not to a modal's own submission.
    if (i.kind === 'modal')
      return formError('type', 'INTERACTION_RESPONSE_TYPE_INVALID', 'A modal cannot open a modal');
    const problem = modalProblem(data);
    if (problem) return formError('data', 'MODAL_INVALID', problem);
  }
  if (type === 4) {
    const invalid = invalidBody(data, true, files);
    if (invalid) return invalid;
  }
  if (![4, 5, 6, 7, 9].includes(type)) return formError('type', 'BASE_TYPE_CHOICES', `Value ${type} is not valid`);
  i.callbacks.push({ type, data });
  if (type === 9) {
    // The modal the person now sees (numbered as Discord numbers components), which they can submit.
    i.modal = structuredClone(data) as Record<string, unknown>;
    numberComponents((i.modal.components ?? []) as unknown[]);
    return { status: 204 };
  }
  if ((type === 6 || type === 7) && i.message) {
    // why: after an update response, the interaction's "@original" is the message the component is on.
    i.original = i.message;
    if (type === 7) {
      applyEdit(i.message, data, ctx, files);
      ctx.dispatchMessage(i.message, undefined, 'MESSAGE_UPDATE');
    }
    return { status: 204 };
  }
  const flags = (data.flags ?? 0) & (type === 4 ? CREATE_FLAGS : FLAG_EPHEMERAL);
  i.original = interactionMessage(
    ctx,
    i,
    type === 4 ? (data.content ?? '') : '',
    type === 5 ? flags | FLAG_LOADING : flags,
  );
  if (type === 4) {
    i.original.attachments = newAttachments(ctx, i.channelId, data, files);
    created(ctx, i.original, data);
  } else {
    i.original.allowedMentions = data.allowed_mentions;
  }
  ctx.store(i.original);
  ctx.dispatchMessage(i.original);
  return { status: 204 };
}

function interactionMessage(ctx: RouteContext, i: FakeInteraction, content: string, flags: number): FakeMessage {
  return newMessage({
    channel_id: i.channelId,
    ...(i.guildId ? { guild_id: i.guildId } : {}),
    author: ctx.bot,
    content: flags & FLAG_COMPONENTS_V2 ? '' : content,
    flags,
    type: MESSAGE_CHAT_INPUT_COMMAND,
    webhook_id: ctx.applicationId,
    application_id: ctx.applicationId,
    // why: Discord marks every interaction response with the interaction it answers; a bot reads it to tell a reply
    // to an interaction (continued through a token) from a message it posted itself.
    interaction_metadata: {
      id: i.id,
      type: i.kind === 'component' ? 3 : i.kind === 'modal' ? 5 : 2,
      user: i.user,
      authorizing_integration_owners: i.owners,
      ...(i.kind === 'component' && i.message && { interacted_message_id: i.message.id }),
    },
  });
}

function webhook(
  ctx: RouteContext,
  method: string,
  { appId, token, messageId }: { appId: string; token: string; messageId: string | undefined },
  body: MessageBody,
  files: readonly RecordedFile[],
): RouteResult {
  const i = ctx.interactions.get(token);
  if (!i || appId !== ctx.applicationId) return unknownWebhook;
  // why: Discord only lets the interaction token edit or follow up once the interaction was acknowledged.
  if (!i.original) return unknownMessage;
  if (messageId === undefined) {
    if (method !== 'POST') return notFound;
    const invalid = invalidBody(body, true, files);
    if (invalid) return invalid;
    const message = interactionMessage(ctx, i, body.content ?? '', (body.flags ?? 0) & CREATE_FLAGS);
    message.attachments = newAttachments(ctx, i.channelId, body, files);
    created(ctx, message, body);
    i.followups.push(message);
    ctx.store(message);
    ctx.dispatchMessage(message);
    return { status: 200, json: messageJson(message) };
  }
  const target = messageId === '@original' ? i.original : i.followups.find((f) => f.id === messageId);
  if (!target) return unknownMessage;
  if (method === 'GET') return { status: 200, json: messageJson(target) };
  if (method === 'DELETE') {
    ctx.messages.delete(target.id);
    if (target === i.original) i.original = undefined;
    else i.followups = i.followups.filter((f) => f !== target);
    return { status: 204 };
  }
  if (method !== 'PATCH') return notFound;
  const invalid = invalidBody(body, false, files, target);
  if (invalid) return invalid;
  applyEdit(target, body, ctx, files);
  ctx.dispatchMessage(target, undefined, 'MESSAGE_UPDATE');
  return { status: 200, json: messageJson(target) };
}
