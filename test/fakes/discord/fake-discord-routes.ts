/**
 * The REST v10 routes of the fake Discord, with Discord's status codes and error bodies: 401 without the bot token,
 * 400 for an empty or over-long message, 404 for unknown messages and unacknowledged interactions, 400 for a
 * second interaction callback, 413 for a file over 10 MiB. Files sent as multipart/form-data become attachments.
 */

import {
  CALLBACK_DEFERRED_UPDATE,
  CALLBACK_MODAL,
  componentsProblem,
  modalProblem,
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
  components?: unknown[];
}

/** The flags a message body may set when it is created. */
const CREATE_FLAGS = FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS;

/**
 * The link previews Discord adds to a message it posts: one per address in the content that is not wrapped in
 * `<…>`, none when the message suppresses embeds (and an edit that sets the flag removes them).
 */
function isPreview(embed: unknown): boolean {
  const type = (embed as { type?: string }).type;
  return type === 'link' || type === 'image';
}

function unfurl(message: FakeMessage, sent: unknown[] = []): void {
  if (message.flags & FLAG_SUPPRESS_EMBEDS) {
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

/** Discord's answer to a message body it would refuse, or undefined when it is fine. */
function invalidBody(
  body: MessageBody,
  creating: boolean,
  files: readonly RecordedFile[] = [],
): RouteResult | undefined {
  if (files.some((f) => f.size > MAX_FILE_BYTES)) {
    return { status: 413, json: { message: 'Request entity too large', code: 40005 } };
  }
  const badComponents = componentsProblem(body.components);
  if (badComponents) return badComponents;
  const content = body.content ?? '';
  if (content.length > MAX_CONTENT) {
    return {
      status: 400,
      json: {
        message: 'Invalid Form Body',
        code: 50035,
        errors: {
          content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
        },
      },
    };
  }
  const blank = content.trim() === '' && (body.embeds ?? []).length === 0 && files.length === 0;
  if (blank && (creating || body.content !== undefined)) {
    return { status: 400, json: { message: 'Cannot send an empty message', code: 50006 } };
  }
  return undefined;
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
  if (body.content !== undefined) {
    message.content = body.content;
    message.mentions = ctx.mentionsIn(body.content);
  }
  if (body.flags !== undefined) {
    message.flags = (message.flags & ~FLAG_SUPPRESS_EMBEDS) | (body.flags & FLAG_SUPPRESS_EMBEDS);
  }
  if (body.components !== undefined) message.components = body.components;
  unfurl(message, body.embeds ?? message.embeds.filter((e) => !isPreview(e)));
  message.allowedMentions = body.allowed_mentions;
  message.flags &= ~FLAG_LOADING;
  message.edited_timestamp = isoNow();
  message.edits++;
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
      const invalid = invalidBody(body, false, files);
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
  if (!isDm && channelId !== ctx.guild.channelId)
    return { status: 404, json: { message: 'Unknown Channel', code: 10003 } };
  const refId = body.message_reference?.message_id;
  const replied = refId ? ctx.messages.get(refId) : undefined;
  if (refId && !replied && body.message_reference?.fail_if_not_exists !== false) {
    return {
      status: 400,
      json: {
        message: 'Invalid Form Body',
        code: 50035,
        errors: { message_reference: { _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }] } },
      },
    };
  }
  const message = newMessage({
    channel_id: channelId,
    ...(isDm ? {} : { guild_id: ctx.guild.id }),
    author: ctx.bot,
    content: body.content ?? '',
    flags: (body.flags ?? 0) & FLAG_SUPPRESS_EMBEDS,
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
  unfurl(message, body.embeds);
  if (body.components !== undefined) message.components = body.components;
  message.mentions = ctx.mentionsIn(message.content);
  message.allowedMentions = body.allowed_mentions;
  ctx.store(message);
  ctx.dispatchMessage(message, replied);
  return { status: 200, json: messageJson(message, replied) };
}

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
  const data = (body.data ?? {}) as MessageBody;
  const kind = i.kind ?? 'command';
  // why: a modal answers a command or a click, never a modal; updating a message answers only a click on it.
  if (type === CALLBACK_MODAL) {
    if (kind === 'modal')
      return { status: 400, json: { message: 'Interaction has already been acknowledged.', code: 40060 } };
    const problem = modalProblem(data as Record<string, unknown>);
    if (problem) return problem;
    i.callbacks.push({ type, data });
    i.modal = data as Record<string, unknown>;
    return { status: 204 };
  }
  if (type === CALLBACK_DEFERRED_UPDATE) {
    if (kind !== 'component' || !i.message)
      return { status: 400, json: { message: 'Invalid interaction', code: 50035 } };
    i.callbacks.push({ type, data });
    // The token now edits the message the button is on.
    i.original = i.message;
    return { status: 204 };
  }
  if (type !== 4 && type !== 5) {
    i.callbacks.push({ type, data });
    return { status: 204 };
  }
  i.callbacks.push({ type, data });
  if (type === 4) {
    const invalid = invalidBody(data, true, files);
    if (invalid) return invalid;
  }
  const flags = (data.flags ?? 0) & (type === 4 ? CREATE_FLAGS : FLAG_EPHEMERAL);
  i.original = interactionMessage(
    ctx,
    i,
    type === 4 ? (data.content ?? '') : '',
    type === 5 ? flags | FLAG_LOADING : flags,
  );
  i.original.allowedMentions = data.allowed_mentions;
  if (type === 4) {
    i.original.attachments = newAttachments(ctx, i.channelId, data, files);
    unfurl(i.original, data.embeds);
    if (data.components !== undefined) i.original.components = data.components;
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
    content,
    flags,
    type: MESSAGE_CHAT_INPUT_COMMAND,
    webhook_id: ctx.applicationId,
    application_id: ctx.applicationId,
    // why: Discord marks every interaction response with the interaction it answers.
    interaction_metadata: {
      id: i.id,
      type: i.kind === 'component' ? 3 : i.kind === 'modal' ? 5 : 2,
      user: i.user,
      authorizing_integration_owners: i.guildId ? { '0': i.guildId } : { '1': i.user.id },
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
    unfurl(message, body.embeds);
    if (body.components !== undefined) message.components = body.components;
    message.attachments = newAttachments(ctx, i.channelId, body, files);
    message.mentions = ctx.mentionsIn(message.content);
    message.allowedMentions = body.allowed_mentions;
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
  const invalid = invalidBody(body, false, files);
  if (invalid) return invalid;
  applyEdit(target, body, ctx, files);
  ctx.dispatchMessage(target, undefined, 'MESSAGE_UPDATE');
  return { status: 200, json: messageJson(target) };
}
