/**
 * A LeaderLock on Redis: one key holding the holder's id with a TTL. Taking, renewing and releasing are each one
 * Lua script, so a replica can only extend or delete the lock while it is still its own (never one another replica
 * took after its lease ran out).
 */
import type { LeaderLock, RedisCommands } from '../core/ports.js';

/** KEYS[1] = the lock; ARGV = holder id, ttl ms. Returns 1 when the caller holds it now. */
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS[1] = the lock; ARGV[1] = holder id. Deletes it only when the caller holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisLeaderLock implements LeaderLock {
  constructor(
    private readonly redis: RedisCommands,
    /** The lock's key, e.g. "twinbot:leader:discord". */
    private readonly key: string,
    /** This process's id (host, pid and a random part): what the key holds while it leads. */
    readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  async hold(): Promise<boolean> {
    const reply = await this.redis.sendCommand(['EVAL', HOLD, '1', this.key, this.holder, String(this.ttlMs)]);
    return Number(reply) === 1;
  }

  async release(): Promise<void> {
    await this.redis.sendCommand(['EVAL', RELEASE, '1', this.key, this.holder]);
  }
}
