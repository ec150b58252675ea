/**
 * The real twin on a real PORT with the operator's view (issue 14): configuration read by loadConfig, the app
 * built by buildApp, the log tapped as `twinbot start` does, /metrics and /dashboard served by the health server,
 * Groq played by the fake Groq server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startHealthServer } from '../../src/adapters/http/health-server.js';
import { buildOperatorView, type OperatorView, type OperatorViewOptions } from '../../src/cli/operator-view.js';
import { loadConfig } from '../../src/config.js';
import { LogEvents, tapLogger } from '../../src/core/log-tap.js';
import type { Logger } from '../../src/core/ports.js';
import type { AskRequest, ReplyEvent } from '../../src/core/types.js';
import { type App, buildApp } from '../../src/main.js';
import { type FakeGroq, type FakeGroqOptions, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { LogSink } from '../support/log-sink.js';
import { SAMPLE_PROFILE } from '../support/twin-harness.js';

export interface OperatorRig {
  app: App;
  view: OperatorView;
  groq: FakeGroq;
  logs: LogSink;
  url: string;
  dir: string;
  ask(tenantId: string, platform?: 'discord' | 'slack', question?: string): Promise<ReplyEvent[]>;
  close(): Promise<void>;
}

export interface OperatorRigOptions {
  env?: Record<string, string>;
  groq?: FakeGroqOptions;
  view?: OperatorViewOptions;
  /** Reuse a folder (and its database) from an earlier rig: a restart. */
  dir?: string;
}

export async function startOperatorRig(options: OperatorRigOptions = {}): Promise<OperatorRig> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'twinbot-operator-'));
  const groq = await startFakeGroq(options.groq ?? {});
  const env: Record<string, string> = {
    TWIN_PROFILE: SAMPLE_PROFILE,
    DATABASE_URL: `file:${join(dir, 'usage.db')}`,
    GROQ_API_KEY: 'test-key',
    GROQ_BASE_URL: groq.url,
    GROQ_TIMEOUT: '2',
    GROQ_STALL_S: '2',
    GROQ_RPM: '100000',
    GROQ_TPM: '100000000',
    GROQ_RPD: '1000000',
    GROQ_TPD: '1000000000',
    TWIN_USER_RATE: '1000/min, 100 at a time',
    PORT: '1',
    ...options.env,
  };
  const config = loadConfig(env, dir);
  const logs = new LogSink();
  const events = new LogEvents();
  const logger = tapLogger(pino({ level: 'debug' }, logs) as unknown as Logger, events);
  const app = await buildApp(config, logger);
  const view = buildOperatorView(app, config, events, logger, options.view);
  const server: Server = await startHealthServer(
    0,
    { status: () => 'ok' },
    '127.0.0.1',
    view.doors.map((d) => d.handle),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;
  return {
    app,
    view,
    groq,
    logs,
    url,
    dir,
    async ask(tenantId, platform = 'discord', question = 'Where did you study?') {
      const request: AskRequest = {
        platform,
        tenantId,
        channelId: 'c1',
        userId: `u${++n}`,
        command: 'ask-twin',
        question,
      };
      const events: ReplyEvent[] = [];
      for await (const event of app.twin.ask(request)) events.push(event);
      return events;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await view.close();
      await app.twin.close(0);
      await app.close();
      await groq.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
