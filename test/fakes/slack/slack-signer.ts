/**
 * What Slack does when it calls an app over HTTP: signs the raw body (v0 HMAC-SHA256 of "v0:<ts>:<body>") and
 * POSTs events as JSON and slash commands as a form to /slack/events, with x-slack-retry-num on retries.
 */
import { createHmac } from 'node:crypto';

export function slackSignature(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export interface SignedPostOptions {
  /** Seconds since the epoch put in x-slack-request-timestamp; default now. */
  timestampSec?: number;
  /** Sign with this secret instead of the right one (a forged request). */
  signWith?: string;
  retryNum?: number;
  retryReason?: string;
}

export interface SlackHttpResponse {
  status: number;
  body: string;
}

/** POSTs a payload to an app's /slack/events the way Slack does: JSON for events, a form for slash commands. */
export function postSignedToApp(
  url: string,
  signingSecret: string,
  payload: Record<string, unknown>,
  kind: 'event' | 'command',
  options: SignedPostOptions = {},
): Promise<SlackHttpResponse> {
  const rawBody =
    kind === 'event'
      ? JSON.stringify(payload)
      : new URLSearchParams(Object.entries(payload).map(([k, v]) => [k, String(v)])).toString();
  const contentType = kind === 'event' ? 'application/json' : 'application/x-www-form-urlencoded';
  return postSignedRaw(url, signingSecret, rawBody, contentType, options);
}

/** POSTs any body, signed as Slack signs it (for bodies Slack would never send). */
export async function postSignedRaw(
  url: string,
  signingSecret: string,
  rawBody: string,
  contentType: string,
  options: SignedPostOptions = {},
): Promise<SlackHttpResponse> {
  const ts = options.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': slackSignature(options.signWith ?? signingSecret, ts, rawBody),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  // why: a request the app never answers would hang the test; the bound turns that into a clear failure.
  const res = await fetch(url, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}
