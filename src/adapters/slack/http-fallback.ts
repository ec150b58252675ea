/**
 * In Slack HTTP mode (and with OAuth) Bolt's server holds PORT; the other doors (the HTTP API, MCP, /metrics, the
 * dashboard, /healthz) share it through a fallback: every request that is not Slack's goes to it instead of Bolt's
 * 404. The fallback is a plain request listener passed in by the composition, so this adapter knows no other door.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Where a request on PORT that is not Slack's goes. */
export type HttpFallback = (req: IncomingMessage, res: ServerResponse) => void;

/** Bolt's default OAuth pages, when its options do not name others. */
export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

/**
 * Gives the Socket Mode receiver's HTTP server (the OAuth pages) the fallback. why by swapping its request listener:
 * the receiver has no hook for requests it does not know; its own listener still gets every request under the
 * OAuth paths, matched the way it matches them (a prefix of the raw URL).
 */
export function handOthersTo(server: Server, oauthPaths: readonly string[], fallback: HttpFallback): void {
  const bolt = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (!oauthPaths.some((path) => url.startsWith(path))) return fallback(req, res);
    for (const listener of bolt) listener(req, res);
  });
}
