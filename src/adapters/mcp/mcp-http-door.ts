/**
 * MCP over Streamable HTTP at `/mcp` on PORT (TWIN_MCP=1), stateless: each POST gets its own server and transport,
 * so any replica can answer any request. A bearer key from TWIN_API_KEYS is required; calls are metered under the
 * key's tenant (`api:<name>`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ApiKeyRing, apiTenant } from '../../core/api-key-ring.js';
import { drainWithin } from '../../core/drain.js';
import type { Logger } from '../../core/ports.js';
import type { TwinService } from '../../core/twin-service.js';
import { buildTwinMcpServer, type ProfileSearch } from './twin-mcp-server.js';

export interface McpHttpDoorOptions {
  twin: TwinService;
  search: ProfileSearch;
  clients: readonly { name: string; key: string }[];
  logger: Logger;
  version: string;
  bodyLimit?: number;
}

/** why: an MCP request is a JSON-RPC message of a few kilobytes; the limit keeps a client from filling memory. */
const BODY_LIMIT = 256 * 1024;

export class McpHttpDoor {
  private readonly keys: ApiKeyRing;
  private readonly open = new Set<ServerResponse>();
  private stopping = false;

  constructor(private readonly o: McpHttpDoorOptions) {
    this.keys = new ApiKeyRing(o.clients);
  }

  async start(): Promise<void> {
    this.stopping = false;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await drainWithin(this.open, graceMs);
  }

  health(): { status: 'ok' | 'stopping'; inFlight: number } {
    return { status: this.stopping ? 'stopping' : 'ok', inFlight: this.open.size };
  }

  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (path !== '/mcp') return false;
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    this.serve(req, res).catch((err: unknown) => {
      this.o.logger.error({ event: 'mcp.failed', err }, 'the MCP endpoint failed on a request');
      if (!res.headersSent) rpcError(res, 500, -32603, 'Internal error');
      else res.end();
    });
    return true;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.stopping) return rpcError(res, 503, -32000, 'The twin is restarting; try again in a minute.', true);
    const keyName = this.keys.nameOfBearer(req.headers.authorization);
    if (!keyName) {
      // why: nothing from a caller without a valid key is logged or recorded: not its key, not its request.
      this.o.logger.warn({ event: 'mcp.key_refused', ip: req.socket.remoteAddress }, 'refused an MCP key');
      res.setHeader('www-authenticate', 'Bearer');
      return rpcError(
        res,
        401,
        -32001,
        'Unauthorized: send a key from TWIN_API_KEYS as `Authorization: Bearer <key>`.',
        true,
      );
    }
    // why: stateless: there is no session to stream to (GET) or end (DELETE).
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return rpcError(res, 405, -32000, 'Method not allowed: this endpoint is stateless, POST only.', true);
    }
    const body = await readBody(req, this.o.bodyLimit ?? BODY_LIMIT);
    if (body === 'too_large') return rpcError(res, 413, -32600, 'Request body too large.', true);
    if (body === 'not_json') return rpcError(res, 400, -32700, 'Parse error: the body is not JSON.');

    const server = buildTwinMcpServer({
      twin: this.o.twin,
      search: this.o.search,
      version: this.o.version,
      channelId: 'http',
      tenant: () => apiTenant(keyName),
      userId: (s) => s.server.getClientVersion()?.name?.slice(0, 128) || keyName,
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.once('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body.json);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<{ json: unknown } | 'too_large' | 'not_json'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return 'too_large';
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too_large';
    parts.push(chunk as Buffer);
  }
  try {
    return { json: JSON.parse(Buffer.concat(parts).toString('utf8')) };
  } catch {
    return 'not_json';
  }
}

function rpcError(res: ServerResponse, status: number, code: number, message: string, close = false): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (close) headers.connection = 'close';
  if (status === 503) headers['retry-after'] = '60';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
