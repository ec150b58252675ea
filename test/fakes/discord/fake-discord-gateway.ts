/**
 * The fake Discord gateway: Discord's JSON gateway protocol (v10, no compression) over a real WebSocket.
 * HELLO on connect, IDENTIFY -> READY + GUILD_CREATE (close 4004 for a bad token), heartbeats -> ACK,
 * RESUME -> RESUMED, and dispatch of events to every identified session, filtered by its intents.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { type FakeGuild, type FakeUser, guildCreateJson, INTENT } from './fake-discord-payloads.js';

const OP = { dispatch: 0, heartbeat: 1, identify: 2, resume: 6, invalidSession: 9, hello: 10, heartbeatAck: 11 };

export interface Identify {
  /** Whether the token matched the fake's bot token. */
  accepted: boolean;
  intents: number;
  properties: Record<string, unknown>;
}

interface Session {
  socket: WebSocket;
  id?: string;
  intents: number;
  seq: number;
}

export interface GatewayOptions {
  server: Server;
  path: string;
  token: string;
  applicationId: string;
  bot: FakeUser;
  guilds: FakeGuild[];
  heartbeatIntervalMs: number;
  /** Refuse every IDENTIFY (close 4004). */
  rejectAll?: boolean;
}

export class FakeDiscordGateway {
  readonly identifies: Identify[] = [];
  heartbeats = 0;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  /** Intents of every session ever identified, so a RESUME gets the same filtering. */
  private readonly known = new Map<string, number>();
  private readonly options: GatewayOptions;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.wss = new WebSocketServer({ server: options.server, path: options.path });
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  /** Sessions that completed IDENTIFY. */
  get readySessions(): number {
    return [...this.sessions].filter((s) => s.id).length;
  }

  /** Resolves once every session has closed (checked as sockets close; rejects after `timeoutMs` as a safety net). */
  async whenAllClosed(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.sessions.size > 0) {
      if (Date.now() > until) throw new Error(`fake discord gateway: ${this.sessions.size} sessions still open`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Sends a dispatch to every identified session whose intents include `intent` (0 = always).
   * `shape` may adapt the data per session (e.g. blank content without MESSAGE_CONTENT).
   */
  dispatch(type: string, data: unknown, intent = 0, shape?: (data: unknown, intents: number) => unknown): void {
    for (const s of this.sessions) {
      if (!s.id || (intent !== 0 && (s.intents & intent) === 0)) continue;
      this.send(s, { op: OP.dispatch, t: type, s: ++s.seq, d: shape ? shape(data, s.intents) : data });
    }
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.socket.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    const session: Session = { socket, intents: 0, seq: 0 };
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    socket.on('message', (raw) => this.onFrame(session, raw.toString()));
    this.send(session, { op: OP.hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  private onFrame(session: Session, raw: string): void {
    let frame: { op: number; d: Record<string, unknown> | null };
    try {
      frame = JSON.parse(raw);
    } catch {
      session.socket.close(4002, 'Error while decoding payload.');
      return;
    }
    switch (frame.op) {
      case OP.heartbeat:
        this.heartbeats++;
        this.send(session, { op: OP.heartbeatAck });
        break;
      case OP.identify:
        this.identify(session, frame.d ?? {});
        break;
      case OP.resume:
        // A resume of a live session replays nothing here: the fake never drops events.
        if (frame.d?.token === this.options.token && this.known.has(String(frame.d.session_id))) {
          session.id = String(frame.d.session_id);
          session.intents = this.known.get(session.id) ?? 0;
          this.send(session, { op: OP.dispatch, t: 'RESUMED', s: ++session.seq, d: {} });
        } else {
          this.send(session, { op: OP.invalidSession, d: false });
        }
        break;
      default:
        // Presence updates, member requests: accepted and ignored.
        break;
    }
  }

  private identify(session: Session, d: Record<string, unknown>): void {
    const accepted = d.token === this.options.token && !this.options.rejectAll;
    const intents = Number(d.intents ?? 0);
    this.identifies.push({ accepted, intents, properties: (d.properties ?? {}) as Record<string, unknown> });
    if (!accepted) {
      session.socket.close(4004, 'Authentication failed.');
      return;
    }
    if (session.id) {
      session.socket.close(4005, 'Already authenticated.');
      return;
    }
    session.id = randomUUID();
    session.intents = intents;
    this.known.set(session.id, intents);
    const url = `ws://${this.hostOf()}${this.options.path}`;
    this.send(session, {
      op: OP.dispatch,
      t: 'READY',
      s: ++session.seq,
      d: {
        v: 10,
        user: this.options.bot,
        guilds: this.options.guilds.map((g) => ({ id: g.id, unavailable: true })),
        session_id: session.id,
        resume_gateway_url: url,
        shard: [0, 1],
        application: { id: this.options.applicationId, flags: 0 },
        private_channels: [],
        presences: [],
        relationships: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: [],
        user_settings: {},
        auth: {},
      },
    });
    if ((intents & INTENT.guilds) !== 0) {
      for (const g of this.options.guilds) {
        this.send(session, {
          op: OP.dispatch,
          t: 'GUILD_CREATE',
          s: ++session.seq,
          d: guildCreateJson(g, this.options.bot),
        });
      }
    }
  }

  private hostOf(): string {
    const address = this.options.server.address();
    return typeof address === 'object' && address ? `127.0.0.1:${address.port}` : '127.0.0.1';
  }

  private send(session: Session, payload: unknown): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(payload));
  }
}
