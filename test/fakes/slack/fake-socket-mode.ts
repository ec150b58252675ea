/**
 * Slack's Socket Mode endpoint: the URL apps.connections.open hands out. On connect it says `hello`; it sends
 * envelopes (`events_api`, `slash_commands`) and waits for the app's ack `{envelope_id, payload}`; it can ping and
 * ask the client to reconnect with a `disconnect` message.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

export interface Envelope {
  envelope_id: string;
  type: 'events_api' | 'slash_commands' | 'interactive';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export class FakeSocketMode {
  readonly path = '/socket-mode';
  /** Every envelope sent and every ack received, in order. */
  readonly sent: Envelope[] = [];
  readonly acks: SocketAck[] = [];
  /** How many connections were opened in total (a reconnect adds one). */
  connections = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly waiting = new Map<string, (ack: SocketAck) => void>();
  private readonly connectWaiters: (() => void)[] = [];
  private envelopeCounter = 0;

  /** Routes an HTTP upgrade to the WebSocket server when it is for the Socket Mode path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!req.url?.startsWith(this.path)) return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  private accept(ws: WebSocket): void {
    this.connections += 1;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as SocketAck;
      this.acks.push(ack);
      this.waiting.get(ack.envelope_id)?.(ack);
      this.waiting.delete(ack.envelope_id);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'AFAKEAPP' },
      }),
    );
    for (const w of this.connectWaiters.splice(0)) w();
  }

  /** Resolves once a client is connected (immediately when one is). */
  async connected(): Promise<void> {
    if (this.sockets.size > 0) return;
    await new Promise<void>((resolve) => this.connectWaiters.push(resolve));
  }

  /** Sends an envelope to the connected client and resolves with its ack. */
  async send(
    type: Envelope['type'],
    payload: Record<string, unknown>,
    options: { retryAttempt?: number; retryReason?: string } = {},
  ): Promise<SocketAck> {
    await this.connected();
    const envelope: Envelope = {
      envelope_id: `env-${++this.envelopeCounter}`,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api'
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' }
        : {}),
    };
    this.sent.push(envelope);
    const acked = new Promise<SocketAck>((resolve) => this.waiting.set(envelope.envelope_id, resolve));
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
    return acked;
  }

  /** A WebSocket ping frame to every client (Slack pings its clients). */
  ping(): void {
    for (const ws of this.sockets) ws.ping('fake-slack');
  }

  /** Asks clients to reconnect, as Slack does before recycling a server. */
  disconnect(reason = 'refresh_requested'): void {
    for (const ws of this.sockets)
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
