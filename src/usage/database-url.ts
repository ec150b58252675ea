/** What a DATABASE_URL means on this machine. */
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Whether the ledger lives in PostgreSQL (`postgres://` or `postgresql://`) rather than the embedded database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** `host:port` of a PostgreSQL URL, for messages (never the user or password). */
export function postgresAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the address in DATABASE_URL';
  }
}

/**
 * The local file path of a `file:` URL (`file:/abs/x.db`, `file:///abs/x.db`, `file:relative/x.db`), or
 * undefined for in-memory and remote (libsql:, http:, ws:) databases.
 */
export function localDatabasePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  let path = url.slice('file:'.length);
  const query = path.indexOf('?');
  if (query >= 0) path = path.slice(0, query);
  // why: `file://host/path` carries an authority; libsql accepts only an empty one or localhost.
  if (path.startsWith('//')) {
    const slash = path.indexOf('/', 2);
    path = slash < 0 ? '' : path.slice(slash);
  }
  path = decodeURIComponent(path);
  if (path === '' || path === ':memory:' || path.startsWith(':memory:')) return undefined;
  return path;
}

/** Creates the folder a `file:` database lives in, so a first start needs no setup. */
export async function ensureDatabaseDirectory(url: string): Promise<void> {
  const path = localDatabasePath(url);
  if (path !== undefined) await mkdir(dirname(path), { recursive: true });
}

/**
 * Makes a `file:` database readable by its owner only (0600): creates the file so, or narrows an existing one and
 * its WAL files. why: it holds platform installations (bot tokens, encrypted) and who asked what; the default
 * umask would leave it world-readable. SQLite gives the WAL files it creates the database file's mode.
 */
export async function restrictDatabaseFile(url: string): Promise<void> {
  const path = localDatabasePath(url);
  if (path === undefined) return;
  const handle = await open(path, 'a', 0o600);
  try {
    if (((await handle.stat()).mode & 0o077) !== 0) await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
  for (const side of [`${path}-wal`, `${path}-shm`]) {
    await chmod(side, 0o600).catch(() => undefined); // absent until the first write: nothing to narrow
  }
}
