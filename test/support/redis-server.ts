/**
 * A Redis for tests: TWIN_TEST_REDIS_URL when set; else `redis-server --port N --save ''` spawned on a free port
 * when the binary exists; else a reason to skip (an error under CI=true, where Redis must be there).
 */
import { freePort } from './bot-on-port.js';
import { hasRedisServer, spawnRedisServer } from './redis-process.js';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis | { skip: string }> {
  const given = process.env['TWIN_TEST_REDIS_URL'];
  if (given) return { url: given, stop: async () => {} };
  if (hasRedisServer()) return await spawnRedisServer(await freePort());
  const reason = 'no Redis: set TWIN_TEST_REDIS_URL or install redis-server';
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI needs it)`);
  return { skip: reason };
}
