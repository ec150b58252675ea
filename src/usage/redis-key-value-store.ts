/**
 * The KeyValueStore port on Redis (REDIS_URL), for replicas that share Slack's event dedupe, answered threads and
 * installations. Each entry is one Redis string `<prefix><namespace>:<key>`; TTLs are Redis's own (PX), so expired
 * entries vanish without a sweep. The claims are atomic on the server: SET NX, and a Lua script for all-or-nothing.
 */
import { TwinError } from '../core/errors.js';
import type { KeyValueStore, RedisCommands } from '../core/ports.js';
import { scrubSecrets } from '../core/scrub-secrets.js';

/** Sets every key only when none exists. KEYS = the keys; ARGV = value, ttl ms ('' = none). Returns 1 or 0. */
const SET_IF_ALL_ABSENT = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 1, #KEYS do
  if ARGV[2] == '' then redis.call('SET', KEYS[i], ARGV[1]) else redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
end
return 1
`;

function storageError(err: unknown, action: string): TwinError {
  const reason = scrubSecrets(err instanceof Error ? err.message : String(err));
  return new TwinError('storage', `Key-value store (Redis): ${action} failed: ${reason}`, { cause: err });
}

/** Escapes the glob characters of SCAN's MATCH, so a namespace or prefix matches only itself. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: RedisCommands,
    private readonly prefix = 'twinbot:kv:',
  ) {}

  async get(namespace: string, key: string): Promise<string | undefined> {
    const value = await this.run('reading', ['GET', this.key(namespace, key)]);
    return typeof value === 'string' ? value : undefined;
  }

  async set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void> {
    await this.run('writing', ['SET', this.key(namespace, key), value, ...this.ttl(ttlMs)]);
  }

  async setIfAbsent(namespace: string, key: string, value: string, ttlMs?: number): Promise<boolean> {
    const reply = await this.run('writing', ['SET', this.key(namespace, key), value, 'NX', ...this.ttl(ttlMs)]);
    return reply === 'OK';
  }

  async setIfAllAbsent(namespace: string, keys: readonly string[], value: string, ttlMs?: number): Promise<boolean> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return false;
    const names = unique.map((k) => this.key(namespace, k));
    const ttl = ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs)));
    const reply = await this.run('writing', ['EVAL', SET_IF_ALL_ABSENT, String(names.length), ...names, value, ttl]);
    return Number(reply) === 1;
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    return Number(await this.run('deleting', ['DEL', this.key(namespace, key)])) > 0;
  }

  async deletePrefix(namespace: string, prefix: string): Promise<number> {
    let deleted = 0;
    for await (const names of this.scan(`${globLiteral(this.key(namespace, prefix))}*`)) {
      if (names.length > 0) deleted += Number(await this.run('deleting', ['DEL', ...names]));
    }
    return deleted;
  }

  /** The live keys of a namespace (for re-encrypting them under a new key). */
  async keysOf(namespace: string): Promise<string[]> {
    const start = this.key(namespace, '').length;
    const keys: string[] = [];
    for await (const names of this.scan(`${globLiteral(this.key(namespace, ''))}*`)) {
      keys.push(...names.map((n) => n.slice(start)));
    }
    return keys.sort();
  }

  /** SCAN in batches: it never blocks Redis the way KEYS does on a big database. */
  private async *scan(match: string): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const reply = (await this.run('listing', ['SCAN', cursor, 'MATCH', match, 'COUNT', '500'])) as [string, string[]];
      cursor = String(reply[0]);
      yield reply[1].map(String);
    } while (cursor !== '0');
  }

  private key(namespace: string, key: string): string {
    return `${this.prefix}${namespace}:${key}`;
  }

  private ttl(ttlMs: number | undefined): string[] {
    return ttlMs === undefined ? [] : ['PX', String(Math.max(1, Math.ceil(ttlMs)))];
  }

  private async run(action: string, args: string[]): Promise<unknown> {
    try {
      return await this.redis.sendCommand(args);
    } catch (err) {
      throw storageError(err, action);
    }
  }
}
