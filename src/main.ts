/**
 * The composition root (STYLE.md 7): config -> logger -> profile, stores, retriever, LLM gateway -> service ->
 * adapters. Nothing else constructs implementations; tests build the service with fakes the same way.
 */

import { operatorLinks } from './cli/operator-view.js';
import type { Config } from './config.js';
import { asTwinError, TwinError } from './core/errors.js';
import type { Experiment } from './core/experiments/experiment.js';
import type { LlmClient, Logger, ProfileRetriever } from './core/ports.js';
import { systemClock } from './core/ports.js';
import { scrubSecrets } from './core/scrub-secrets.js';
import { TenantQuotaGuard } from './core/tenant-quota-guard.js';
import { TwinService } from './core/twin-service.js';
import type { TwinProfile } from './core/types.js';
import type { AccountBudget } from './llm/gateway/account-budget.js';
import { LlmGateway } from './llm/gateway/llm-gateway.js';
import { RedisAccountBudget } from './llm/gateway/redis-account-budget.js';
import { GroqLlmClient } from './llm/groq-llm-client.js';
import { estimateCostUsd, modelChain, modelLimits, modelWarnings } from './llm/model-catalog.js';
import { loadProfile } from './profile/load-profile.js';
import { connectRedis, type RedisConnection } from './redis-connection.js';
import { EmbeddedProfileRetriever } from './retrieval/embedded-profile-retriever.js';
import { FallbackProfileRetriever } from './retrieval/fallback-profile-retriever.js';
import { GuidedProfileRetriever } from './retrieval/guided-profile-retriever.js';
import { checkIndexVersion, syncProfile } from './retrieval/profile-sync.js';
import { namespaceFor } from './retrieval/upstash-connection.js';
import { UpstashProfileRetriever } from './retrieval/upstash-profile-retriever.js';
import { PACKAGED_CHART_FONT } from './usage/chart-font.js';
import { ChartJsUsageChart } from './usage/chart-js-usage-chart.js';
import { openUsageStore } from './usage/open-usage-store.js';
import { RedisKeyValueStore } from './usage/redis-key-value-store.js';
import type { SqlUsageStore } from './usage/sql-usage-store.js';

export interface App {
  config: Config;
  logger: Logger;
  profile: TwinProfile;
  twin: TwinService;
  usage: SqlUsageStore;
  retriever: ProfileRetriever;
  llm?: LlmClient;
  /** The connection to Redis that replicas share (REDIS_URL), when set. */
  redis?: RedisConnection;
  /** With REDIS_URL and a Groq key: whether the Groq budgets are shared now, or this replica keeps to its share. */
  budgetMode?: () => 'shared' | 'local';
  close(): Promise<void>;
}

/** Loads the profile named by the config, logging its warnings. Throws TwinError('profile') naming file and field. */
export async function loadConfiguredProfile(config: Config, logger: Logger): Promise<TwinProfile> {
  const { profile, warnings, notices } = await loadProfile(config.twin.profilePath, {
    shareSalary: config.twin.shareSalary,
    shareContact: config.twin.shareContact,
    sharePhone: config.twin.sharePhone,
  });
  for (const warning of warnings) logger.warn({ event: 'twin.profile_warning' }, warning);
  // why: hiding salary is the default, so on most profiles this is expected, not something to fix.
  for (const notice of notices) logger.info({ event: 'twin.profile_notice' }, notice);
  return profile;
}

export function namespaceOf(config: Config, profile: TwinProfile): string {
  return config.twin.namespace ?? namespaceFor(profile.name);
}

/**
 * The retriever: Upstash when configured (falling back to the embedded index per request), else embedded; either
 * way behind the question-type table and the profile's named things (issue 12).
 */
export async function buildRetriever(config: Config, profile: TwinProfile, logger: Logger): Promise<ProfileRetriever> {
  return new GuidedProfileRetriever(await buildSearchRetriever(config, profile, logger), profile.chunks, profile.name);
}

/** The retriever that ranks by the question's words or meaning: Upstash with the embedded fallback, or embedded. */
async function buildSearchRetriever(config: Config, profile: TwinProfile, logger: Logger): Promise<ProfileRetriever> {
  const embedded = new EmbeddedProfileRetriever(profile.chunks);
  if (!config.upstash) return embedded;
  const connection = { ...config.upstash, namespace: namespaceOf(config, profile) };
  const upstash = new UpstashProfileRetriever({ ...connection, allowedChunks: profile.chunks });
  // why: start-up never depends on reaching Upstash (DESIGN.md); a problem here is a warning.
  try {
    if (config.twin.autoSync) {
      const result = await syncProfile(profile, connection);
      logger.info({ event: 'twin.sync', ...result }, 'profile synced to Upstash');
    } else {
      const status = await checkIndexVersion(profile, connection);
      if (status.status !== 'up_to_date') {
        logger.warn(
          { event: 'twin.index_out_of_date', namespace: connection.namespace, status: status.status },
          'the Upstash index does not hold this profile version: run `twinbot ingest` (or set TWIN_AUTO_SYNC=1)',
        );
      }
    }
  } catch (err) {
    const e = asTwinError(err, 'retrieval');
    logger.warn({ event: 'twin.upstash_unreachable', code: e.code }, `Upstash check failed: ${e.message}`);
  }
  return new FallbackProfileRetriever(upstash, embedded, logger);
}

/**
 * The LLM path: the Groq client behind the gateway, or nothing (offline mode) without a key. With an experiment, the
 * gateway also keeps budgets for every arm's model (and its fallbacks): a call in an arm names its own model order.
 * With `shared` (REDIS_URL) the gateway's last gate is the account's budget in Redis, so replicas together keep to the
 * account's limits.
 */
export function buildLlm(
  groq: Config['groq'],
  maxQueuePerTenant: number,
  logger: Logger,
  experiment?: Experiment,
  shared?: { redis: RedisConnection; replicas: number },
): LlmGateway | undefined {
  if (!groq.apiKey) return undefined;
  const armModels = (experiment?.arms ?? []).flatMap((a) => (a.model ? [a.model] : []));
  const models = [
    ...new Set([
      ...modelChain(groq.model, groq.fallbackModels),
      ...armModels.flatMap((m) => modelChain(m, groq.fallbackModels)),
    ]),
  ];
  for (const warning of modelWarnings([groq.model, ...groq.fallbackModels, ...armModels])) {
    logger.warn(
      { event: 'twin.model_warning', models },
      `${warning} Answers will fall back along: ${models.join(', ')}.`,
    );
  }
  const inner = new GroqLlmClient({
    apiKey: groq.apiKey,
    baseURL: groq.baseURL,
    model: groq.model,
    fallbackModels: models.slice(1),
    temperature: groq.temperature,
    maxTokens: groq.maxTokens,
    stallTimeoutMs: groq.timeoutMs,
    stallAfterFirstTokenMs: groq.stallMs,
    logger,
  });
  const limits = Object.fromEntries(models.map((m) => [m, modelLimits(m, groq.limits)]));
  const account: AccountBudget | undefined = shared
    ? new RedisAccountBudget({ redis: shared.redis, limits, replicas: shared.replicas, logger })
    : undefined;
  return new LlmGateway({
    inner,
    models,
    limits,
    account,
    maxTokens: groq.maxTokens,
    maxConcurrent: groq.maxConcurrent,
    maxQueuePerTenant,
    logger,
  });
}

/**
 * How old a ledger row still open must be before any process may call it abandoned. why: past the deadline and the
 * shutdown grace no request can still be running, on this replica or another.
 */
export function abandonedAfterMs(config: Config): number {
  return config.twin.deadlineMs + config.twin.shutdownGraceMs + 60_000;
}

/** Builds everything but the platform adapters. */
export async function buildApp(config: Config, logger: Logger): Promise<App> {
  const profile = await loadConfiguredProfile(config, logger);
  const usage = await openUsageStore({
    url: config.databaseUrl,
    logger,
    abandonedAfterMs: abandonedAfterMs(config),
  });
  const { redisUrl } = config.replicas;
  const redis = redisUrl ? connectRedis(redisUrl, logger) : undefined;
  try {
    const retriever = await buildRetriever(config, profile, logger);
    const shared = redis ? { redis, replicas: config.replicas.count } : undefined;
    const llm = buildLlm(config.groq, config.twin.maxQueuePerTenant, logger, config.experiment, shared);
    const twin = new TwinService({
      profile,
      retriever,
      llm,
      usage,
      feedback: usage,
      logger,
      estimateCost: (model, prompt, completion) => estimateCostUsd(model, prompt, completion),
      quota: new TenantQuotaGuard(usage, config.twin.quota, systemClock),
      chart: new ChartJsUsageChart({ fontFile: PACKAGED_CHART_FONT }),
      experiment: config.experiment,
      modelChain: (model) => modelChain(model, config.groq.fallbackModels),
      // why: restarts and replicas reuse the same answers: Redis when replicas share one (REDIS_URL), else the ledger's
      // database (shared too when it is PostgreSQL). Settings that must last (alert channels) stay in the database.
      cacheStore: redis ? new RedisKeyValueStore(redis) : usage.keyValues,
      desk: { kv: usage.keyValues, links: operatorLinks(config) },
      options: {
        cacheTtlMs: config.twin.cacheTtlMs,
        answerSetting: llm
          ? `groq:${config.groq.model}@${config.groq.temperature}/${config.groq.maxTokens}`
          : 'offline',
        deadlineMs: config.twin.deadlineMs,
        userRate: config.twin.userRate,
        admins: config.twin.admins,
        maxTokens: config.groq.maxTokens,
      },
    });
    if (config.experiment) announceExperiment(config.experiment, llm !== undefined, logger);
    return {
      config,
      logger,
      profile,
      twin,
      usage,
      retriever,
      llm,
      redis,
      budgetMode: llm && redis ? () => llm.gauges().account?.mode ?? 'local' : undefined,
      async close() {
        await llm?.close?.();
        await usage.close();
        await redis?.close();
      },
    };
  } catch (err) {
    await usage.close();
    await redis?.close();
    throw err;
  }
}

/** One line at start naming the experiment's arms, so an operator sees what runs; a warning when it cannot matter. */
function announceExperiment(experiment: Experiment, online: boolean, logger: Logger): void {
  const arms = experiment.arms.map((a) => ({
    arm: a.name,
    model: a.model,
    temperature: a.temperature,
    weight: a.weight,
    prompt: a.prompt?.name,
    tenants: a.tenants,
  }));
  logger.info(
    { event: 'twin.experiment', experiment: experiment.name, arms },
    `experiment ${experiment.name}: arms ${experiment.arms.map((a) => a.name).join(', ')}`,
  );
  if (!online) {
    logger.warn(
      { event: 'twin.experiment_offline', experiment: experiment.name },
      'TWIN_EXPERIMENT is set but GROQ_API_KEY is not: offline answers ignore the arms (the ledger still records them)',
    );
  }
}

/** Turns a start-up fault into the sentence an operator reads, without any credential it may quote. */
export function describeStartupError(err: unknown): string {
  const e = asTwinError(err);
  if (e.code === 'config' || e.code === 'profile') return scrubSecrets(e.message);
  if (e instanceof TwinError && e.code === 'storage') {
    return scrubSecrets(`The usage database could not be opened: ${e.message}`);
  }
  return scrubSecrets(`twinbot could not start: ${e.message}`);
}
