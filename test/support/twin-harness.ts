/**
 * Builds the app for integration tests through the same function as `twinbot start` (main.ts buildApp), from a
 * configuration read by the same loader: the sample profile, the embedded retriever, a ledger in a temporary
 * database, and (optionally) the real Groq client and gateway pointed at the fake Groq server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/core/ports.js';
import { QUOTA_LIMITS } from '../../src/core/quota-limits.js';
import type { TwinService, TwinServiceOptions } from '../../src/core/twin-service.js';
import type { TenantQuota } from '../../src/core/types.js';
import { buildApp } from '../../src/main.js';
import type { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { type FakeGroq, type FakeGroqOptions, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { LogSink } from './log-sink.js';

export const SAMPLE_PROFILE = new URL('../../profiles/sample.json', import.meta.url).pathname;

export interface TwinHarnessOptions {
  /** Start a fake Groq and answer through it; absent: offline (extractive) mode. */
  groq?: FakeGroqOptions | false;
  profilePath?: string;
  fallbackModels?: string[];
  /** What the configuration can say differently for a test (GROQ_MAX_TOKENS, TWIN_DEADLINE_S, TWIN_ADMINS). */
  options?: Partial<Pick<TwinServiceOptions, 'maxTokens' | 'deadlineMs' | 'admins'>>;
  /** The operator's default quota (TWIN_QUOTA_*); given, the twin enforces quotas and admins may change them. */
  quotaDefaults?: TenantQuota;
  /** More variables for this test (TWIN_EXPERIMENT, TWIN_CACHE_TTL_S, TWIN_DASHBOARD_TOKEN), read by the same loader. */
  env?: Record<string, string>;
}

export interface TwinHarness {
  config: Config;
  twin: TwinService;
  groq?: FakeGroq;
  usage: LibsqlUsageStore;
  logs: LogSink;
  logger: Logger;
  close(): Promise<void>;
}

/** The environment a test's twin runs with: limits far above what tests use, a short Groq timeout. */
function testEnvironment(opts: TwinHarnessOptions, dir: string, groq?: FakeGroq): Record<string, string> {
  const env: Record<string, string> = {
    TWIN_PROFILE: opts.profilePath ?? SAMPLE_PROFILE,
    DATABASE_URL: `file:${join(dir, 'usage.db')}`,
    GROQ_MAX_TOKENS: String(opts.options?.maxTokens ?? 500),
    GROQ_TIMEOUT: '2',
    GROQ_STALL_S: '2',
    TWIN_DEADLINE_S: String((opts.options?.deadlineMs ?? 10_000) / 1000),
    TWIN_USER_RATE: '1000/min, 100 at a time',
    TWIN_ADMINS: (opts.options?.admins ?? []).join(','),
  };
  if (groq) {
    Object.assign(env, {
      GROQ_API_KEY: 'test-key',
      GROQ_BASE_URL: groq.url,
      GROQ_FALLBACK_MODELS: (opts.fallbackModels ?? []).join(','),
      GROQ_RPM: '100000',
      GROQ_TPM: '100000000',
      GROQ_RPD: '1000000',
      GROQ_TPD: '1000000000',
    });
  }
  for (const limit of QUOTA_LIMITS) {
    const value = opts.quotaDefaults?.[limit.field];
    if (value !== undefined) env[limit.env] = String(value);
  }
  return { ...env, ...opts.env };
}

export async function startTwinHarness(opts: TwinHarnessOptions = {}): Promise<TwinHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-test-'));
  const logs = new LogSink();
  const logger = pino({ level: 'debug' }, logs) as unknown as Logger;
  const groq = opts.groq ? await startFakeGroq(opts.groq) : undefined;
  const config = loadConfig(testEnvironment(opts, dir, groq), dir);
  const app = await buildApp(config, logger);
  return {
    config,
    twin: app.twin,
    groq,
    usage: app.usage,
    logs,
    logger,
    async close() {
      await app.twin.close(0);
      await app.close();
      await groq?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
