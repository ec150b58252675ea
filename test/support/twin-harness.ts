/**
 * Builds a real TwinService for integration tests: the sample profile, the embedded retriever, a ledger in a
 * temporary database, and (optionally) the real Groq client and gateway pointed at the fake Groq server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Logger } from '../../src/core/ports.js';
import { TwinService, type TwinServiceOptions } from '../../src/core/twin-service.js';
import { GroqLlmClient } from '../../src/llm/groq-llm-client.js';
import { estimateCostUsd } from '../../src/llm/model-catalog.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { EmbeddedProfileRetriever } from '../../src/retrieval/embedded-profile-retriever.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { type FakeGroq, type FakeGroqOptions, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { LogSink } from './log-sink.js';

export const SAMPLE_PROFILE = new URL('../../profiles/sample.json', import.meta.url).pathname;

export interface TwinHarnessOptions {
  /** Start a fake Groq and answer through it; absent: offline (extractive) mode. */
  groq?: FakeGroqOptions | false;
  profilePath?: string;
  options?: Partial<TwinServiceOptions>;
}

export interface TwinHarness {
  twin: TwinService;
  groq?: FakeGroq;
  usage: LibsqlUsageStore;
  logs: LogSink;
  logger: Logger;
  close(): Promise<void>;
}

export async function startTwinHarness(opts: TwinHarnessOptions = {}): Promise<TwinHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-test-'));
  const logs = new LogSink();
  const logger = pino({ level: 'debug' }, logs) as unknown as Logger;
  const { profile } = await loadProfile(opts.profilePath ?? SAMPLE_PROFILE);
  const usage = await LibsqlUsageStore.open({ url: `file:${join(dir, 'usage.db')}`, logger });
  const groq = opts.groq ? await startFakeGroq(opts.groq) : undefined;
  const llm = groq
    ? new GroqLlmClient({
        apiKey: 'test-key',
        baseURL: groq.url,
        model: 'openai/gpt-oss-20b',
        temperature: 0.7,
        maxTokens: 500,
        stallTimeoutMs: 2_000,
        logger,
      })
    : undefined;
  const twin = new TwinService({
    profile,
    retriever: new EmbeddedProfileRetriever(profile.chunks),
    llm,
    usage,
    logger,
    estimateCost: (model, p, c) => estimateCostUsd(model, p, c),
    options: {
      deadlineMs: 10_000,
      userRate: { perMinute: 1_000, concurrent: 100 },
      admins: [],
      maxTokens: 500,
      ...opts.options,
    },
  });
  return {
    twin,
    groq,
    usage,
    logs,
    logger,
    async close() {
      await twin.close(0);
      await usage.close();
      await groq?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
