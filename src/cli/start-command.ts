/**
 * `twinbot start` (what `npm start` runs): every platform whose credentials are present, in one process; with none,
 * the console chat. Shuts down cleanly on SIGTERM/SIGINT.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { ConsoleAdapter } from '../adapters/console/console-adapter.js';
import { type HttpRouter, healthRouter, listenHttp, type RouteHandler } from '../adapters/http/health-server.js';
import { KeyValueAnsweredThreads } from '../adapters/slack/answered-threads.js';
import { KeyValueEventDedupeStore } from '../adapters/slack/key-value-event-dedupe.js';
import { INSTALLATIONS_NAMESPACE, KeyValueInstallationStore } from '../adapters/slack/key-value-installation-store.js';
import type { Config } from '../config.js';
import { asTwinError } from '../core/errors.js';
import { LeaderElection } from '../core/leader-election.js';
import { LogEvents, tapLogger } from '../core/log-tap.js';
import { type HealthState, type KeyValueStore, type Logger, systemClock } from '../core/ports.js';
import { systemTimers } from '../core/timers.js';
import { type App, buildApp } from '../main.js';
import { rateProfile, ratingVerdict } from '../profile/rate-profile.js';
import { RedisLeaderLock } from '../replicas/redis-leader-lock.js';
import { EmbeddedProfileRetriever } from '../retrieval/embedded-profile-retriever.js';
import { GuidedProfileRetriever } from '../retrieval/guided-profile-retriever.js';
import { EncryptedKeyValueStore } from '../usage/encrypted-key-value-store.js';
import { RedisKeyValueStore } from '../usage/redis-key-value-store.js';
import { buildHttpDoors, type HttpDoor } from './doors.js';
import { alertSinks, buildOperatorView } from './operator-view.js';
import { installProcessGuards } from './process-guards.js';
import { twinHealth } from './twin-health.js';

interface Running {
  name: string;
  stop(): Promise<void>;
}

/** A key-value store whose keys of a namespace can be listed (to re-encrypt or copy them). */
type ListableKeyValueStore = KeyValueStore & { keysOf(namespace: string): Promise<string[]> };

export interface StartIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** Starts the bot; resolves with the process exit code once it has stopped. */
export async function runStart(config: Config, logger: Logger, io: StartIo): Promise<number> {
  const guards = installProcessGuards({ logger, forceExitAfterMs: config.twin.shutdownGraceMs + 10_000 });
  try {
    return await serve(config, logger, io, (stop) => guards.onFatal(stop));
  } finally {
    guards.remove();
  }
}

async function serve(
  config: Config,
  rootLogger: Logger,
  io: StartIo,
  onFatal: (stop: (reason: string) => void) => void,
): Promise<number> {
  // why: metrics and alerts read the log's events (issue 14), so every part logs through the tap.
  const events = new LogEvents();
  const logger = tapLogger(rootLogger, events);
  const app = await buildApp(config, logger);
  const adapters: Running[] = [];
  let stopping = false;
  let health: Server | undefined;

  const replica: Record<string, () => string> = {};
  if (app.budgetMode) replica['groqBudgets'] = app.budgetMode;
  const healthState = twinHealth({
    stopping: () => stopping,
    twin: app.twin,
    usage: app.usage,
    replica: app.redis
      ? () => Object.fromEntries(Object.entries(replica).map(([part, state]) => [part, state()]))
      : undefined,
  });

  // One router for everything on PORT but Slack's own paths: served by our server, or, when Slack's server holds
  // PORT (HTTP mode, OAuth), handed every request Slack's server does not take, so the doors behave the same.
  const routes: RouteHandler[] = [];
  const router: HttpRouter = healthRouter(healthState, routes);
  const stopRollUps = scheduleRollUps(app, config, logger);
  const platforms = await startPlatforms(app, config, logger, healthState, replica, router);
  adapters.push(...platforms.running);
  const slackServesHttp = platforms.running.some((a) => a.name === 'slack-http');
  const operator = buildOperatorView(app, config, events, logger, { sinks: await alertSinks(config) });
  const doors = await startDoors(
    [...(await buildHttpDoors(app, config, logger)), ...operator.doors],
    config.port !== undefined || slackServesHttp,
    logger,
  );
  routes.push(...doors.map((d) => d.handle));
  if (config.port !== undefined && !slackServesHttp) {
    health = await listenHttp(config.port, router);
    logger.info({ event: 'twin.health', port: config.port }, `serving GET /healthz on port ${config.port}`);
  } else if (slackServesHttp) {
    logger.info(
      { event: 'twin.health', port: config.port, server: 'slack' },
      `serving GET /healthz on port ${config.port}, beside Slack's /slack/events`,
    );
  }
  // why after the platforms: it builds a second index of the profile (with Upstash), which no question needs.
  await logProfileRating(app, config, logger);
  const configured = platforms.configured + (config.api ? 1 : 0);
  const runningNames = [...platforms.running, ...doors].map((a) => a.name);

  if (configured > 0 && runningNames.length === 0) {
    logger.error({ event: 'twin.no_adapter' }, 'no platform adapter could start; see the errors above');
    stopRollUps();
    health?.close();
    await operator.close();
    await app.close();
    return 1;
  }

  if (runningNames.length > 0 && io.stdout.isTTY === true) {
    // why: at warn level a terminal shows no log line on a good start; say once that the bot is up, and where.
    const names = runningNames.join(', ');
    io.stdout.write(`twinbot is running on ${names} as the twin of ${app.profile.name}. Ctrl-C stops it.\n`);
  }

  let consoleAdapter: ConsoleAdapter | undefined;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'twin.shutdown', signal, inFlight: app.twin.inFlightCount }, 'shutting down');
    stopRollUps();
    consoleAdapter?.stop();
    // why: the doors refuse newcomers with a 503 at once and let their open responses finish with the twin's grace.
    const grace = config.twin.shutdownGraceMs;
    await Promise.all([app.twin.close(grace), ...doors.map((d) => d.stop(grace + 5_000))]);
    for (const adapter of adapters) {
      await adapter.stop().catch((err) => logger.warn({ err, adapter: adapter.name }, 'adapter did not stop cleanly'));
    }
    await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
    await operator.close();
    await app.close();
  };

  if (configured === 0) {
    consoleAdapter = new ConsoleAdapter({
      twin: app.twin,
      input: io.stdin as NodeJS.ReadableStream as import('node:stream').Readable,
      output: io.stdout as import('node:stream').Writable & { columns?: number },
      errorOutput: io.stderr as import('node:stream').Writable,
      interactive: Boolean(io.stdin.isTTY),
    });
    // why: a signal ends the chat as `exit` does (the answer in flight gets the grace period, then the session's
    // totals, read from the ledger), and only then is everything closed; closing at once would pull the ledger from
    // under the totals. A second Ctrl-C stops the answer in flight at once; its record is still written.
    let signalled: string | undefined;
    const onSignal = (signal: string) => {
      const again = signalled !== undefined;
      signalled = signal;
      consoleAdapter?.stop();
      void app.twin.close(again ? 0 : config.twin.shutdownGraceMs);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    onFatal(onSignal);
    await consoleAdapter.run();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await shutdown(signalled ?? 'end of input');
    return signalled === 'uncaughtException' ? 1 : 0;
  }

  return await new Promise<number>((resolve) => {
    const stopWith = (reason: string, code: number) => {
      shutdown(reason).then(
        () => resolve(code),
        (err) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    const onSignal = (signal: NodeJS.Signals) => stopWith(signal, 0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // why: after an uncaught exception the process state is suspect: drain like SIGTERM, then exit non-zero.
    onFatal((reason) => stopWith(reason, 1));
  });
}

/** Starts the HTTP doors, which need a server on PORT (ours, or Slack's in HTTP mode and with OAuth). */
async function startDoors(doors: HttpDoor[], servesHttp: boolean, logger: Logger): Promise<HttpDoor[]> {
  if (doors.length === 0) return [];
  // why not a configuration error: the same .env serves `twinbot mcp` and `twinbot usage`, which need no PORT.
  if (!servesHttp) {
    for (const door of doors) {
      logger.error(
        { event: 'twin.adapter_failed', adapter: door.name, code: 'config' },
        `${door.name} serves HTTP on PORT: set PORT`,
      );
    }
    return [];
  }
  for (const door of doors) {
    await door.start();
    logger.info({ event: 'twin.adapter_started', adapter: door.name }, `${door.name} adapter started`);
  }
  return doors;
}

/** Says at start how much the profile gives the twin to say, and what to add when it is not much. */
async function logProfileRating(app: App, config: Config, logger: Logger): Promise<void> {
  // why: without Upstash the app's retriever is this same offline one; building a second index cost each start tens
  // of ms. With Upstash the rating stays offline, so it never waits on the network.
  const offline = config.upstash
    ? new GuidedProfileRetriever(new EmbeddedProfileRetriever(app.profile.chunks), app.profile.chunks, app.profile.name)
    : app.retriever;
  const rating = await rateProfile(app.profile, offline);
  const fields = { event: 'twin.profile_rating', rating: rating.level, areas: rating.filled, chunks: rating.chunks };
  if (rating.level === 'good') {
    logger.info(fields, `profile of ${app.profile.name}: ${rating.summary}`);
    return;
  }
  logger.warn(
    fields,
    `The profile ${config.twin.profilePath} ${ratingVerdict(rating)}. Add ${rating.sectionsToAdd.join(', ')} ` +
      "(twinbot doctor lists their fields, as in the workshop's template).",
  );
}

/** Rolls records past the retention period into daily totals now and once a day, so the ledger stays small. */
function scheduleRollUps(app: App, config: Config, logger: Logger): () => void {
  const run = () => {
    const cutoff = Date.now() - config.usageRetentionDays * 86_400_000;
    app.usage.rollUp(cutoff).then(
      (rows) => rows > 0 && logger.info({ event: 'twin.usage_rolled_up', rows }, 'old usage records rolled up'),
      (err) => logger.warn({ event: 'twin.usage_roll_up_failed', err }, 'rolling up old usage records failed'),
    );
    app.usage.keyValues
      .sweep()
      .catch((err) => logger.warn({ event: 'twin.kv_sweep_failed', err }, 'dropping expired entries failed'));
  };
  run();
  const timer = setInterval(run, 86_400_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Starts each configured platform, all at once; a bad credential stops that adapter with one clear message. why at
 * once: each waits mostly on its network handshake (Discord's gateway, Slack's auth.test), so started one after the
 * other they added their waits up.
 */
async function startPlatforms(
  app: App,
  config: Config,
  logger: Logger,
  health: HealthState,
  replica: Record<string, () => string>,
  router: HttpRouter,
): Promise<{ configured: number; running: Running[] }> {
  const running: Running[] = [];
  let configured = 0;
  const starting: Promise<void>[] = [];
  const discord = config.discord;
  if (discord) {
    configured++;
    starting.push(startDiscord(app, config, discord, logger, running, replica));
  }
  const slack = config.slack;
  if (slack) {
    configured++;
    starting.push(startSlack(app, config, slack, logger, health, running, router));
  }
  await Promise.all(starting);
  return { configured, running };
}

async function startDiscord(
  app: App,
  config: Config,
  discord: NonNullable<Config['discord']>,
  logger: Logger,
  running: Running[],
  replica: Record<string, () => string>,
): Promise<void> {
  // why: each platform SDK loads only when its platform is configured (discord.js alone costs ~1.5 s at start).
  const { DiscordAdapter } = await import('../adapters/discord/discord-adapter.js');
  const adapter = () =>
    new DiscordAdapter({ twin: app.twin, ...discord, logger: logger.child({ platform: 'discord' }) });
  if (app.redis) {
    const election = discordElection(app, config, logger, adapter);
    replica['discord'] = () => election.role;
    await tryStart('discord', election, running, logger);
  } else {
    await tryStart('discord', adapter(), running, logger);
  }
}

async function startSlack(
  app: App,
  config: Config,
  slack: NonNullable<Config['slack']>,
  logger: Logger,
  health: HealthState,
  running: Running[],
  router: HttpRouter,
): Promise<void> {
  // In HTTP mode, and for the OAuth pages, the Slack adapter serves PORT itself, handing the router the rest.
  const mode = slack.appToken && !slack.oauth ? 'slack-socket' : 'slack-http';
  // The rule: with REDIS_URL the adapters' state is in Redis (shared by every replica), else in the ledger's
  // database (shared by replicas on one database too).
  const kv: ListableKeyValueStore = app.redis ? new RedisKeyValueStore(app.redis) : app.usage.keyValues;
  let installations: KeyValueInstallationStore | undefined;
  if (slack.oauth) {
    try {
      if (kv !== app.usage.keyValues) await copyInstallations(app.usage.keyValues, kv, logger);
      installations = await encryptedInstallations(kv, config.encryptionKeys, logger);
    } catch (err) {
      const e = asTwinError(err, 'config');
      logger.error({ event: 'twin.adapter_failed', adapter: mode, code: e.code }, e.message);
      return;
    }
  }
  const { SlackAdapter } = await import('../adapters/slack/slack-adapter.js');
  const adapter = new SlackAdapter({
    twin: app.twin,
    botToken: slack.botToken,
    appToken: slack.appToken,
    signingSecret: slack.signingSecret,
    apiUrl: slack.apiUrl,
    port: config.port,
    oauth: slack.oauth && installations ? { ...slack.oauth, installationStore: installations } : undefined,
    dedupe: new KeyValueEventDedupeStore(kv),
    threads: new KeyValueAnsweredThreads(kv, logger.child({ platform: 'slack' })),
    logger: logger.child({ platform: 'slack' }),
    health,
    fallback: router,
  });
  await tryStart(mode, adapter, running, logger);
}

/**
 * Slack installations (they hold bot tokens) encrypted at rest with TWIN_ENCRYPTION_KEY. Every start rewrites the
 * ones under an older key (or none, from before encryption) under the first key, so rotation takes one restart.
 */
async function encryptedInstallations(
  kv: ListableKeyValueStore,
  keys: readonly Uint8Array[],
  logger: Logger,
): Promise<KeyValueInstallationStore> {
  const secrets = new EncryptedKeyValueStore(kv, keys);
  const rewrapped = await secrets.rewrap(INSTALLATIONS_NAMESPACE, await kv.keysOf(INSTALLATIONS_NAMESPACE));
  if (rewrapped > 0) {
    logger.info({ event: 'twin.installations_rewrapped', count: rewrapped }, 'installations re-encrypted');
  }
  return new KeyValueInstallationStore(secrets);
}

/**
 * Installations made before REDIS_URL was set live in the ledger's database: copied once into Redis (kept as
 * stored, still encrypted; an installation already in Redis wins), so setting REDIS_URL needs no reinstall.
 */
async function copyInstallations(from: ListableKeyValueStore, to: KeyValueStore, logger: Logger): Promise<void> {
  let copied = 0;
  for (const key of await from.keysOf(INSTALLATIONS_NAMESPACE)) {
    const value = await from.get(INSTALLATIONS_NAMESPACE, key);
    if (value !== undefined && (await to.setIfAbsent(INSTALLATIONS_NAMESPACE, key, value))) copied++;
  }
  if (copied > 0) {
    logger.info({ event: 'twin.installations_copied', count: copied }, 'Slack installations copied into Redis');
  }
}

/**
 * With REDIS_URL, one replica holds Discord's gateway (one connection per shard is all Discord allows a bot to use
 * well: every connection gets every event). The others stand by and the first to take the lock after the leader
 * dies connects; a stopping leader releases it at once.
 */
function discordElection(
  app: App,
  config: Config,
  logger: Logger,
  makeAdapter: () => { start(): Promise<void>; stop(graceMs?: number): Promise<void> },
): LeaderElection {
  const redis = app.redis as NonNullable<App['redis']>;
  const ttlMs = config.replicas.discordLeaderTtlMs;
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let adapter: ReturnType<typeof makeAdapter> | undefined;
  return new LeaderElection({
    name: 'discord',
    lock: new RedisLeaderLock(redis, 'twinbot:leader:discord', holder, ttlMs),
    ttlMs,
    async lead() {
      adapter = makeAdapter();
      await adapter.start();
    },
    async resign() {
      const leaving = adapter;
      adapter = undefined;
      await leaving?.stop(config.twin.shutdownGraceMs);
    },
    clock: systemClock,
    timers: systemTimers,
    logger: logger.child({ platform: 'discord' }),
  });
}

async function tryStart(
  name: string,
  adapter: { start(): Promise<void>; stop(): Promise<void> },
  running: Running[],
  logger: Logger,
): Promise<void> {
  try {
    await adapter.start();
    running.push({ name, stop: () => adapter.stop() });
    logger.info({ event: 'twin.adapter_started', adapter: name }, `${name} adapter started`);
  } catch (err) {
    const e = asTwinError(err, 'config');
    logger.error({ event: 'twin.adapter_failed', adapter: name, code: e.code }, e.message);
  }
}
