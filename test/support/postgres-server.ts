/**
 * A PostgreSQL server for tests: TWIN_TEST_DATABASE_URL when set (CI starts one), else a throwaway cluster started
 * from Debian's binaries (/usr/lib/postgresql/<version>/bin) on a free port in a temp folder and stopped when the
 * test file ends. Without either, the tests that need it are skipped with a message naming the package, except on
 * CI (CI=true), where that is a failure.
 *
 * Each `newDatabaseUrl()` is a schema of its own (cheaper than a database), reached through the URL's
 * `options=-c search_path=...`, so tests never see each other's tables.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface PostgresForTests {
  /** Why the PostgreSQL tests are skipped; undefined when a server is there. */
  skip?: string;
  /** The URL of a fresh, empty schema on the server. */
  newDatabaseUrl(): Promise<string>;
  /** The server's own URL (no schema), for tests that need the address. */
  serverUrl: string;
}

const MISSING =
  'PostgreSQL tests skipped: set TWIN_TEST_DATABASE_URL, or install Debian\'s "postgresql" package (apt-get install postgresql)';

/** The newest /usr/lib/postgresql/<version>/bin holding initdb, if any. */
export function debianBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL program as the postgres user when we are root (initdb refuses root). */
function asPostgres(program: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  execFileSync(cmd, argv, { stdio: 'pipe' });
}

/** Starts a throwaway cluster from Debian's binaries in `bin`; `stop` ends it and removes its folder. */
export async function startCluster(bin: string): Promise<{ url: string; stop: () => void }> {
  const dir = await mkdtemp(join(tmpdir(), 'twinbot-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await chown(dir, uid, gid);
  }
  const port = await freePort();
  asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
  asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-w', '-l', join(dir, 'log'), 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      execFileSync('rm', ['-rf', dir]);
    }
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

let shared: Promise<PostgresForTests> | undefined;

/** The PostgreSQL of this test file (started once per process). */
export function postgresForTests(): Promise<PostgresForTests> {
  shared ??= start();
  return shared;
}

async function start(): Promise<PostgresForTests> {
  let url = process.env.TWIN_TEST_DATABASE_URL;
  if (!url) {
    const bin = debianBinaries();
    if (!bin) {
      if (process.env.CI === 'true') throw new Error(`${MISSING}; CI must provide PostgreSQL`);
      return { skip: MISSING, serverUrl: '', newDatabaseUrl: () => Promise.reject(new Error(MISSING)) };
    }
    const cluster = await startCluster(bin);
    url = cluster.url;
    // why: `after` ends the cluster with the file; the exit hook covers a file that fails before it runs.
    after(() => cluster.stop());
    process.once('exit', () => cluster.stop());
  }
  const serverUrl = url;
  const schemas: string[] = [];
  const admin = new pg.Pool({ connectionString: serverUrl, max: 2 });
  after(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => undefined);
    await admin.end();
  });
  return {
    serverUrl,
    async newDatabaseUrl() {
      const schema = `twin_test_${randomBytes(6).toString('hex')}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      schemas.push(schema);
      const u = new URL(serverUrl);
      u.searchParams.set('options', `-c search_path=${schema}`);
      return u.toString();
    },
  };
}

/** Removes a temp folder (for tests that make their own). */
export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });
