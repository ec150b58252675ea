/**
 * A fake Slack on 127.0.0.1 that speaks the Web API's wire protocol (POST /api/<method>, form or JSON bodies,
 * Bearer tokens, `{ok:false, error}` answers), a response_url sink, the OAuth token exchange, the external file
 * upload flow (files.getUploadURLExternal, POST to the upload_url, files.completeUploadExternal), native streaming
 * (chat.startStream / appendStream / stopStream, slack-streams.ts), the assistant thread methods and a Socket Mode
 * WebSocket endpoint. It records every call and keeps channel messages and shared files as Slack would, so tests can
 * read what a person would see.
 */
import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from '../../support/fake-http.js';
import { multipartBoundary, parseMultipart } from '../multipart-form.js';
import { FakeSocketMode } from './fake-socket-mode.js';
import { blocksProblem, TriggerIds, viewProblem } from './slack-interactions.js';
import { type FakeStreams, streamHandlers } from './slack-streams.js';

export interface FakeBot {
  teamId: string;
  teamName?: string;
  botUserId: string;
  botId: string;
  enterpriseId?: string;
}

export interface FakeUser {
  name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
}

export interface FakeOAuthGrant extends FakeBot {
  /** The bot token oauth.v2.access hands out for this code. */
  token: string;
  installerUserId: string;
}

export interface FakeSlackOptions {
  /** Valid bot tokens and their workspaces. Default: `xoxb-test` in T1 with bot user UBOT. */
  bots?: Record<string, FakeBot>;
  /** Valid app-level tokens (Socket Mode). Default `xapp-test`. */
  appTokens?: string[];
  users?: Record<string, FakeUser>;
  /** The OAuth app's credentials and the codes it will exchange. */
  oauth?: { clientId: string; clientSecret: string; grants: Record<string, FakeOAuthGrant> };
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  token?: string;
  contentType: string;
  ok: boolean;
  error?: string;
  /** Epoch ms when the call arrived (for per-window write counts). */
  at?: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  blocks?: unknown[];
  /** How many times chat.update changed it. */
  edits: number;
  /** Every version it had, first to last. */
  versions: { text: string; blocks?: unknown[] }[];
  /** A streamed message (chat.startStream): open while text may be appended, then stopped or expired. */
  stream?: { state: 'open' | 'stopped' | 'expired'; appends: number; recipientUserId?: string };
  /** Removed with chat.delete: nobody sees it any more. */
  deleted?: boolean;
}

/** A file as it goes through the external upload flow; `channel` is set once it is shared. */
export interface FakeFile {
  id: string;
  filename: string;
  /** The `length` declared to files.getUploadURLExternal. */
  length: number;
  altText?: string;
  /** The bytes POSTed to the upload_url (undefined until then). */
  data?: Buffer;
  /** How they arrived: the WebClient sends a multipart/form-data file part. */
  uploadContentType?: string;
  title?: string;
  /** Where files.completeUploadExternal shared it. */
  channel?: string;
  initialComment?: string;
  threadTs?: string;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
}

export interface FakeSlack {
  url: string;
  /** Base for SLACK_API_URL / `slackApiUrl`, ending in /api/. */
  apiUrl: string;
  calls: RecordedCall[];
  messages: FakeMessage[];
  ephemerals: RecordedCall[];
  responses: ResponseUrlPost[];
  socket: FakeSocketMode;
  /** Channels where chat.postMessage answers `not_in_channel`. */
  notInChannel: Set<string>;
  /** When set, assistant.threads.setStatus answers this error instead of ok. */
  setStatusError?: string;
  /** The assistant status each thread shows now (`channel:thread_ts`); Slack clears it when the bot replies there. */
  threadStatus: Map<string, { status: string; loadingMessages?: string[] }>;
  /** Streaming switches: workspaces that refuse chat.startStream, and streams that expire after N appends. */
  streams: FakeStreams;
  /** Methods that answer this error instead of working (e.g. `conversations.open` -> `missing_scope`). */
  methodErrors: Map<string, string>;
  /** Every file upload begun, by file id, in order. */
  files: FakeFile[];
  /** Direct-message channels opened with conversations.open, by user id. */
  ims: Map<string, string>;
  /** Trigger ids handed out with interactive payloads, each exchanged once by views.open. */
  triggers: TriggerIds;
  /** Modals opened with views.open, in order. */
  views: Record<string, unknown>[];
  /** A response_url for a command; posts to it land in `responses`. */
  responseUrl(id: string): string;
  /** A person's message, as if typed in Slack (for threads read back with conversations.replies). */
  addMessage(m: { channel: string; user: string; text: string; thread_ts?: string }): FakeMessage;
  callsOf(method: string): RecordedCall[];
  close(): Promise<void>;
}

const DEFAULT_BOTS: Record<string, FakeBot> = {
  'xoxb-test': { teamId: 'T1', teamName: 'Fake Workspace', botUserId: 'UBOT', botId: 'BBOT' },
};

const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'metadata',
  'files',
  'chunks',
  'loading_messages',
  'prompts',
  'view',
]);

/** why: Slack refuses uploads over 1 GB; the fake keeps the same rule. */
const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Form fields arrive as strings; the WebClient JSON-encodes arrays and objects (blocks) inside them. */
function parseParams(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    params[k] = JSON_FIELDS.has(k) ? JSON.parse(v) : v;
  }
  return params;
}

function mimeOf(filename: string): string {
  return filename.endsWith('.png') ? 'image/png' : 'application/octet-stream';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const bots = { ...(options.bots ?? DEFAULT_BOTS) };
  const appTokens = new Set(options.appTokens ?? ['xapp-test']);
  const users = options.users ?? {};
  const socket = new FakeSocketMode();
  let tsCounter = 0;
  let url = '';
  const nextTs = () => `${1_700_000_000 + Math.floor(tsCounter / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  const fake: FakeSlack = {
    url: '',
    apiUrl: '',
    calls: [],
    messages: [],
    ephemerals: [],
    responses: [],
    socket,
    notInChannel: new Set(),
    threadStatus: new Map(),
    streams: { refusedTeams: new Map() },
    methodErrors: new Map(),
    files: [],
    ims: new Map(),
    triggers: new TriggerIds(),
    views: [],
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id)}`,
    addMessage(m) {
      const message: FakeMessage = { ...m, ts: nextTs(), edits: 0, versions: [{ text: m.text }] };
      fake.messages.push(message);
      return message;
    },
    callsOf: (method) => fake.calls.filter((c) => c.method === method),
    close: async () => {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  type Handler = (p: Record<string, unknown>, bot: FakeBot | undefined, token: string | undefined) => object | string;
  const needBot = (bot: FakeBot | undefined) => (bot ? undefined : 'invalid_auth');
  const handlers: Record<string, Handler> = {
    'auth.test': (_p, bot) =>
      needBot(bot) ?? {
        url: 'https://fake.slack.com/',
        team: bot!.teamName ?? 'Fake',
        user: 'twinbot',
        team_id: bot!.teamId,
        user_id: bot!.botUserId,
        bot_id: bot!.botId,
        enterprise_id: bot!.enterpriseId,
        is_enterprise_install: false,
      },
    'apps.connections.open': (_p, _bot, token) =>
      token && appTokens.has(token)
        ? { url: `${url.replace('http', 'ws')}${socket.path}?ticket=${nextTs()}` }
        : 'invalid_auth',
    'chat.postMessage': (p, bot) => {
      const channel = String(p.channel ?? '');
      if (!bot) return 'invalid_auth';
      if (fake.notInChannel.has(channel)) return 'not_in_channel';
      if (!p.text && !p.blocks) return 'no_text';
      const badBlocks = blocksProblem(p.blocks);
      if (badBlocks) return badBlocks;
      const message: FakeMessage = {
        channel,
        ts: nextTs(),
        thread_ts: p.thread_ts ? String(p.thread_ts) : undefined,
        user: bot.botUserId,
        bot_id: bot.botId,
        text: String(p.text ?? ''),
        blocks: p.blocks as unknown[] | undefined,
        edits: 0,
        versions: [],
      };
      message.versions.push({ text: message.text, blocks: message.blocks });
      fake.messages.push(message);
      if (message.thread_ts) fake.threadStatus.delete(`${channel}:${message.thread_ts}`);
      return { channel, ts: message.ts, message: { ...message } };
    },
    'chat.update': (p, bot) => {
      if (!bot) return 'invalid_auth';
      const message = fake.messages.find((m) => m.channel === p.channel && m.ts === p.ts);
      if (!message) return 'message_not_found';
      if (message.user !== bot.botUserId) return 'cant_update_message';
      // why: a message still streaming changes only through chat.appendStream / chat.stopStream.
      if (message.stream?.state === 'open') return 'cant_update_message';
      const badBlocks = blocksProblem(p.blocks);
      if (badBlocks) return badBlocks;
      message.text = String(p.text ?? '');
      message.blocks = p.blocks as unknown[] | undefined;
      message.edits += 1;
      message.versions.push({ text: message.text, blocks: message.blocks });
      return { channel: message.channel, ts: message.ts, text: message.text };
    },
    'chat.delete': (p, bot) => {
      if (!bot) return 'invalid_auth';
      const message = fake.messages.find((m) => m.channel === p.channel && m.ts === p.ts && !m.deleted);
      if (!message) return 'message_not_found';
      if (message.user !== bot.botUserId) return 'cant_delete_message';
      message.deleted = true;
      return { channel: message.channel, ts: message.ts };
    },
    ...streamHandlers(fake, nextTs),
    'chat.postEphemeral': (p, bot) => {
      if (!bot) return 'invalid_auth';
      if (fake.notInChannel.has(String(p.channel))) return 'not_in_channel';
      return { message_ts: nextTs() };
    },
    'users.info': (p) => {
      const id = String(p.user ?? '');
      const u = users[id];
      if (!u) return 'user_not_found';
      return {
        user: { id, name: u.name ?? id.toLowerCase(), deleted: false, ...u, profile: { display_name: u.name } },
      };
    },
    'conversations.replies': (p) => {
      const thread = fake.messages.filter(
        (m) => !m.deleted && m.channel === p.channel && (m.ts === p.ts || m.thread_ts === p.ts),
      );
      if (thread.length === 0) return 'thread_not_found';
      const start = Number(p.cursor ?? 0);
      const limit = Math.min(Number(p.limit ?? 100), 1000);
      const page = thread
        .slice(start, start + limit)
        .map(({ edits: _e, versions: _v, stream: _s, deleted: _d, ...m }) => ({ type: 'message', ...m }));
      const more = start + limit < thread.length;
      return { messages: page, has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : '' } };
    },
    'conversations.open': (p, bot) => {
      if (!bot) return 'invalid_auth';
      const ids = String(p.users ?? '')
        .split(',')
        .filter((u) => u !== '');
      if (ids.length !== 1) return ids.length === 0 ? 'users_list_not_supplied' : 'not_enough_users';
      const user = ids[0] ?? '';
      if (!users[user]) return 'user_not_found';
      const already = fake.ims.has(user);
      const id = fake.ims.get(user) ?? `D${user}`;
      fake.ims.set(user, id);
      return { channel: { id, is_im: true, user }, ...(already && { already_open: true }) };
    },
    'files.getUploadURLExternal': (p, bot) => {
      if (!bot) return 'invalid_auth';
      const length = Number(p.length);
      if (!p.filename || !Number.isInteger(length) || length <= 0) return 'invalid_arguments';
      if (length > MAX_UPLOAD_BYTES) return 'file_too_large';
      const id = `F${String(fake.files.length + 1).padStart(8, '0')}`;
      const altText = p.alt_txt ?? p.alt_text;
      fake.files.push({
        id,
        filename: String(p.filename),
        length,
        ...(altText !== undefined && { altText: String(altText) }),
      });
      return { upload_url: `${url}/upload/v1/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (p, bot) => {
      if (!bot) return 'invalid_auth';
      const list = p.files as { id?: string; title?: string }[] | undefined;
      if (!Array.isArray(list) || list.length === 0) return 'invalid_arguments';
      const found = list.map((f) => fake.files.find((x) => x.id === f.id));
      // why: Slack completes only files whose bytes arrived, each exactly the length announced.
      if (found.some((f) => !f?.data || f.data.length !== f.length)) return 'file_not_found';
      const channel = p.channel_id === undefined ? undefined : String(p.channel_id);
      if (channel && fake.notInChannel.has(channel)) return 'not_in_channel';
      const shared = found.map((f, i) => {
        const file = f as FakeFile;
        file.title = list[i]?.title ?? file.filename;
        if (channel) file.channel = channel;
        if (p.initial_comment !== undefined) file.initialComment = String(p.initial_comment);
        if (p.thread_ts !== undefined) file.threadTs = String(p.thread_ts);
        return {
          id: file.id,
          name: file.filename,
          title: file.title,
          mimetype: mimeOf(file.filename),
          size: file.length,
        };
      });
      return { files: shared };
    },
    'views.open': (p, bot) => {
      if (!bot) return 'invalid_auth';
      const problem = fake.triggers.exchange(p.trigger_id) ?? viewProblem(p.view);
      if (problem) return problem;
      const view = { id: `V${String(fake.views.length + 1).padStart(8, '0')}`, ...(p.view as object) };
      fake.views.push(view);
      return { view };
    },
    'reactions.add': (p) => (p.name && p.channel && p.timestamp ? {} : 'invalid_arguments'),
    'assistant.threads.setStatus': (p) => {
      if (fake.setStatusError) return fake.setStatusError;
      if (!p.channel_id || !p.thread_ts || typeof p.status !== 'string') return 'invalid_arguments';
      const loading = p.loading_messages;
      if (loading !== undefined && (!Array.isArray(loading) || loading.length > 10)) return 'invalid_arguments';
      const key = `${p.channel_id}:${p.thread_ts}`;
      if (p.status === '') fake.threadStatus.delete(key);
      else fake.threadStatus.set(key, { status: p.status, loadingMessages: loading as string[] | undefined });
      return {};
    },
    'assistant.threads.setSuggestedPrompts': (p) => {
      const prompts = p.prompts as { title?: unknown; message?: unknown }[] | undefined;
      if (!p.channel_id || !Array.isArray(prompts) || prompts.length === 0 || prompts.length > 4) {
        return 'invalid_arguments';
      }
      const valid = (v: unknown) => typeof v === 'string' && v.trim() !== '';
      return prompts.every((x) => valid(x.title) && valid(x.message)) ? {} : 'invalid_arguments';
    },
    'assistant.threads.setTitle': (p) =>
      p.channel_id && p.thread_ts && typeof p.title === 'string' && p.title !== '' ? {} : 'invalid_arguments',
    'oauth.v2.access': (p) => {
      const o = options.oauth;
      if (!o || p.client_id !== o.clientId || p.client_secret !== o.clientSecret) return 'invalid_client_id';
      const grant = o.grants[String(p.code)];
      if (!grant) return 'invalid_code';
      delete o.grants[String(p.code)];
      bots[grant.token] = grant;
      return {
        app_id: 'AFAKEAPP',
        authed_user: { id: grant.installerUserId },
        scope: 'app_mentions:read,chat:write,commands',
        token_type: 'bot',
        access_token: grant.token,
        bot_user_id: grant.botUserId,
        team: { id: grant.teamId, name: grant.teamName ?? grant.teamId },
        enterprise: null,
        is_enterprise_install: false,
      };
    },
  };

  /** The upload_url of step 2: the bytes arrive raw or (from the WebClient) as one multipart file part. */
  const upload = (path: string, bytes: Buffer, contentType: string, res: ServerResponse) => {
    const file = fake.files.find((f) => `/upload/v1/${f.id}` === path);
    if (!file || file.data) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    let data = bytes;
    const boundary = multipartBoundary(contentType);
    if (boundary) {
      try {
        const part = parseMultipart(bytes, boundary).find((p) => p.filename !== undefined);
        if (!part) throw new Error('no file part');
        data = part.data;
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('bad request');
        return;
      }
    }
    file.data = data;
    file.uploadContentType = contentType.split(';')[0];
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${data.length}`);
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const bytes = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.method === 'POST' && path.startsWith('/upload/v1/')) {
      upload(path, bytes, contentType, res);
      return;
    }
    const raw = bytes.toString('utf8');
    if (req.method === 'POST' && path.startsWith('/response/')) {
      fake.responses.push({ id: decodeURIComponent(path.slice('/response/'.length)), body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      send(res, 404, { ok: false, error: 'not_found' });
      return;
    }
    const method = path.slice('/api/'.length);
    const params = parseParams(raw, contentType);
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ')
      ? auth.slice(7)
      : typeof params.token === 'string'
        ? params.token
        : undefined;
    const handler = handlers[method];
    const scripted = fake.methodErrors.get(method);
    const result = scripted ?? (handler ? handler(params, token ? bots[token] : undefined, token) : 'unknown_method');
    const call: RecordedCall = { method, params, token, contentType, ok: typeof result !== 'string', at: Date.now() };
    if (typeof result === 'string') call.error = result;
    fake.calls.push(call);
    if (method === 'chat.postEphemeral' && call.ok) fake.ephemerals.push(call);
    send(res, 200, typeof result === 'string' ? { ok: false, error: result } : { ok: true, ...result });
  });
  server.on('upgrade', (req, sock, head) => {
    if (!socket.handleUpgrade(req, sock, head)) sock.destroy();
  });
  url = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  fake.url = url;
  fake.apiUrl = `${url}/api/`;
  return fake;
}
