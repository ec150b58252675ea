/**
 * The two engines the ledger runs on, for tests that must hold on both: each test file loops over STORE_ENGINES
 * and runs the same tests against each (`describe(name, { skip: engine.skip }, ...)`). PostgreSQL comes from
 * postgres-server.ts (skipped with a message when absent, a failure on CI).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createClient } from '@libsql/client';
import pg from 'pg';
import { LibsqlSqlClient } from '../../src/usage/libsql-sql-client.js';
import { openUsageStore } from '../../src/usage/open-usage-store.js';
import { PgSqlClient } from '../../src/usage/pg-sql-client.js';
import type { SqlClient } from '../../src/usage/sql-client.js';
import type { SqlUsageStore, UsageStoreOptions } from '../../src/usage/sql-usage-store.js';
import { postgresForTests } from './postgres-server.js';

export interface StoreEngine {
  name: 'libsql' | 'postgres';
  /** Why this engine's tests are skipped here. */
  skip?: string;
  /** A fresh, empty database that several stores (or processes) can open in turn. */
  url(): Promise<string>;
  /** A store on a fresh database. */
  open(options?: UsageStoreOptions): Promise<SqlUsageStore>;
  /** Plain SQL on a database, for tests that look at or plant rows; close it after. */
  raw(url: string): SqlClient;
  /** SQL that makes every later INSERT into usage_records fail inside the database, as a broken one would. */
  breakWrites: string;
  /** Undoes `breakWrites`. */
  repairWrites: string;
}

/** The embedded engine alone, for tests of what only it has (a file on disk, its folder, its locks). */
export const LIBSQL_ENGINE: StoreEngine = {
  name: 'libsql',
  async url() {
    const dir = await mkdtemp(join(tmpdir(), 'twinbot-engine-'));
    // why: inside a test, `after` runs when that test ends; at a file's top level, when the file does.
    after(() => rm(dir, { recursive: true, force: true }));
    return `file:${join(dir, 'ledger.db')}`;
  },
  async open(options = {}) {
    return openUsageStore({ ...options, url: ':memory:' });
  },
  raw: (url) => new LibsqlSqlClient(createClient({ url })),
  breakWrites: `CREATE TRIGGER break_writes BEFORE INSERT ON usage_records BEGIN SELECT RAISE(ABORT, 'disk says no'); END`,
  repairWrites: 'DROP TRIGGER break_writes',
};

async function postgresEngine(): Promise<StoreEngine> {
  const server = await postgresForTests();
  const engine: StoreEngine = {
    name: 'postgres',
    url: () => server.newDatabaseUrl(),
    async open(options = {}) {
      return openUsageStore({ ...options, url: await server.newDatabaseUrl() });
    },
    raw: (url) => new PgSqlClient(new pg.Pool({ connectionString: url, max: 2 })),
    breakWrites: `CREATE FUNCTION break_writes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'disk says no'; END $$;
      CREATE TRIGGER break_writes BEFORE INSERT ON usage_records FOR EACH ROW EXECUTE FUNCTION break_writes()`,
    repairWrites: 'DROP TRIGGER break_writes ON usage_records; DROP FUNCTION break_writes()',
  };
  if (server.skip !== undefined) engine.skip = server.skip;
  return engine;
}

export const STORE_ENGINES: readonly StoreEngine[] = [LIBSQL_ENGINE, await postgresEngine()];
