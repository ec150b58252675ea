/**
 * The KeyValueStore port on the ledger's own database (table kv_entries, migration 3), embedded or PostgreSQL.
 * Every claim is one statement, so it is atomic between processes on either engine.
 */
import { TwinError } from '../core/errors.js';
import type { Clock, KeyValueStore } from '../core/ports.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import type { SqlClient, SqlResult, SqlStatement } from './sql-client.js';

function storageError(err: unknown, action: string): TwinError {
  return new TwinError(
    'storage',
    `Key-value store: ${action} failed: ${scrubSecrets(err instanceof Error ? err.message : String(err))}`,
    {
      cause: err,
    },
  );
}

export class SqlKeyValueStore implements KeyValueStore {
  /**
   * `writes`: where `set` and the SQLite claim (`setIfAllAbsent`), both once per answer on the hot path, are
   * committed; the store passes its CoalescedWrites so they share a transaction with the ledger writes of the turn.
   */
  constructor(
    private readonly client: SqlClient,
    private readonly clock: Clock,
    private readonly writes: { write(statement: SqlStatement): Promise<SqlResult> } = {
      write: (statement) => client.execute(statement),
    },
  ) {}

  private expiry(ttlMs?: number): number | null {
    return ttlMs === undefined ? null : this.clock.now() + ttlMs;
  }

  async get(namespace: string, key: string): Promise<string | undefined> {
    try {
      const rs = await this.client.execute({
        sql: 'SELECT value FROM kv_entries WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
        args: [namespace, key, this.clock.now()],
      });
      const value = rs.rows[0]?.['value'];
      return typeof value === 'string' ? value : undefined;
    } catch (err) {
      throw storageError(err, 'reading');
    }
  }

  async set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void> {
    try {
      await this.writes.write({
        sql: `INSERT INTO kv_entries (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
              ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        args: [namespace, key, value, this.expiry(ttlMs)],
      });
    } catch (err) {
      throw storageError(err, 'writing');
    }
  }

  async setIfAbsent(namespace: string, key: string, value: string, ttlMs?: number): Promise<boolean> {
    try {
      // why: one statement, so two processes (or two retries of one Slack event) cannot both win.
      const rs = await this.client.execute({
        sql: `INSERT INTO kv_entries (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
              ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
              WHERE kv_entries.expires_at IS NOT NULL AND kv_entries.expires_at <= ?`,
        args: [namespace, key, value, this.expiry(ttlMs), this.clock.now()],
      });
      return rs.rowsAffected > 0;
    } catch (err) {
      throw storageError(err, 'writing');
    }
  }

  async setIfAllAbsent(namespace: string, keys: readonly string[], value: string, ttlMs?: number): Promise<boolean> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return false;
    const marks = unique.map(() => '?').join(', ');
    try {
      // why: one statement, so it is atomic even between processes on one database file: either every key is
      // claimed or none is. Two steps let each of two replicas win one key and lose the other, and both skip.
      // (`WHERE` before `ON CONFLICT` is also what SQLite needs to parse an upsert from a SELECT.) On PostgreSQL
      // the casts type the parameters, which a SELECT list leaves as text.
      const pg = this.client.dialect === 'postgres';
      const claim = {
        sql: `INSERT INTO kv_entries (namespace, key, value, expires_at)
              SELECT ${pg ? 'CAST(? AS TEXT), k.column1, CAST(? AS TEXT), CAST(? AS BIGINT)' : '?, k.column1, ?, ?'}
              FROM (VALUES ${unique.map(() => (pg ? '(CAST(? AS TEXT))' : '(?)')).join(', ')}) AS k
              WHERE NOT EXISTS (SELECT 1 FROM kv_entries e WHERE e.namespace = ? AND e.key IN (${marks})
                AND (e.expires_at IS NULL OR e.expires_at > ?))
              ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        args: [namespace, value, this.expiry(ttlMs), ...unique, namespace, ...unique, this.clock.now()],
      };
      if (!pg) return (await this.writes.write(claim)).rowsAffected > 0;
      // why: SQLite runs one writer at a time, so its NOT EXISTS sees every earlier claim. PostgreSQL runs two claims
      // side by side, each seeing neither, and both would "win" (the later overwriting the earlier). A transaction
      // lock per namespace makes claims of one namespace take turns; each statement then sees the claims before it.
      const lock = { sql: 'SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', args: [`twinbot kv ${namespace}`] };
      const [, claimed] = await this.client.batch([lock, claim]);
      return (claimed?.rowsAffected ?? 0) > 0;
    } catch (err) {
      throw storageError(err, 'writing');
    }
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    try {
      const rs = await this.client.execute({
        sql: 'DELETE FROM kv_entries WHERE namespace = ? AND key = ?',
        args: [namespace, key],
      });
      return rs.rowsAffected > 0;
    } catch (err) {
      throw storageError(err, 'deleting');
    }
  }

  async deletePrefix(namespace: string, prefix: string): Promise<number> {
    try {
      // why: a range instead of LIKE, so '%' or '_' in ids mean nothing special. PostgreSQL says it directly
      // (and its keys are byte-ordered, see migrations.ts, so both agree).
      const rs = await this.client.execute(
        this.client.dialect === 'postgres'
          ? { sql: 'DELETE FROM kv_entries WHERE namespace = ? AND starts_with(key, ?)', args: [namespace, prefix] }
          : {
              sql: 'DELETE FROM kv_entries WHERE namespace = ? AND key >= ? AND key < ?',
              args: [namespace, prefix, `${prefix}\uffff`],
            },
      );
      return rs.rowsAffected;
    } catch (err) {
      throw storageError(err, 'deleting');
    }
  }

  /** The live keys of a namespace (for re-encrypting them under a new key). */
  async keysOf(namespace: string): Promise<string[]> {
    try {
      const rs = await this.client.execute({
        sql: 'SELECT key FROM kv_entries WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key',
        args: [namespace, this.clock.now()],
      });
      return rs.rows.map((r) => String(r['key']));
    } catch (err) {
      throw storageError(err, 'listing');
    }
  }

  /** Removes expired entries; the ledger's daily roll-up calls it so expired ids do not pile up. */
  async sweep(): Promise<number> {
    try {
      const rs = await this.client.execute({
        sql: 'DELETE FROM kv_entries WHERE expires_at IS NOT NULL AND expires_at <= ?',
        args: [this.clock.now()],
      });
      return rs.rowsAffected;
    } catch (err) {
      throw storageError(err, 'sweeping');
    }
  }
}
