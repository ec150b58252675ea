/**
 * `twinbot mcp`: the MCP server on stdin/stdout, for Claude Desktop and IDE agents that start it as a command.
 * stdout carries nothing but the protocol (logs go to stderr); calls are metered under `mcp:<client name>`.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { TwinService } from '../../core/twin-service.js';
import { buildTwinMcpServer, mcpClientTenant, type ProfileSearch } from './twin-mcp-server.js';

export interface McpStdioDoorOptions {
  twin: TwinService;
  search: ProfileSearch;
  version: string;
  stdin?: Readable;
  stdout?: Writable;
}

export class McpStdioDoor {
  private transport?: StdioServerTransport;
  private closed?: Promise<void>;
  private stopping = false;

  constructor(private readonly o: McpStdioDoorOptions) {}

  async start(): Promise<void> {
    const server = buildTwinMcpServer({
      twin: this.o.twin,
      search: this.o.search,
      version: this.o.version,
      channelId: 'stdio',
      tenant: (s) => mcpClientTenant(s.server.getClientVersion()?.name),
      userId: (s) => s.server.getClientVersion()?.name?.slice(0, 128) || 'unknown',
    });
    const transport = new StdioServerTransport(this.o.stdin, this.o.stdout);
    this.transport = transport;
    this.closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      // why: the client closing stdin means "quit"; the transport stays open so answers in flight can still be sent.
      (this.o.stdin ?? process.stdin).once('end', () => resolve());
    });
    await server.connect(transport);
  }

  /** Resolves when the client closes stdin or the transport closes; `stop` then ends the transport. */
  whenClosed(): Promise<void> {
    return this.closed ?? Promise.resolve();
  }

  async stop(_graceMs: number): Promise<void> {
    this.stopping = true;
    await this.transport?.close();
  }

  health(): { status: 'ok' | 'stopping' } {
    return { status: this.stopping ? 'stopping' : 'ok' };
  }
}
