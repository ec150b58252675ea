/**
 * Builds the Bolt app and its receiver: Socket Mode when an app-level token is given, otherwise HTTP on
 * POST /slack/events; a single bot token or Bolt's OAuth install flow for many workspaces. Every Web API client
 * (the app's, the socket client's, the installer's) gets the same base URL, a bounded retry policy and a timeout.
 */

import type { Server, ServerResponse } from 'node:http';
import type { Logger as BoltLogger, CustomRoute, InstallationStore } from '@slack/bolt';
import { App, type HTTPReceiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import { type HealthState, healthHttpStatus, type Logger } from '../../core/ports.js';
import { GuardedHTTPReceiver } from './guarded-http-receiver.js';
import { type HttpFallback, handOthersTo, INSTALL_PATH, REDIRECT_PATH } from './http-fallback.js';

/** Bot scopes asked for at install (see slack/manifest.yaml). */
export const BOT_SCOPES = [
  'app_mentions:read',
  'assistant:write',
  'channels:history',
  'chat:write',
  'commands',
  'files:write',
  'groups:history',
  'im:history',
  'im:write',
  'users:read',
];

export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Signs the OAuth `state` parameter (SLACK_STATE_SECRET). */
  stateSecret: string;
  installationStore: InstallationStore;
  /** Bot scopes requested at install; default `BOT_SCOPES`. */
  scopes?: string[];
  /** The redirect URL registered with Slack, when it must be sent explicitly. */
  redirectUri?: string;
}

export interface BoltAppConfig {
  mode: 'socket' | 'http';
  botToken?: string;
  botId?: string;
  botUserId?: string;
  appToken?: string;
  signingSecret?: string;
  /** HTTP mode: the port of /slack/events. Socket Mode: the port of the OAuth pages, when OAuth is on. */
  port?: number;
  oauth?: SlackOAuthOptions;
  clientOptions: () => webApi.WebClientOptions;
  boltLogger: BoltLogger;
  /** Our own structured log (refused requests). */
  log: Logger;
  /** What GET /healthz, served beside /slack/events, reports (without a `fallback`, which then serves it). */
  health: HealthState;
  /** The other doors on PORT: every request to Slack's server that is not for /slack/events or the OAuth pages. */
  fallback?: HttpFallback;
}

export interface BoltApp {
  app: App;
  receiver: HTTPReceiver | SocketModeReceiver;
}

/** Options for every Web API client: base URL, bounded retries (network errors, 5xx, 429), a timeout. */
export function webClientOptions(apiUrl: string, retries: number, timeoutMs: number): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    // why: the WebClient's default policy keeps retrying for about 30 minutes (FACTS.md "Slack").
    retryConfig: { retries, factor: 2, minTimeout: 500, maxTimeout: 4_000, maxRetryTime: 15_000 },
    timeout: timeoutMs,
  };
}

function healthRoute(health: HealthState): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res: ServerResponse) => {
      res.writeHead(healthHttpStatus(health), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: health.status(), ...health.details?.() }));
    },
  };
}

export function buildBoltApp(config: BoltAppConfig): BoltApp {
  const oauth = config.oauth;
  const installer = oauth
    ? {
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        stateSecret: oauth.stateSecret,
        installationStore: oauth.installationStore,
        scopes: oauth.scopes ?? BOT_SCOPES,
        redirectUri: oauth.redirectUri,
      }
    : {};
  const customRoutes = config.fallback ? [] : [healthRoute(config.health)];
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (config.mode === 'socket') {
    receiver = new SocketModeReceiver({
      appToken: config.appToken!,
      logger: config.boltLogger,
      ...installer,
      // why: the socket client has its own WebClient (apps.connections.open); it needs the base URL too.
      installerOptions: { clientOptions: config.clientOptions(), port: config.port },
      // In Socket Mode the HTTP server exists only for the OAuth pages; without OAuth there is none.
      customRoutes: oauth ? customRoutes : [],
    });
    const server = (receiver as unknown as { httpServer?: Server }).httpServer;
    if (server && config.fallback) handOthersTo(server, [REDIRECT_PATH, INSTALL_PATH], config.fallback);
  } else {
    receiver = new GuardedHTTPReceiver({
      log: config.log,
      signingSecret: config.signingSecret!,
      endpoints: '/slack/events',
      port: config.port ?? 3000,
      logger: config.boltLogger,
      ...installer,
      installerOptions: { clientOptions: config.clientOptions() },
      customRoutes,
      fallback: config.fallback,
    });
  }
  const app = new App({
    receiver,
    // why: with botId and botUserId known (auth.test in start()), Bolt makes no auth.test call of its own in the
    // constructor, whose rejection would be unhandled when Slack is unreachable.
    ...(config.botToken ? { token: config.botToken, botId: config.botId, botUserId: config.botUserId } : {}),
    clientOptions: config.clientOptions(),
    logger: config.boltLogger,
    // why: the error handler then gets the request body, to answer a command from a workspace with no installation.
    extendedErrorHandler: true,
  });
  return { app, receiver };
}
