/**
 * The OpenAI-compatible HTTP API (issue 15): `GET /v1/models` and `POST /v1/chat/completions` on PORT, for web pages
 * and tools that speak OpenAI. It translates only: the key names the tenant, the core guards, answers and meters.
 * The sources of an answer travel in the extension field `twin_sources` (README "HTTP API").
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiKeyRing, apiTenant } from '../../core/api-key-ring.js';
import { drainWithin } from '../../core/drain.js';
import type { Logger } from '../../core/ports.js';
import type { TwinService } from '../../core/twin-service.js';
import type { Answer, TwinProfile } from '../../core/types.js';
import { parseChatRequest } from './chat-request.js';
import { applyCors, DEFAULT_BODY_LIMIT, readJsonBody, sendError, sendJson } from './http-io.js';
import { type ApiError, badRequest, errorBody, errorOfFailure, INVALID_KEY, STOPPING } from './openai-errors.js';

export interface OpenAiApiAdapterOptions {
  twin: TwinService;
  /** TWIN_API_KEYS: name (tenant `api:<name>`) and key. */
  clients: readonly { name: string; key: string }[];
  /** TWIN_API_CORS_ORIGINS; empty: no CORS headers, browsers on other origins are refused. */
  corsOrigins?: readonly string[];
  logger: Logger;
  bodyLimit?: number;
}

export interface DoorHealth {
  status: 'ok' | 'stopping';
  inFlight: number;
}

/** `twin:<profile slug>`, the one model this API lists. */
export function twinModelId(profile: TwinProfile): string {
  const slug = profile.name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `twin:${slug || 'twin'}`;
}

export class OpenAiApiAdapter {
  private readonly keys: ApiKeyRing;
  private readonly modelId: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly open = new Set<ServerResponse>();
  private stopping = false;

  constructor(private readonly o: OpenAiApiAdapterOptions) {
    this.keys = new ApiKeyRing(o.clients);
    this.modelId = twinModelId(o.twin.profile);
  }

  async start(): Promise<void> {
    this.stopping = false;
  }

  /** Refuses new requests (503), gives the ones in flight `graceMs` to end, then cuts what is left. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await drainWithin(this.open, graceMs);
  }

  health(): DoorHealth {
    return { status: this.stopping ? 'stopping' : 'ok', inFlight: this.open.size };
  }

  /** Serves the request when it is one of this door's paths; false leaves it to the next handler on PORT. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (path !== '/v1/models' && path !== '/v1/chat/completions' && !path.startsWith('/v1/models/')) return false;
    if (applyCors(req, res, this.o.corsOrigins ?? [])) return true;
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    this.route(path, req, res).catch((err: unknown) => {
      this.o.logger.error({ event: 'api.failed', err }, 'the HTTP API failed on a request');
      if (!res.headersSent) sendError(res, errorOfFailure({ code: 'internal', message: 'Something went wrong.' }));
      else res.end();
    });
    return true;
  }

  private async route(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.stopping) return sendError(res, STOPPING, req);
    const keyName = this.keys.nameOfBearer(req.headers.authorization);
    if (!keyName) {
      // why: nothing from a caller without a valid key is logged or recorded: not its key, not its question.
      this.o.logger.warn({ event: 'api.key_refused', path, ip: req.socket.remoteAddress }, 'refused an API key');
      return sendError(res, INVALID_KEY, req);
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') return sendError(res, methodNotAllowed('POST'), req);
      return this.chat(keyName, req, res);
    }
    if (req.method !== 'GET') return sendError(res, methodNotAllowed('GET'), req);
    if (path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [this.model()] });
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    if (id === this.modelId) return sendJson(res, 200, this.model());
    return sendError(res, modelNotFound(id), req);
  }

  private model() {
    return { id: this.modelId, object: 'model', created: this.created, owned_by: 'twinbot' };
  }

  private async chat(keyName: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const read = await readJsonBody(req, this.o.bodyLimit ?? DEFAULT_BODY_LIMIT);
    if (!('body' in read)) return sendError(res, read, req);
    const parsed = parseChatRequest(read.body);
    if ('status' in parsed) return sendError(res, parsed);
    if (parsed.model && parsed.model !== this.modelId) return sendError(res, modelNotFound(parsed.model));

    const abort = new AbortController();
    res.once('close', () => abort.abort(new Error('client went away')));
    const events = this.o.twin.ask({
      platform: 'api',
      tenantId: apiTenant(keyName),
      channelId: 'chat-completions',
      userId: parsed.user ?? keyName,
      command: 'chat-completions',
      question: parsed.question,
      history: parsed.history,
      signal: abort.signal,
    });
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const head = { id, created, model: this.modelId };

    if (!parsed.stream) {
      for await (const event of events) {
        if (event.type === 'failure') return sendError(res, errorOfFailure(event.failure));
        if (event.type === 'final') {
          return sendJson(res, 200, {
            ...head,
            object: 'chat.completion',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: event.answer.text },
                finish_reason: 'stop',
                logprobs: null,
              },
            ],
            usage: usageOf(event.answer),
            ...extension(event.answer),
          });
        }
      }
      return;
    }

    // why: the status line waits for the first words, so a refusal before any text is still a 429 or 400.
    const chunk = (delta: object, more: object = {}, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...more })}\n\n`;
    const begin = () => {
      if (res.headersSent) return;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(chunk({ role: 'assistant', content: '' }));
    };
    for await (const event of events) {
      switch (event.type) {
        case 'status':
          break;
        case 'delta':
          begin();
          res.write(chunk({ content: event.text }));
          break;
        case 'reset':
          // why: OpenAI's protocol cannot take text back; `twin_reset` tells a client to clear what it showed.
          if (res.headersSent) res.write(chunk({}, { twin_reset: true }));
          break;
        case 'final':
          begin();
          res.write(chunk({}, { usage: usageOf(event.answer), ...extension(event.answer) }, 'stop'));
          res.end('data: [DONE]\n\n');
          return;
        case 'failure': {
          const e = errorOfFailure(event.failure);
          if (!res.headersSent) return sendError(res, e);
          // why: the openai clients throw an APIError on a `data:` event holding `error`; the text so far is void.
          res.end(`data: ${JSON.stringify(errorBody(e))}\n\n`);
          return;
        }
      }
    }
  }
}

function usageOf(answer: Answer) {
  const prompt = answer.usage?.promptTokens ?? 0;
  const completion = answer.usage?.completionTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The documented extensions: the passages the answer rests on, how it was made, and any one-time notice. */
function extension(answer: Answer) {
  return {
    twin_sources: answer.sources.map((s) => ({ chunk_id: s.chunkId, title: s.title, score: s.score })),
    twin_mode: answer.mode,
    ...(answer.notice ? { twin_notice: answer.notice } : {}),
  };
}

function modelNotFound(id: string): ApiError {
  return {
    ...badRequest(`The model \`${id.slice(0, 100)}\` does not exist here.`, 'model', 'model_not_found'),
    status: 404,
  };
}

function methodNotAllowed(allowed: string): ApiError {
  return { ...badRequest(`Use ${allowed} here.`), status: 405, code: 'method_not_allowed' };
}
