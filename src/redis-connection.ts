/**
 * The one Redis connection of a process (REDIS_URL), shared by the Groq budgets, the adapters' key-value state and
 * the Discord leader lock. why: commands fail fast while Redis is away (no offline queue, a short timeout), because
 * every user of it has a local fallback and must not wait on a dead server; the client reconnects by itself.
 */
import { createClient } from 'redis';
import type { Logger, RedisCommands } from './core/ports.js';
import { scrubSecrets } from './core/scrub-secrets.js';

export interface RedisConnection extends RedisCommands {
  /** Whether the connection is up right now. */
  readonly ready: boolean;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  /** A command waiting longer than this fails (and its user falls back). Default 1 000 ms. */
  commandTimeoutMs?: number;
}

/** Opens the connection without waiting for it: start-up never depends on Redis being there. */
export function connectRedis(url: string, logger: Logger, options: RedisConnectionOptions = {}): RedisConnection {
  const timeout = options.commandTimeoutMs ?? 1_000;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout, rejectInFlight: true },
    socket: {
      connectTimeout: timeout * 2,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000),
    },
  });
  let lastError = '';
  // why: without an 'error' listener node-redis's errors would be thrown as uncaught and end the process.
  client.on('error', (err: unknown) => {
    const message = scrubSecrets(err instanceof Error ? err.message : String(err), [url]);
    if (message === lastError) return;
    lastError = message;
    logger.debug({ event: 'twin.redis_error', reason: message }, 'Redis connection error');
  });
  client.on('ready', () => {
    lastError = '';
  });
  client.connect().catch((err: unknown) => {
    const message = scrubSecrets(err instanceof Error ? err.message : String(err), [url]);
    logger.warn({ event: 'twin.redis_connect_failed', reason: message }, `Redis could not be reached: ${message}`);
  });
  return {
    get ready() {
      return client.isReady;
    },
    sendCommand: (args: string[]) => client.sendCommand(args),
    async close() {
      if (client.isOpen) await client.close();
      else client.destroy();
    },
  };
}
