/**
 * The Slack front door (issue 7): `/ask-twin`, @mentions answered in a thread, follow-ups in the twin's threads and
 * direct messages, `/twin-usage` for workspace admins. It translates only (STYLE.md 2): it reads the platform's
 * facts, acks, calls the TwinService and renders what comes back.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SocketModeReceiver, webApi } from '@slack/bolt';
import { TwinError } from '../../core/errors.js';
import type { AdapterHealth, PlatformAdapter } from '../../core/platform-adapter.js';
import type { Clock, HealthState, Logger } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import { ReplyPresenter } from '../../core/reply-presenter.js';
import { systemTimers, type Timers } from '../../core/timers.js';
import type { TwinService } from '../../core/twin-service.js';
import { WriteBudgets, type WriteRate } from '../../core/write-budget.js';
import type { AnsweredThreads } from './answered-threads.js';
import { boltLogger } from './bolt-logger.js';
import type { EventDedupeStore } from './event-dedupe.js';
import { MemoryEventDedupeStore } from './event-dedupe.js';
import type { HttpFallback } from './http-fallback.js';
import type { BoltApp, SlackOAuthOptions } from './slack-app.js';
import { buildBoltApp, webClientOptions } from './slack-app.js';
import { startupError } from './slack-errors.js';
import { registerAnswerActions } from './slack-feedback.js';
import { SlackListeners } from './slack-listeners.js';
import { SlackReplies } from './slack-replies.js';
import type { BotIdentity } from './thread-history.js';

export type { SlackOAuthOptions } from './slack-app.js';

export interface SlackAdapterOptions {
  twin: TwinService;
  /** SLACK_BOT_TOKEN (xoxb-…): one workspace. Leave out with `oauth`. */
  botToken?: string;
  /** SLACK_APP_TOKEN (xapp-…): Socket Mode, no public URL needed. */
  appToken?: string;
  /** SLACK_SIGNING_SECRET: HTTP mode, POST /slack/events on `port`. */
  signingSecret?: string;
  /** HTTP mode: where /slack/events (and GET /healthz) are served; 0 picks a free port. Default 3000. */
  port?: number;
  /** SLACK_API_URL: the Web API base, ending in /api/. Default Slack's. */
  apiUrl?: string;
  /** Many workspaces: Bolt's install flow (/slack/install, /slack/oauth_redirect) instead of `botToken`. */
  oauth?: SlackOAuthOptions;
  logger: Logger;
  /** Least time between two edits of one streaming answer. Default 1 200 ms (the workspace's budget comes first). */
  updateIntervalMs?: number;
  /** chat.update calls allowed per workspace, shared by every answer there; default about 50 a minute (Tier 3). */
  updateRate?: WriteRate;
  /** Stream answers with Slack's native streaming where allowed (threads, DMs). Default on. */
  nativeStreaming?: boolean;
  /** Least time between two appends of one streamed answer. Default 500 ms (chat.appendStream is Tier 4). */
  appendIntervalMs?: number;
  /** chat.appendStream calls allowed per workspace, shared by its streamed answers; default 100 a minute (Tier 4). */
  appendRate?: WriteRate;
  /** How long a workspace's refusal to stream is remembered before streaming is tried again. Default 10 minutes. */
  streamRefusalMemoryMs?: number;
  /** Time for the update budgets and throttles; tests move it instead of sleeping. */
  clock?: Clock;
  timers?: Timers;
  /** Where handled event ids are remembered; default in memory for an hour. */
  dedupe?: EventDedupeStore;
  /** Threads the twin answered in; default in memory (shared by replicas when on the shared store). */
  threads?: AnsweredThreads;
  /** Retries of one Web API call (network errors, 5xx, 429). Default 2. */
  clientRetries?: number;
  /** Timeout of one Web API call. Default 10 000 ms. */
  clientTimeoutMs?: number;
  /** How long `start()` waits for the Socket Mode connection. Default 30 000 ms. */
  connectTimeoutMs?: number;
  /** What GET /healthz reports in HTTP mode (503 while stopping). Default: always ok. */
  health?: HealthState;
  /**
   * The other doors on `port` (the HTTP API, MCP, /metrics, the dashboard, /healthz): Slack's server hands them
   * every request that is not Slack's. Without it, only /healthz is served beside Slack's paths.
   */
  fallback?: HttpFallback;
}

const SLACK_API = 'https://slack.com/api/';

/** why: chat.appendStream is Tier 4, about 100 calls a minute per workspace, shared by every streamed answer there. */
export const WORKSPACE_APPEND_RATE: WriteRate = { writes: 100, perMs: 60_000 };

export class SlackAdapter implements PlatformAdapter {
  readonly name = 'slack';
  private readonly o: SlackAdapterOptions;
  private readonly log: Logger;
  private readonly apiUrl: string;
  private readonly dedupe: EventDedupeStore;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly presenter: ReplyPresenter;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private bolt?: BoltApp;
  private stopping = false;
  private identity: BotIdentity = {};
  private boundPort?: number;

  constructor(options: SlackAdapterOptions) {
    this.o = options;
    this.log = options.logger.child({ adapter: 'slack' });
    this.apiUrl = options.apiUrl ?? SLACK_API;
    this.dedupe = options.dedupe ?? new MemoryEventDedupeStore();
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    const timers = options.timers ?? systemTimers;
    this.timers = timers;
    // why: one presenter per adapter, so every answer in a workspace shares that workspace's chat.update budget.
    this.presenter = new ReplyPresenter({
      budgets: new WriteBudgets(clock, timers),
      clock,
      timers,
      logger: this.log,
      platform: 'slack',
    });
  }

  get mode(): 'socket' | 'http' {
    return this.o.appToken ? 'socket' : 'http';
  }

  /** The port /slack/events listens on (HTTP mode), once started. */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** Checks the credentials, connects, and starts taking events. Throws one clear `TwinError` when it cannot. */
  async start(): Promise<void> {
    if (this.bolt) throw new TwinError('internal', 'slack: the adapter is already started');
    this.checkOptions();
    const clientOptions = () => ({
      ...webClientOptions(this.apiUrl, this.o.clientRetries ?? 2, this.o.clientTimeoutMs ?? 10_000),
      logger: boltLogger(this.log),
    });
    if (this.o.botToken) {
      try {
        const auth = await new webApi.WebClient(this.o.botToken, clientOptions()).auth.test();
        this.identity = { botUserId: auth.user_id, botId: auth.bot_id };
        this.log.info({ event: 'slack.auth_ok', team: auth.team_id, botUserId: auth.user_id }, 'slack bot token ok');
      } catch (err) {
        throw startupError(err, 'bot', this.apiUrl);
      }
    }
    const bolt = buildBoltApp({
      mode: this.mode,
      botToken: this.o.botToken,
      ...this.identity,
      appToken: this.o.appToken,
      signingSecret: this.o.signingSecret,
      port: this.o.port,
      oauth: this.o.oauth,
      clientOptions,
      boltLogger: boltLogger(this.log),
      log: this.log,
      health: this.o.health ?? { status: () => 'ok' },
      fallback: this.o.fallback,
    });
    const replies = new SlackReplies(this.o.twin, this.log, this.presenter, {
      intervalMs: this.o.updateIntervalMs ?? 1_200,
      rate: this.o.updateRate,
      nativeStreaming: this.o.nativeStreaming ?? true,
      appendIntervalMs: this.o.appendIntervalMs ?? 500,
      appendRate: this.o.appendRate ?? WORKSPACE_APPEND_RATE,
      appendBudgets: new WriteBudgets(this.clock, this.timers),
      refusalMemoryMs: this.o.streamRefusalMemoryMs ?? 10 * 60_000,
      now: () => this.clock.now(),
    });
    new SlackListeners({
      replies,
      dedupe: this.dedupe,
      threads: this.o.threads,
      identity: () => this.identity,
      installationStore: this.o.oauth?.installationStore,
      track: (what, work) => this.track(what, work),
      log: this.log,
    }).register(bolt.app);
    registerAnswerActions(bolt.app, {
      twin: this.o.twin,
      replies,
      track: (w, work) => this.track(w, work),
      log: this.log,
    });
    await this.listen(bolt);
    this.bolt = bolt;
    this.log.info({ event: 'slack.started', mode: this.mode, port: this.boundPort }, 'slack adapter started');
  }

  /**
   * Stops taking new events. Answers in flight keep writing: with `graceMs`, stop waits up to that long for them
   * (as `drain` does); without it, `drain` waits for them later.
   */
  async stop(graceMs?: number): Promise<void> {
    const bolt = this.bolt;
    if (!bolt) return;
    this.bolt = undefined;
    this.stopping = true;
    try {
      await this.disconnect(bolt);
    } finally {
      if (graceMs !== undefined) await this.drain(graceMs);
      this.stopping = false;
    }
  }

  health(): AdapterHealth {
    const state = this.stopping ? 'stopping' : this.bolt ? 'running' : 'idle';
    return { state, inFlight: this.inFlight.size };
  }

  private async disconnect(bolt: BoltApp): Promise<void> {
    if (bolt.receiver instanceof SocketModeReceiver) {
      const client = bolt.receiver.client;
      // why: the receiver's stop() does not wait for the socket's close handshake; wait for it (bounded).
      let timer: NodeJS.Timeout | undefined;
      const closed = new Promise<void>((resolve) => {
        client.once('disconnected', () => resolve());
        timer = setTimeout(resolve, 5_000);
      });
      await bolt.app.stop();
      await closed;
      clearTimeout(timer);
    } else {
      await bolt.app.stop();
    }
    this.log.info({ event: 'slack.stopped' }, 'slack adapter stopped');
  }

  /** Waits until every reply under way has been written to Slack, or `timeoutMs` passes. */
  async drain(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  private checkOptions(): void {
    const o = this.o;
    if (!o.botToken && !o.oauth) {
      throw new TwinError(
        'config',
        'slack: set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET.',
      );
    }
    if (o.botToken && o.oauth) {
      throw new TwinError(
        'config',
        'slack: set either SLACK_BOT_TOKEN (one workspace) or the OAuth settings (many), not both.',
      );
    }
    if (!o.appToken && !o.signingSecret) {
      throw new TwinError('config', 'slack: set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).');
    }
  }

  private async listen(bolt: BoltApp): Promise<void> {
    if (!(bolt.receiver instanceof SocketModeReceiver)) {
      const server = await bolt.receiver.start(this.o.port ?? 3000);
      this.boundPort = (server.address() as AddressInfo).port;
      return;
    }
    const receiver = bolt.receiver;
    // why: with OAuth the Socket Mode receiver also serves the install pages, but starts listening without waiting
    // or handling errors; watch its server so a busy port is a clear start-up error, not an uncaught 'error' event.
    const http = (receiver as unknown as { httpServer?: Server }).httpServer;
    const listening = http
      ? new Promise<void>((resolve, reject) => {
          http.once('listening', () => resolve());
          http.once('error', reject);
        })
      : Promise.resolve();
    listening.catch(() => undefined); // handled below; never an unhandled rejection when the socket fails first
    let timer: NodeJS.Timeout | undefined;
    const limit = this.o.connectTimeoutMs ?? 30_000;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new TwinError('network', `slack: the Socket Mode connection did not open within ${limit / 1000} s.`)),
        limit,
      );
    });
    try {
      await Promise.race([receiver.start(), timeout]);
      await listening.catch((err: Error) => {
        throw new TwinError('config', `slack: cannot serve the install pages on port ${this.o.port}: ${err.message}`);
      });
      if (http) this.boundPort = (http.address() as AddressInfo).port;
    } catch (err) {
      await receiver.stop().catch(() => undefined);
      throw err instanceof TwinError ? err : startupError(err, 'app', this.apiUrl);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a handler's work as one tracked job that never throws into Bolt. */
  private track(what: string, work: () => Promise<void>): Promise<void> {
    const job = work().catch((err) =>
      this.log.error({ event: 'slack.handler_failed', what, err }, 'slack handler failed'),
    );
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
    return job;
  }
}
