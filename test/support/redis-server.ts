/**
 * A Redis server for tests: TWIN_TEST_REDIS_URL when set (CI starts one), else `redis-server --port N --save ''`
 * started on a free port and stopped when the test file ends. Without either, the tests that need it are skipped
 * with a message naming the package, except on CI (CI=true), where that is a failure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { after } from 'node:test';
import { createClient } from 'redis';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface RedisForTests {
  /** Why the Redis tests are skipped; undefined when a server is there. */
  skip?: string;
  url: string;
  /** Stops a server this file started (to test what happens when Redis goes away); no-op for TWIN_TEST_REDIS_URL. */
  kill(): void;
}

const MISSING =
  'Redis tests skipped: set TWIN_TEST_REDIS_URL, or install Debian\'s "redis-server" package (apt-get install redis-server)';

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

let shared: Promise<RedisForTests> | undefined;

/** The Redis of this test file (started once per process). */
export function redisForTests(): Promise<RedisForTests> {
  shared ??= start();
  return shared;
}

async function start(): Promise<RedisForTests> {
  const given = process.env.TWIN_TEST_REDIS_URL;
  if (given) return { url: given, kill() {} };
  if (!hasRedisServer()) {
    if (process.env.CI === 'true') throw new Error(`${MISSING}; CI must provide Redis`);
    return { skip: MISSING, url: '', kill() {} };
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  after(kill);
  process.once('exit', kill);
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const client = createClient({ url, socket: { reconnectStrategy: false } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        if (client.isOpen) await client.close();
      }
    },
    'redis-server to answer PING',
    { timeoutMs: 10_000, intervalMs: 20 },
  );
  return { url, kill };
}
