/**
 * Builds a real TwinService for integration tests: the sample profile, the embedded retriever, a ledger in a
 * temporary database, and (optionally) the real Groq client and gateway pointed at the fake Groq server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Logger, systemClock } from '../../src/core/ports.js';
import { TenantQuotaGuard } from '../../src/core/tenant-quota-guard.js';
import { TwinService, type TwinServiceOptions } from '../../src/core/twin-service.js';
import type { TenantQuota } from '../../src/core/types.js';
import { estimateCostUsd } from '../../src/llm/model-catalog.js';
import { buildLlm } from '../../src/main.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { EmbeddedProfileRetriever } from '../../src/retrieval/embedded-profile-retriever.js';
import { GuidedProfileRetriever } from '../../src/retrieval/guided-profile-retriever.js';
import { PACKAGED_CHART_FONT } from '../../src/usage/chart-font.js';
import { ChartJsUsageChart } from '../../src/usage/chart-js-usage-chart.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { type FakeGroq, type FakeGroqOptions, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { LogSink } from './log-sink.js';

export const SAMPLE_PROFILE = new URL('../../profiles/sample.json', import.meta.url).pathname;

export interface TwinHarnessOptions {
  /** Start a fake Groq and answer through it; absent: offline (extractive) mode. */
  groq?: FakeGroqOptions | false;
  profilePath?: string;
  fallbackModels?: string[];
  options?: Partial<TwinServiceOptions>;
  /** The operator's default quota (TWIN_QUOTA_*); given, the twin enforces quotas and admins may change them. */
  quotaDefaults?: TenantQuota;
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
  const maxTokens = opts.options?.maxTokens ?? 500;
  // The same composition as production (gateway around the Groq client), with limits far above what tests use.
  const llm = groq
    ? buildLlm(
        {
          apiKey: 'test-key',
          baseURL: groq.url,
          model: 'openai/gpt-oss-20b',
          fallbackModels: opts.fallbackModels ?? [],
          temperature: 0.7,
          maxTokens,
          timeoutMs: 2_000,
          stallMs: 2_000,
          limits: { rpm: 100_000, tpm: 100_000_000, rpd: 1_000_000, tpd: 1_000_000_000 },
        },
        100,
        logger,
      )
    : undefined;
  const twin = new TwinService({
    profile,
    // The same retriever as production without Upstash (main.ts buildRetriever).
    retriever: new GuidedProfileRetriever(new EmbeddedProfileRetriever(profile.chunks), profile.chunks, profile.name),
    llm,
    usage,
    logger,
    estimateCost: (model, p, c) => estimateCostUsd(model, p, c),
    chart: new ChartJsUsageChart({ fontFile: PACKAGED_CHART_FONT }),
    ...(opts.quotaDefaults && { quota: new TenantQuotaGuard(usage, opts.quotaDefaults, systemClock) }),
    options: {
      deadlineMs: 10_000,
      userRate: { perMinute: 1_000, concurrent: 100 },
      admins: [],
      ...opts.options,
      maxTokens,
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
      await llm?.close?.();
      await usage.close();
      await groq?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
