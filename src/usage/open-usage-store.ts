/** The ledger DATABASE_URL names: PostgreSQL for `postgres://` URLs, else the embedded database. */
import { isPostgresUrl } from './database-url.js';
import { LibsqlUsageStore } from './libsql-usage-store.js';
import { PostgresUsageStore } from './postgres-usage-store.js';
import type { SqlUsageStore, UsageStoreOptions } from './sql-usage-store.js';

export function openUsageStore(options: UsageStoreOptions & { url: string }): Promise<SqlUsageStore> {
  return isPostgresUrl(options.url) ? PostgresUsageStore.open(options) : LibsqlUsageStore.open(options);
}
