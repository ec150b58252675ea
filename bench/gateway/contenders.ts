/**
 * The three ways of calling Groq the bench compares: groq-sdk with its defaults and no queue; a plain bottleneck with
 * minTime = 60000/RPM; and twinbot's gateway over GroqLlmClient. Each answers one question and reports timings.
 */
import Bottleneck from 'bottleneck';
import Groq from 'groq-sdk';
import type { ChatCompletionCreateParamsStreaming } from 'groq-sdk/resources/chat/completions';
import type { LlmCall, LlmClient, LlmEvent, Logger } from '../../src/core/ports.js';
import type { AccountBudget } from '../../src/llm/gateway/account-budget.js';
import { LlmGateway } from '../../src/llm/gateway/llm-gateway.js';
import { RedisAccountBudget } from '../../src/llm/gateway/redis-account-budget.js';
import { GroqLlmClient } from '../../src/llm/groq-llm-client.js';
import { isReasoningModel, lowestReasoningEffort } from '../../src/llm/model-catalog.js';
import { connectRedis, type RedisConnection } from '../../src/redis-connection.js';
import { type LIMITS, MAX_TOKENS, MODEL, type Question, SCALE, WINDOW_MS } from './workload.js';

export const API_KEY = 'gsk_benchkey000000000000';

/** What happened to one question. */
export interface AskResult {
  outcome: 'answered' | 'failed';
  /** performance.now() of the first text of the answer that was kept (after any restart). */
  firstText?: number;
  /** performance.now() when the final reply (answer or failure) was known. */
  end: number;
  /** Time inside the model call(s) (SDK or inner client), and waiting in a queue or for a retry. */
  modelMs: number;
  queueMs: number;
  attempts: number;
  code?: string;
}

export interface Contender {
  readonly name: string;
  ask(question: Question, signal: AbortSignal): Promise<AskResult>;
  close(): Promise<void>;
}

/** The request body every contender sends: the same as GroqLlmClient's. */
export function requestBody(messages: Question['messages']): ChatCompletionCreateParamsStreaming {
  const body: ChatCompletionCreateParamsStreaming = {
    model: MODEL,
    messages,
    stream: true,
    temperature: 0.7,
    max_completion_tokens: MAX_TOKENS,
  };
  if (isReasoningModel(MODEL)) {
    const effort = lowestReasoningEffort(MODEL);
    if (effort) body.reasoning_effort = effort;
    body.include_reasoning = false;
  }
  return body;
}

/** One streamed call through groq-sdk; text, errors and retries are the SDK's. */
async function sdkAnswer(groq: Groq, question: Question, signal: AbortSignal): Promise<{ firstText?: number }> {
  const stream = await groq.chat.completions.create(requestBody(question.messages), { signal });
  let firstText: number | undefined;
  for await (const chunk of stream) {
    if (chunk.choices?.[0]?.delta?.content && firstText === undefined) firstText = performance.now();
  }
  return { firstText };
}

/** groq-sdk defaults (maxRetries 2, honouring retry-after; timeout 60 s), every question sent at once. */
export function naiveContender(baseURL: string): Contender {
  const groq = new Groq({ apiKey: API_KEY, baseURL });
  return {
    name: 'naive (groq-sdk defaults)',
    async ask(question, signal) {
      const start = performance.now();
      try {
        const { firstText } = await sdkAnswer(groq, question, signal);
        const end = performance.now();
        return { outcome: 'answered', firstText, end, modelMs: end - start, queueMs: 0, attempts: 1 };
      } catch (err) {
        const end = performance.now();
        return { outcome: 'failed', end, modelMs: end - start, queueMs: 0, attempts: 1, code: errorCode(err) };
      }
    },
    close: async () => {},
  };
}

/** A plain bottleneck spacing calls by minTime = 60000/RPM (scaled), over groq-sdk defaults. */
export function bottleneckContender(baseURL: string, configured: typeof LIMITS): Contender {
  const groq = new Groq({ apiKey: API_KEY, baseURL });
  const limiter = new Bottleneck({ minTime: WINDOW_MS / configured.rpm });
  return {
    name: 'bottleneck minTime',
    async ask(question, signal) {
      const submitted = performance.now();
      let started = submitted;
      try {
        const { firstText } = await limiter.schedule(() => {
          started = performance.now();
          return sdkAnswer(groq, question, signal);
        });
        const end = performance.now();
        return {
          outcome: 'answered',
          firstText,
          end,
          modelMs: end - started,
          queueMs: started - submitted,
          attempts: 1,
        };
      } catch (err) {
        const end = performance.now();
        return {
          outcome: 'failed',
          end,
          modelMs: end - started,
          queueMs: started - submitted,
          attempts: 1,
          code: errorCode(err),
        };
      }
    },
    close: async () => {
      await limiter.stop({ dropWaitingJobs: true }).catch(() => {});
    },
  };
}

/** Measures the time each call spends inside the inner client, to subtract it from the gateway's end-to-end time. */
class TimedClient implements LlmClient {
  readonly spent = new WeakMap<object, number>();
  constructor(private readonly inner: LlmClient) {}
  get models(): readonly string[] {
    return this.inner.models;
  }
  async *stream(call: LlmCall): AsyncGenerator<LlmEvent> {
    const start = performance.now();
    try {
      yield* this.inner.stream(call);
    } finally {
      // why: the gateway passes the caller's messages array through, so it identifies the call.
      this.spent.set(call.messages, (this.spent.get(call.messages) ?? 0) + performance.now() - start);
    }
  }
  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

// why: sub-millisecond timestamps, so queue waits and overhead are not rounded to Date.now()'s whole ms.
const preciseClock = { now: () => performance.timeOrigin + performance.now() };

/** How the twinbot contender runs: how many replicas, and whether they share the Groq budget in Redis. */
export interface TwinbotSetup {
  /** Gateways (replicas) the questions are spread over, round-robin. Default 1. */
  replicas?: number;
  /** Share the account's budget through this Redis (RedisAccountBudget); absent: each gateway on its own. */
  redisUrl?: string;
}

/** Admission to the shared budget as the bench sees it: Redis commands sent, and how long each `take` took. */
export interface SharedBudgetStats {
  takes: number;
  roundTrips: number;
  takeMs: number[];
}

/** Counts what an AccountBudget asks of Redis and times its admissions, delegating everything. */
function measured(account: AccountBudget, stats: SharedBudgetStats): AccountBudget {
  return {
    async take(model, tokens) {
      const start = performance.now();
      const admission = await account.take(model, tokens);
      stats.takes += 1;
      stats.takeMs.push(performance.now() - start);
      return admission;
    },
    settle: (lease, used) => account.settle(lease, used),
    cancel: (lease, options) => account.cancel(lease, options),
    clamp: (lease, snapshot) => account.clamp(lease, snapshot),
    requestsEmpty: (lease) => account.requestsEmpty(lease),
    lowerLimit: (model, dimension, limit) => account.lowerLimit(model, dimension, limit),
    closeUntil: (model, until) => account.closeUntil(model, until),
    exhaustUntil: (model, until) => account.exhaustUntil(model, until),
    state: () => account.state(),
    close: () => account.close(),
  };
}

/**
 * twinbot's gateway over GroqLlmClient (SDK retries off), with the bench's shrunk minute; as several replicas (each
 * with its own client and budgets) when `setup.replicas` > 1, sharing the budget in Redis when `setup.redisUrl` is set.
 */
export function twinbotContender(
  baseURL: string,
  configured: typeof LIMITS,
  deadlineMs: number,
  setup: TwinbotSetup = {},
): Contender & { shared?: SharedBudgetStats } {
  const replicas = setup.replicas ?? 1;
  const shared: SharedBudgetStats | undefined = setup.redisUrl ? { takes: 0, roundTrips: 0, takeMs: [] } : undefined;
  const connections: RedisConnection[] = [];
  const gateways = Array.from({ length: replicas }, () => {
    const timed = new TimedClient(
      new GroqLlmClient({
        apiKey: API_KEY,
        baseURL,
        model: MODEL,
        temperature: 0.7,
        maxTokens: MAX_TOKENS,
        // why: GROQ_TIMEOUT's 30 s at the bench's 60x speed.
        stallTimeoutMs: 30_000 / SCALE,
        clock: preciseClock,
      }),
    );
    let account: AccountBudget | undefined;
    if (setup.redisUrl && shared) {
      const connection = connectRedis(setup.redisUrl, SILENT);
      connections.push(connection);
      const counted = {
        sendCommand: (args: string[]) => {
          shared.roundTrips += 1;
          return connection.sendCommand(args);
        },
      };
      account = measured(
        new RedisAccountBudget({
          redis: counted,
          limits: { [MODEL]: configured },
          replicas,
          windowMs: WINDOW_MS,
          clock: preciseClock,
          logger: SILENT,
          keyPrefix: `bench:${process.pid}:${benchRun}:`,
        }),
        shared,
      );
    }
    const gateway = new LlmGateway({
      inner: timed,
      models: [MODEL],
      limits: { [MODEL]: configured },
      maxTokens: MAX_TOKENS,
      windowMs: WINDOW_MS,
      // why: 8 in flight for the account, whether one replica or several.
      maxConcurrent: Math.max(2, Math.round(8 / replicas)),
      // why: the bench measures admission, so the flood is queued whole instead of partly refused.
      maxQueuePerTenant: 1_000,
      // why: the fake answers in about 0.1 s; the production first guess (3 s) would overstate the queue's wait.
      expectedAnswerMs: 200,
      clock: preciseClock,
      account,
    });
    return { gateway, timed };
  });
  benchRun += 1;
  let next = 0;
  const name =
    replicas === 1
      ? setup.redisUrl
        ? 'twinbot gateway, budget in Redis'
        : 'twinbot gateway'
      : `twinbot x${replicas}, ${setup.redisUrl ? 'budget in Redis' : 'budget per process'}`;
  return {
    name,
    shared,
    async ask(question, signal) {
      const { gateway, timed } = gateways[next++ % replicas] as (typeof gateways)[number];
      const messages = [...question.messages];
      const call: LlmCall = {
        tenantId: question.tenantId,
        messages,
        deadline: preciseClock.now() + deadlineMs,
        signal,
      };
      let firstText: number | undefined;
      let queueMs = 0;
      let attempts = 0;
      try {
        for await (const event of gateway.stream(call)) {
          if (event.type === 'attempt') {
            attempts += 1;
            queueMs += event.queueMs;
          } else if (event.type === 'delta') {
            firstText ??= performance.now();
          } else if (event.type === 'restart') {
            firstText = undefined;
          }
        }
        const end = performance.now();
        return { outcome: 'answered', firstText, end, modelMs: timed.spent.get(messages) ?? 0, queueMs, attempts };
      } catch (err) {
        const end = performance.now();
        const modelMs = timed.spent.get(messages) ?? 0;
        return { outcome: 'failed', end, modelMs, queueMs, attempts, code: errorCode(err) };
      }
    },
    async close() {
      for (const { gateway } of gateways) await gateway.close();
      for (const connection of connections) await connection.close();
    },
  };
}

/** Each run of a Redis contender uses fresh budget keys. */
let benchRun = 0;

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => SILENT };

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; status?: unknown; name?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.status === 'number') return String(e.status);
  return typeof e?.name === 'string' ? e.name : 'error';
}
