/**
 * The connection pool of a PostgreSQL ledger: bounded, with a statement timeout on every connection, and a first
 * connection made at once so a wrong DATABASE_URL fails the start with a sentence naming host and port.
 */
import pg from 'pg';
import { TwinError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { scrubSecrets, userInfoSecrets } from '../core/scrub-secrets.js';
import { postgresAddress } from './database-url.js';

export interface PostgresPoolOptions {
  url: string;
  logger: Logger;
  /**
   * Connections at most. why 10: a replica writes a row or two per request and reads a few rows per quota check;
   * ten keeps a handful of replicas well under PostgreSQL's default max_connections (100).
   */
  max?: number;
  /** A statement running longer is cancelled by the server (a stuck report must not hold a connection). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, from the server or the pool, before failing. */
  connectTimeoutMs?: number;
}

const reason = (err: unknown) => (err instanceof Error ? err.message || err.name : String(err));

/** Why PostgreSQL could not be reached or refused us, without the password. */
export function unreachable(url: string, err: unknown): TwinError {
  const why = scrubSecrets(reason(err), userInfoSecrets(url));
  return new TwinError(
    'storage',
    `could not reach PostgreSQL at ${postgresAddress(url)}: ${why} — check DATABASE_URL (and that the server runs)`,
    { cause: err },
  );
}

/** Opens the pool and checks one connection; throws a `storage` TwinError naming host:port when that fails. */
export async function openPostgresPool(options: PostgresPoolOptions): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    application_name: 'twinbot',
  });
  // why: an idle connection the server drops (restart, failover) emits 'error' on the pool; unhandled, it would
  // end the process. The next query opens a new connection; writes that fail meanwhile wait in the retry buffer.
  pool.on('error', (err) => {
    options.logger.warn(
      { event: 'usage.postgres_connection_lost', err: scrubSecrets(reason(err), userInfoSecrets(options.url)) },
      'a PostgreSQL connection was lost; the next query reconnects',
    );
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw unreachable(options.url, err);
  }
  return pool;
}
