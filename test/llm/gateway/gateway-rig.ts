/**
 * An LlmGateway over the REAL groq-sdk (through GroqLlmClient) against the fake Groq on 127.0.0.1, with its logs in
 * a LogSink; every rig started is closed by `closeGatewayRigs` (each test file's afterEach).
 */
import { LlmGateway, type LlmGatewayOptions } from '../../../src/llm/gateway/llm-gateway.js';
import { GroqLlmClient } from '../../../src/llm/groq-llm-client.js';
import { createLogger } from '../../../src/logging.js';
import { type FakeGroq, type FakeGroqOptions, startFakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { LogSink } from '../../support/log-sink.js';

export const KEY = 'gsk_gatewaytest0123456789';
export const OSS20 = 'openai/gpt-oss-20b';
export const OSS120 = 'openai/gpt-oss-120b';
export const LIMITS = { rpm: 1_000, tpm: 1_000_000, rpd: 100_000, tpd: 10_000_000 };

export interface Rig {
  fake: FakeGroq;
  gateway: LlmGateway;
  sink: LogSink;
}

let open: Rig[] = [];

export async function closeGatewayRigs(): Promise<void> {
  for (const rig of open) {
    await rig.gateway.close();
    await rig.fake.close();
  }
  open = [];
}

export async function gatewayRig(
  options: {
    fake?: FakeGroqOptions;
    gateway?: Partial<LlmGatewayOptions>;
    apiKey?: string;
    /** why: short only where a stall is the point; elsewhere a slow, busy machine must not look like a stall. */
    stallTimeoutMs?: number;
  } = {},
): Promise<Rig> {
  const fake = await startFakeGroq(options.fake);
  const sink = new LogSink();
  const logger = createLogger('debug', sink);
  const models = options.gateway?.models ?? [OSS20, OSS120];
  const inner = new GroqLlmClient({
    apiKey: options.apiKey ?? KEY,
    baseURL: fake.url,
    model: models[0] as string,
    fallbackModels: models.slice(1),
    temperature: 0.7,
    maxTokens: 200,
    stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
    logger,
  });
  const gateway = new LlmGateway({
    inner,
    models,
    limits: Object.fromEntries(models.map((m) => [m, LIMITS])),
    maxTokens: 200,
    maxQueuePerTenant: 50,
    expectedAnswerMs: 50,
    positionUpdateMs: 0,
    backoff: { baseMs: 10, capMs: 40, retryAfterJitterMs: 5 },
    random: () => 0.5,
    logger,
    ...options.gateway,
  });
  const r = { fake, gateway, sink };
  open.push(r);
  return r;
}
