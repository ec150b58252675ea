/** `twinbot doctor`'s Redis line: PING with a timeout, the server's version, never the password. */
import { createClient } from 'redis';
import { scrubSecrets, userInfoSecrets } from '../core/scrub-secrets.js';

const address = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'the address in REDIS_URL';
  }
};

/** "Redis 7.0.15 at host:port answers PING"; throws an Error saying what failed (host:port, no secret). */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<string> {
  // why: no reconnecting: a check answers once, it does not wait for a server to come back.
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => undefined); // the awaited calls below report the failure
  const timer = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref();
  });
  try {
    await Promise.race([client.connect(), timer]);
    const pong = await Promise.race([client.ping(), timer]);
    if (pong !== 'PONG') throw new Error(`answered PING with ${String(pong)}`);
    const info = await Promise.race([client.info('server'), timer]);
    const version = /redis_version:([^\r\n]+)/.exec(String(info))?.[1];
    return `Redis${version ? ` ${version}` : ''} at ${address(url)} answers PING`;
  } catch (err) {
    const why = scrubSecrets(err instanceof Error ? err.message : String(err), userInfoSecrets(url));
    throw new Error(`could not reach Redis at ${address(url)}: ${why} — check REDIS_URL (and that the server runs)`);
  } finally {
    if (client.isOpen) await client.close().catch(() => undefined);
  }
}
