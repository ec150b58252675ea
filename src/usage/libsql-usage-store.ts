/**
 * The usage ledger on an embedded SQL database (@libsql/client: a local file, :memory:, or a libsql server); see
 * sql-usage-store.ts for what it does.
 */
import { type Client, createClient } from '@libsql/client';
import { TwinError } from '../core/errors.js';
import { systemClock } from '../core/ports.js';
import { scrubSecrets, stripUserInfo, userInfoSecrets } from '../core/scrub-secrets.js';
import { ensureDatabaseDirectory, localDatabasePath, restrictDatabaseFile } from './database-url.js';
import { LibsqlSqlClient } from './libsql-sql-client.js';
import { runMigrations } from './migrations.js';
import { SqlUsageStore, silentLogger, type UsageStoreOptions } from './sql-usage-store.js';

export type { ExportQuery } from './sql-usage-store.js';

export interface LibsqlUsageStoreOptions extends UsageStoreOptions {
  /** `file:/abs/path/twin.db`, `file:relative.db`, `:memory:`, or a libsql/http URL. */
  url: string;
  /** For remote libsql servers only. */
  authToken?: string;
  /** How long a write waits for another process's lock on a local file before failing. Default 5 000 ms. */
  busyTimeoutMs?: number;
}

/** Strips anything after `?` (libsql URLs may carry an authToken) and the user info before a URL goes into a message. */
const describeUrl = (url: string) => stripUserInfo(url.split('?')[0] ?? '');

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

function cannotOpen(url: string, err: unknown, authToken?: string): TwinError {
  if (err instanceof TwinError) return err;
  // why: libsql's own error text quotes the whole URL, password included ("...includes credentials: https://u:p@...").
  const why = scrubSecrets(reason(err), [...userInfoSecrets(url), authToken]);
  return new TwinError('storage', `Cannot open the usage database at ${describeUrl(url)}: ${why}`, { cause: err });
}

/**
 * Folds the write-ahead log back into the database file and truncates it. Why: the log grows to the size of the
 * largest transaction (a roll-up) and libsql's close does not shrink it. A reader in another process may hold it,
 * which is harmless (the store logs and goes on).
 */
const checkpoint = (client: Client) => async () => {
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
};

export class LibsqlUsageStore extends SqlUsageStore {
  /** Opens (and on first use creates) the ledger: makes the folder of a file database, then migrates. */
  static async open(options: LibsqlUsageStoreOptions): Promise<LibsqlUsageStore> {
    const logger = options.logger ?? silentLogger;
    let client: Client;
    try {
      await ensureDatabaseDirectory(options.url);
      await restrictDatabaseFile(options.url);
      client = createClient({
        url: options.url,
        ...(options.authToken ? { authToken: options.authToken } : {}),
        timeout: options.busyTimeoutMs ?? 5_000,
      });
    } catch (err) {
      throw cannotOpen(options.url, err, options.authToken);
    }
    const localFile = localDatabasePath(options.url) !== undefined;
    try {
      // why: WAL lets `twinbot usage` read while the bot writes, and keeps a crash from corrupting the file.
      if (localFile) {
        await client.execute('PRAGMA journal_mode = WAL');
        // why: the local client runs each statement synchronously on the event loop, and with the default FULL
        // every commit waited for an fsync there (3-5 ms per write, several writes per request). In WAL mode NORMAL
        // still survives a crash of the process; only a power loss may drop the last commits (never corruption).
        // The client reuses its one connection (we open no interactive transactions), so the pragma stays set.
        await client.execute('PRAGMA synchronous = NORMAL');
      }
      const sql = new LibsqlSqlClient(client);
      const applied = await runMigrations(sql, { clock: options.clock ?? systemClock, logger });
      const store = new LibsqlUsageStore(sql, options, applied, localFile ? { compact: checkpoint(client) } : {});
      await store.interruptAbandoned();
      return store;
    } catch (err) {
      client.close();
      throw cannotOpen(options.url, err, options.authToken);
    }
  }
}
