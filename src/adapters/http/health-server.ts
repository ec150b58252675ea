/**
 * GET /healthz on PORT: what hosts like Heroku expect of a `web` process, and what a load balancer polls.
 * It reports the twin's state; it never touches Groq or Upstash, so a provider outage does not fail health checks.
 * The same router serves the other doors on PORT, from this server or, in Slack HTTP mode, from Bolt's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type HealthState, healthHttpStatus } from '../../core/ports.js';

/** Another door on the same PORT (the HTTP API, MCP): true when it took the request. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Every request on PORT that is not Slack's: the doors in order, then /healthz, then a 404. */
export type HttpRouter = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The doors' router. why `routes` is read on each request: the doors start after the platforms (they load lazily),
 * while Slack's server, which hands its other requests here, is already listening.
 */
export function healthRouter(state: HealthState, routes: readonly RouteHandler[] = []): HttpRouter {
  return (req, res) => {
    if (routes.some((handle) => handle(req, res))) return;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/healthz' || path === '/')) {
      res.writeHead(healthHttpStatus(state), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: state.status(), ...state.details?.() }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  };
}

export async function startHealthServer(
  port: number,
  state: HealthState,
  host = '0.0.0.0',
  routes: readonly RouteHandler[] = [],
): Promise<Server> {
  return listenHttp(port, healthRouter(state, routes), host);
}

/** Our own server on PORT, when no platform's server holds it. */
export async function listenHttp(port: number, router: HttpRouter, host = '0.0.0.0'): Promise<Server> {
  const server = createServer(router);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
