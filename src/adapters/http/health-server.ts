/**
 * GET /healthz on PORT: what hosts like Heroku expect of a `web` process, and what a load balancer polls.
 * It reports the twin's state; it never touches Groq or Upstash, so a provider outage does not fail health checks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type HealthState, healthHttpStatus } from '../../core/ports.js';

/** Another door on the same PORT (the HTTP API, MCP): true when it took the request. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export async function startHealthServer(
  port: number,
  state: HealthState,
  host = '0.0.0.0',
  routes: readonly RouteHandler[] = [],
): Promise<Server> {
  const server = createServer((req, res) => {
    if (routes.some((handle) => handle(req, res))) return;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/healthz' || path === '/')) {
      res.writeHead(healthHttpStatus(state), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: state.status(), ...state.details?.() }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
