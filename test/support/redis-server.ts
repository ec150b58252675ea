/**
 * A Redis for tests: TWIN_TEST_REDIS_URL when set (CI starts one); else `redis-server --port N --save ''` spawned on a
 * free port when the binary exists; else a reason to skip, naming the package (an error under CI=true, where Redis
 * must be there).
 */
import { after } from 'node:test';
import { freePort } from './free-port.js';
import { hasRedisServer, spawnRedisServer } from './redis-process.js';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

const MISSING =
  'Redis tests skipped: set TWIN_TEST_REDIS_URL, or install Debian\'s "redis-server" package (apt-get install redis-server)';

export async function startTestRedis(): Promise<TestRedis | { skip: string }> {
  const given = process.env['TWIN_TEST_REDIS_URL'];
  if (given) return { url: given, stop: async () => {} };
  if (hasRedisServer()) return await spawnRedisServer(await freePort());
  if (process.env['CI'] === 'true') throw new Error(`${MISSING}; CI must provide Redis`);
  return { skip: MISSING };
}

export interface RedisForTests {
  /** Why the Redis tests are skipped; undefined when a server is there. */
  skip?: string;
  url: string;
  /** Stops a server this file started; no-op for TWIN_TEST_REDIS_URL. */
  kill(): void;
}

let shared: Promise<RedisForTests> | undefined;

/** The Redis of this test file (started once per process, stopped when the file ends). */
export function redisForTests(): Promise<RedisForTests> {
  shared ??= startTestRedis().then((redis) => {
    if ('skip' in redis) return { skip: redis.skip, url: '', kill() {} };
    const kill = () => void redis.stop();
    after(kill);
    return { url: redis.url, kill };
  });
  return shared;
}
