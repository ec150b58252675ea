/** What a DATABASE_URL means on this machine. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

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
