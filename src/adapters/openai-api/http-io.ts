/** Reading a JSON body under a limit, writing JSON, and CORS for the allowed origins: the HTTP API's plumbing. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiError, badRequest, errorBody, errorHeaders } from './openai-errors.js';

/** why: a chat request is a few kilobytes; the limit stops a client from making the process buffer megabytes. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<{ body: unknown } | ApiError> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return tooLarge(limit);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return tooLarge(limit);
    parts.push(chunk as Buffer);
  }
  try {
    return { body: JSON.parse(Buffer.concat(parts).toString('utf8')) };
  } catch {
    return badRequest('The body is not valid JSON.');
  }
}

function tooLarge(limit: number): ApiError {
  return {
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    message: `The body is larger than ${limit} bytes.`,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, e: ApiError, request?: IncomingMessage): void {
  // why: a body left unread on a refused request would keep the connection busy; close it instead.
  if (request && !request.readableEnded) res.setHeader('connection', 'close');
  sendJson(res, e.status, errorBody(e), errorHeaders(e));
}

/**
 * CORS headers for an allowed origin (none for any other: the browser then refuses the response). Returns true when
 * the request was a preflight and has been answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  const ok = origin !== undefined && allowed.includes(origin);
  if (ok) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'retry-after, mcp-session-id');
  }
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  if (ok) {
    res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
    res.setHeader(
      'access-control-allow-headers',
      'authorization, content-type, mcp-session-id, mcp-protocol-version, last-event-id',
    );
    res.setHeader('access-control-max-age', '600');
  }
  res.writeHead(ok ? 204 : 403);
  res.end();
  return true;
}
