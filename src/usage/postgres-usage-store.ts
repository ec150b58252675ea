/**
 * The usage ledger in PostgreSQL (`DATABASE_URL=postgres://...`), shared by every replica; see sql-usage-store.ts
 * for what it does. Quota admissions of a tenant take turns across replicas through an advisory lock.
 */
import { TwinError } from '../core/errors.js';
import { systemClock } from '../core/ports.js';
import { scrubSecrets, userInfoSecrets } from '../core/scrub-secrets.js';
import { postgresAddress } from './database-url.js';
import { runMigrations } from './migrations.js';
import { PgSqlClient } from './pg-sql-client.js';
import { openPostgresPool, type PostgresPoolOptions } from './postgres-pool.js';
import { SqlUsageStore, silentLogger, type UsageStoreOptions } from './sql-usage-store.js';

export interface PostgresUsageStoreOptions extends UsageStoreOptions, Omit<PostgresPoolOptions, 'logger'> {}

export class PostgresUsageStore extends SqlUsageStore {
  /** Connects, migrates, and marks rows a dead process left open. */
  static async open(options: PostgresUsageStoreOptions): Promise<PostgresUsageStore> {
    const logger = options.logger ?? silentLogger;
    const pool = await openPostgresPool({ ...options, logger });
    const sql = new PgSqlClient(pool);
    try {
      const applied = await runMigrations(sql, { clock: options.clock ?? systemClock, logger });
      const store = new PostgresUsageStore(sql, options, applied, {
        exclusive: (key, work) => sql.exclusive(key, work),
      });
      await store.interruptAbandoned();
      return store;
    } catch (err) {
      await sql.close().catch(() => undefined);
      if (err instanceof TwinError) throw err;
      const why = scrubSecrets(err instanceof Error ? err.message : String(err), userInfoSecrets(options.url));
      throw new TwinError('storage', `Cannot open the usage database at ${postgresAddress(options.url)}: ${why}`, {
        cause: err,
      });
    }
  }
}
