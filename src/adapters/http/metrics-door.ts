/**
 * GET /metrics on PORT (issue 14): the Prometheus text format. Off unless TWIN_METRICS=1 or TWIN_METRICS_TOKEN is
 * set; with a token, only a request carrying `Authorization: Bearer <token>` gets the numbers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerOf, sameSecret } from './bearer-token.js';
import type { TwinMetrics } from './twin-metrics.js';

export interface MetricsDoorOptions {
  metrics: TwinMetrics;
  token?: string;
  onError?: (err: unknown) => void;
}

/** The route handler: true when the request was for /metrics. */
export function metricsRoute(o: MetricsDoorOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Use GET /metrics.\n');
      return true;
    }
    if (o.token !== undefined) {
      const given = bearerOf(req);
      if (given === undefined || !sameSecret(given, o.token)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="twinbot metrics"', 'content-type': 'text/plain' });
        res.end('Send the metrics token as Authorization: Bearer <TWIN_METRICS_TOKEN>.\n');
        return true;
      }
    }
    o.metrics.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': o.metrics.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        o.onError?.(err);
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('The metrics could not be collected; see the log.\n');
      },
    );
    return true;
  };
}
