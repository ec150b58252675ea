/**
 * A fake Groq that speaks its HTTP protocol on 127.0.0.1 (FACTS.md "Groq"): POST /openai/v1/chat/completions with
 * Bearer auth, JSON or SSE answers with Groq's usage and x-ratelimit-* headers, Groq's error bodies, per-model limit
 * enforcement with continuous buckets, scripted responses and seeded faults. Drive the real groq-sdk against it with
 * `baseURL: fake.url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, readText } from '../../support/fake-http.js';
import {
  type AnswerOutcome,
  type AnswerPlan,
  planAnswer,
  writeJsonAnswer,
  writeStreamAnswer,
} from './fake-groq-answer.js';
import type { FakeGroq, FakeGroqOptions, FakeGroqStats, RecordedRequest, ScriptedResponse } from './fake-groq-types.js';
import { FakeRateLimits } from './fake-rate-limits.js';
import {
  acceptedEfforts,
  type ChatRequestBody,
  countPromptTokens,
  defaultAnswer,
  defaultErrorBody,
  errorBody,
  modelDecommissioned,
  modelNotFound,
  seededRandom,
} from './groq-wire.js';

export type { FakeGroq, FakeGroqOptions, FakeGroqStats, RecordedRequest, ScriptedResponse } from './fake-groq-types.js';
export type { FakeGroqLimits } from './fake-rate-limits.js';
export type { ChatRequestBody } from './groq-wire.js';

const COMPLETIONS = '/openai/v1/chat/completions';
const MODELS = '/openai/v1/models';

/** Starts the fake on 127.0.0.1 at a free port; `close()` it at the end of the test. */
export async function startFakeGroq(options: FakeGroqOptions = {}): Promise<FakeGroq> {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60_000;
  const served = new Set(options.models ?? ['openai/gpt-oss-20b', 'openai/gpt-oss-120b', 'qwen/qwen3-32b']);
  const retired = new Set(options.decommissioned ?? ['llama-3.1-8b-instant', 'llama-3.3-70b-versatile']);
  let limits = new FakeRateLimits(options.limits ?? {}, windowMs);
  let random = seededRandom(options.faults?.seed ?? 1);
  const requests: RecordedRequest[] = [];
  const scripts: ScriptedResponse[] = [];
  const stats: FakeGroqStats = { requests: 0, ok: 0, rateLimited: 0, errors: 0, stalls: 0, tokens: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;
  let closed = false;

  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(String(err), 'internal_server_error'), {});
      else res.destroy();
    });
  });

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readText(req);
    const path = (req.url ?? '/').split('?')[0];
    const id = ++sequence;
    const base = { 'x-request-id': `req_fake_${id}` };
    const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    const authorized = token !== undefined && (options.apiKey === undefined || token === options.apiKey);

    if (req.method === 'GET' && path === MODELS) {
      if (!authorized) return sendJson(res, 401, defaultErrorBody(401, ''), base);
      const data = [...served].map((model) => ({ id: model, object: 'model', owned_by: 'fake', active: true }));
      return sendJson(res, 200, { object: 'list', data }, base);
    }
    if (req.method !== 'POST' || path !== COMPLETIONS) {
      const message = `Unknown request URL: ${req.method} ${path}. Please check the URL for typos, or see the docs at https://console.groq.com/docs/`;
      return sendJson(res, 404, errorBody(message, 'invalid_request_error', 'unknown_url'), base);
    }

    stats.requests++;
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      body = { model: '', messages: [] };
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
    const model = typeof body?.model === 'string' ? body.model : '';
    const record: RecordedRequest = {
      at: now(),
      model,
      stream: body?.stream === true,
      body,
      headers,
      status: 0,
      clientClosed: false,
    };
    requests.push(record);
    res.on('close', () => {
      record.endedAt = now();
      if (!res.writableFinished && !closed) record.clientClosed = true;
    });

    const fail = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      if (status === 429) stats.rateLimited++;
      else stats.errors++;
      sendJson(res, status, payload, { ...base, ...limits.headers(model, now()), ...extra });
    };

    const scripted = scripts.shift();
    if (scripted) return runScript(scripted, body, record, res, base, fail);

    if (!authorized) return fail(401, defaultErrorBody(401, model));
    const invalid = validate(raw, body);
    if (invalid) return fail(400, errorBody(invalid, 'invalid_request_error'));
    if (retired.has(model)) return fail(400, modelDecommissioned(model));
    if (!served.has(model)) return fail(404, modelNotFound(model));
    const reasoningProblem = checkReasoningParams(body);
    if (reasoningProblem) return fail(400, errorBody(reasoningProblem, 'invalid_request_error'));

    const draw = random();
    const rate503 = options.faults?.rate503 ?? 0;
    if (draw < rate503) return fail(503, defaultErrorBody(503, model));

    const promptTokens = countPromptTokens(body.messages);
    const maxCompletion = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    const admission = limits.admit(model, promptTokens + (maxCompletion ?? 0), now());
    if (!admission.ok) {
      const extra: Record<string, string> = {};
      if (admission.retryAfterMs !== undefined) {
        extra['retry-after'] = String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000)));
        if (options.retryAfterMsHeader) extra['retry-after-ms'] = String(Math.ceil(admission.retryAfterMs));
      }
      return fail(admission.status, errorBody(admission.message, admission.type, 'rate_limit_exceeded'), extra);
    }

    const plan = planAnswer(body, (options.answer ?? defaultAnswer)(body), promptTokens, maxCompletion);
    const stall = draw < rate503 + (options.faults?.rateStall ?? 0);
    const fault = stall ? { kind: 'stall' as const, afterChars: Math.floor(plan.content.length / 2) || 1 } : undefined;
    const outcome = await answer(res, record, body, plan, base, fault);
    // why: the admission charge counted the whole max_completion_tokens; a finished answer is charged what it used.
    const delta = plan.usage.total_tokens - admission.reservedTokens;
    if (outcome === 'ok' && (delta > 0 || options.tokenAccounting !== 'reserve')) {
      limits.adjustTokens(model, delta, now());
    }
  }

  async function runScript(
    scripted: ScriptedResponse,
    body: ChatRequestBody,
    record: RecordedRequest,
    res: ServerResponse,
    base: Record<string, string>,
    fail: (status: number, payload: unknown, extra?: Record<string, string>) => void,
  ): Promise<void> {
    if (scripted.kind === 'error') {
      const extra: Record<string, string> = scripted.status === 429 ? { 'retry-after': '1' } : {};
      return fail(scripted.status, scripted.body ?? defaultErrorBody(scripted.status, record.model), {
        ...extra,
        ...scripted.headers,
      });
    }
    const safeBody: ChatRequestBody = Array.isArray(body?.messages) ? body : { ...body, messages: [] };
    const promptTokens = countPromptTokens(safeBody.messages);
    const maxCompletion = safeBody.max_completion_tokens ?? safeBody.max_tokens ?? undefined;
    if (scripted.kind === 'answer') {
      const plan = planAnswer(safeBody, scripted.text, promptTokens, maxCompletion, scripted.usage);
      await answer(
        res,
        record,
        safeBody,
        { ...plan, usageChunk: scripted.usageChunk ?? plan.usageChunk },
        base,
        undefined,
      );
      return;
    }
    const plan = planAnswer(safeBody, (options.answer ?? defaultAnswer)(safeBody), promptTokens, maxCompletion);
    await answer(res, record, safeBody, plan, base, scripted);
  }

  async function answer(
    res: ServerResponse,
    record: RecordedRequest,
    body: ChatRequestBody,
    plan: AnswerPlan,
    base: Record<string, string>,
    fault: Exclude<ScriptedResponse, { kind: 'error' } | { kind: 'answer' }> | undefined,
  ): Promise<AnswerOutcome> {
    await sleep(options.latencyMs ?? 0);
    if (closed || res.destroyed) return 'aborted';
    if (fault?.kind === 'stall' && !(fault.afterChars && fault.afterChars > 0)) {
      stats.stalls++;
      return 'stalled'; // why: hold the connection open and silent until the client gives up or close() ends it.
    }
    record.status = 200;
    const headers = { ...base, ...limits.headers(record.model, now()) };
    const writer = { res, sleep, chunkDelayMs: options.chunkDelayMs ?? 0, chunkChars: options.chunkChars ?? 12 };
    const outcome = record.stream
      ? await writeStreamAnswer(writer, body, plan, headers, fault)
      : writeJsonAnswer(writer, body, plan, headers, fault);
    if (outcome === 'ok') {
      stats.ok++;
      stats.tokens += plan.usage.total_tokens;
    } else if (outcome === 'stalled') {
      stats.stalls++;
    } else if (outcome === 'failed') {
      stats.errors++;
    }
    return outcome;
  }

  function validate(raw: string, body: ChatRequestBody): string | undefined {
    if (!body || typeof body !== 'object' || raw.trim() === '') return 'Request body must be a JSON object';
    if (typeof body.model !== 'string' || body.model === '') return "'model' : property 'model' is missing";
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return "'messages' : minimum number of items is 1";
    }
    // why: Groq refuses a temperature outside [0, 2] with a 400, like OpenAI's API does.
    const t = body.temperature;
    if (t !== undefined && t !== null && (typeof t !== 'number' || t < 0 || t > 2)) {
      return "'temperature' : number must be at most 2 and at least 0";
    }
    return undefined;
  }

  function checkReasoningParams(body: ChatRequestBody): string | undefined {
    const hasInclude = body.include_reasoning !== undefined && body.include_reasoning !== null;
    const hasFormat = body.reasoning_format !== undefined && body.reasoning_format !== null;
    if (hasInclude && hasFormat) return 'include_reasoning and reasoning_format are mutually exclusive';
    const effort = body.reasoning_effort;
    if (effort === undefined || effort === null) return undefined;
    const accepted = acceptedEfforts(body.model) ?? [];
    if (!accepted.includes(effort))
      return `reasoning_effort \`${effort}\` is not supported with model \`${body.model}\``;
    return undefined;
  }

  const port = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...responses) => {
      scripts.push(...responses);
    },
    stats: () => ({ ...stats }),
    remaining: (model) => limits.remaining(model, now()),
    reset: () => {
      requests.length = 0;
      scripts.length = 0;
      for (const key of Object.keys(stats) as (keyof FakeGroqStats)[]) stats[key] = 0;
      limits = new FakeRateLimits(options.limits ?? {}, windowMs);
      random = seededRandom(options.faults?.seed ?? 1);
    },
    close: async () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}
