/**
 * Bolt's HTTPReceiver with a guard in front of POST /slack/events for what Bolt does not check itself:
 * - a request timestamp more than 5 minutes in the future (Bolt refuses only the past), and
 * - a signed body that parses to something other than an object (`null`, `1`, `[]`): Bolt reads `body.ssl_check`
 *   outside any try, so a `null` body is an unhandled rejection that ends the process (reported upstream).
 * Everything else (signature, ssl_check, url_verification, OAuth pages, custom routes) is left to Bolt. With a
 * `fallback`, a request for none of Slack's paths (its endpoints, the OAuth pages) goes there instead of to Bolt.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPReceiver, type HTTPReceiverOptions, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import { type HttpFallback, INSTALL_PATH, REDIRECT_PATH } from './http-fallback.js';

/** why: Slack's rule: a signed request is good for five minutes; a replay, or a clock far off, is refused. */
export const MAX_REQUEST_AGE_S = 5 * 60;

export interface GuardedHTTPReceiverOptions extends HTTPReceiverOptions {
  /** Where refusals are logged, as structured records. */
  log: Logger;
  /** The clock, in epoch ms (tests move it). */
  now?: () => number;
  /** Every request that is not Slack's: the other doors on PORT. Default Bolt's custom routes, then its 404. */
  fallback?: HttpFallback;
}

export class GuardedHTTPReceiver extends HTTPReceiver {
  constructor({ log, now = Date.now, fallback, ...options }: GuardedHTTPReceiverOptions) {
    super(options);
    const endpoints = new Set(
      options.endpoints === undefined
        ? ['/slack/events']
        : Array.isArray(options.endpoints)
          ? options.endpoints
          : [options.endpoints],
    );
    // why every method: Bolt answers a GET to /slack/events or a POST to the install page itself, as before.
    const slackPaths = new Set(endpoints);
    if (options.clientId !== undefined) {
      slackPaths.add(options.installerOptions?.installPath ?? INSTALL_PATH);
      slackPaths.add(options.installerOptions?.redirectUriPath ?? REDIRECT_PATH);
    }
    const signingSecret = typeof options.signingSecret === 'string' ? options.signingSecret : '';
    const bodyLimit = options.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit;
    const inner = this.requestListener;
    const refuse = (res: ServerResponse, status: number, reason: string, extra: Record<string, unknown> = {}) => {
      log.warn({ event: 'slack.request_refused', status, reason, ...extra }, `refused a request to /slack/events`);
      if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, status);
    };

    const guard = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const timestamp = Number(req.headers['x-slack-request-timestamp']);
      if (Number.isFinite(timestamp)) {
        const skewS = Math.round(now() / 1000 - timestamp);
        if (Math.abs(skewS) > MAX_REQUEST_AGE_S) {
          return refuse(res, 401, skewS < 0 ? 'timestamp_in_future' : 'timestamp_stale', { skewS });
        }
      }
      let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
      try {
        // why: Bolt reuses a request whose body is already buffered (`rawBody`), so it is read only once.
        buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, bodyLimit);
      } catch (err) {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && err.statusCode === 413;
        return refuse(res, tooLarge ? 413 : 400, tooLarge ? 'body_too_large' : 'body_unreadable');
      }
      if (parsesToNonObject(buffered)) {
        const signed = isValidSlackRequest({
          signingSecret,
          body: buffered.rawBody.toString(),
          headers: {
            'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
            'x-slack-request-timestamp': timestamp,
          },
        });
        return signed ? refuse(res, 400, 'body_not_an_object') : refuse(res, 401, 'signature');
      }
      inner(buffered, res);
    };

    this.requestListener = (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (fallback && !slackPaths.has(path)) {
        fallback(req, res);
        return;
      }
      if (req.method !== 'POST' || !endpoints.has(path)) {
        inner(req, res);
        return;
      }
      guard(req, res).catch((err: unknown) => {
        log.error({ event: 'slack.receiver_failed', err }, 'the request guard failed');
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
      });
    };
  }
}

/** True when the body, parsed the way Bolt parses it, is not an object (`null`, a number, a string, an array). */
function parsesToNonObject(req: Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0]): boolean {
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(req);
  } catch {
    // Not JSON at all: Bolt checks the signature first and answers 401 or 400 itself.
    return false;
  }
  return typeof body !== 'object' || body === null || Array.isArray(body);
}
