/**
 * A fake Upstash Vector speaking the REST protocol @upstash/vector 1.2 uses: `POST /<command>[/<namespace>]` with
 * `Authorization: Bearer <token>`, JSON bodies, `{"result": ...}` on success and `{"error": "...", "status": n}`
 * with a non-2xx status on failure. Text is "embedded" by hashed-embedding.ts. Faults: scripted HTTP errors
 * (`failNext`), a network outage (`setDown`: connections dropped unanswered) and a hang (`setStalled`).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readText } from '../../support/fake-http.js';
import { execute, HttpError, type Namespaces, type StoredVector } from './fake-upstash-store.js';

export type { StoredVector } from './fake-upstash-store.js';

export interface FailOptions {
  /** Only requests for this command (e.g. "upsert-data") count. */
  command?: string;
  /** Let this many matching requests through before failing. */
  skip?: number;
  message?: string;
}

export interface FakeUpstash {
  url: string;
  token: string;
  /** Every request, in order, answered or not: path (with namespace) and parsed body. */
  calls: { path: string; body: unknown }[];
  /** The next `n` matching requests get HTTP `status` and change nothing. */
  failNext(status: number, n?: number, options?: FailOptions): void;
  /** While down, every connection is dropped without an answer, like an unreachable host. */
  setDown(down: boolean): void;
  /** While stalled, requests are read and never answered (until `close`). */
  setStalled(stalled: boolean): void;
  /** A snapshot: namespace name ("" is the default) -> its vectors sorted by id. */
  namespaces(): Record<string, StoredVector[]>;
  close(): Promise<void>;
}

interface FailRule {
  status: number;
  remaining: number;
  skip: number;
  command?: string;
  message?: string;
}

export async function startFakeUpstash(options: { token?: string } = {}): Promise<FakeUpstash> {
  const token = options.token ?? 'fake-upstash-token';
  const store: Namespaces = new Map([['', new Map()]]);
  const calls: { path: string; body: unknown }[] = [];
  const rules: FailRule[] = [];
  const sockets = new Set<Socket>();
  let down = false;
  let stalled = false;

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readText(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    calls.push({ path: `${url.pathname}${url.search}`, body });
    if (down) {
      req.socket.destroy();
      return;
    }
    if (stalled) return;
    try {
      if (req.headers.authorization !== `Bearer ${token}`) throw new HttpError(401, 'Unauthorized: Invalid auth token');
      const [command = '', ...rest] = url.pathname.slice(1).split('/');
      const namespace = decodeURIComponent(rest.join('/'));
      const rule = rules.find((r) => r.remaining > 0 && (r.command === undefined || r.command === command));
      if (rule) {
        if (rule.skip > 0) rule.skip--;
        else {
          rule.remaining--;
          throw new HttpError(rule.status, rule.message ?? `fake failure (HTTP ${rule.status})`);
        }
      }
      if (typeof body === 'string') throw new HttpError(400, 'Invalid JSON in request body');
      const result = execute(store, command, namespace, url.searchParams.has('all'), body);
      send(res, 200, { result });
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      send(res, status, { error: err instanceof Error ? err.message : String(err), status });
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    failNext(status, n = 1, opts = {}) {
      rules.push({ status, remaining: n, skip: opts.skip ?? 0, command: opts.command, message: opts.message });
    },
    setDown(value) {
      down = value;
    },
    setStalled(value) {
      stalled = value;
    },
    namespaces() {
      const out: Record<string, StoredVector[]> = {};
      for (const [name, vectors] of store) {
        out[name] = [...vectors.values()]
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map((v) => structuredClone(v));
      }
      return out;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
