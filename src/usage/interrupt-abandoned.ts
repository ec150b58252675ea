/**
 * Rows left open by a process that died (kill -9, a crash, a lost machine) become 'interrupted', keeping the model,
 * attempts and tokens written so far: they spent, so reports and quotas must see them.
 *
 * A row is abandoned when the process that opened it is surely gone: on this host, its pid is not running (or is
 * this process, which opened nothing under another owner id); on any host, it is older than `abandonedAfterMs`,
 * which the caller sets past the longest a request can run (the deadline), so another live replica's rows are
 * never touched.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlClient, SqlStatement } from './sql-client.js';
import type { RowOwner } from './usage-rows.js';

/** This process, as the owner of the rows it opens; one per process, whatever the number of stores. */
export const PROCESS_OWNER: RowOwner = { id: randomUUID(), host: hostname(), pid: process.pid };

/** Whether a process with this pid runs on this host (EPERM: it runs, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const INTERRUPT = `UPDATE usage_records SET outcome = 'interrupted', error_code = 'interrupted'`;

/**
 * The updates that mark open rows 'interrupted': those of other owners opened before `cutoff`, and every open row
 * of the `dead` owner ids. Both read only the partial index of open rows (a test checks the query plan).
 */
export function interruptStatements(owner: RowOwner, cutoff: number, dead: readonly string[]): SqlStatement[] {
  const statements: SqlStatement[] = [
    {
      // why `+at`: it keeps SQLite off the index on `at`, which it preferred, walking every row older than the
      // cut-off (seconds with the loop held at 1 000 000 rows, on each report while a question was in flight); the
      // partial index of open rows holds only the few requests being answered.
      sql: `${INTERRUPT} WHERE outcome = 'open' AND owner_id IS DISTINCT FROM ? AND +at < ?`,
      args: [owner.id, cutoff],
    },
  ];
  if (dead.length > 0) {
    statements.push({
      sql: `${INTERRUPT} WHERE outcome = 'open' AND owner_id IN (${dead.map(() => '?').join(', ')})`,
      args: [...dead],
    });
  }
  return statements;
}

/** Marks abandoned open rows 'interrupted'; returns how many. */
export async function interruptAbandoned(
  client: SqlClient,
  options: { owner: RowOwner; now: number; abandonedAfterMs: number; isAlive?: (pid: number) => boolean },
): Promise<number> {
  const { owner } = options;
  const isAlive = options.isAlive ?? pidAlive;
  const owners = await client.execute(
    "SELECT DISTINCT owner_id, owner_host, owner_pid FROM usage_records WHERE outcome = 'open'",
  );
  if (owners.rows.length === 0) return 0;
  const dead = owners.rows
    .filter((r) => r['owner_id'] !== owner.id && r['owner_host'] === owner.host)
    .filter((r) => Number(r['owner_pid']) === owner.pid || !isAlive(Number(r['owner_pid'])))
    .map((r) => String(r['owner_id']));
  const statements = interruptStatements(owner, options.now - options.abandonedAfterMs, dead);
  const results = await client.batch(statements);
  return results.reduce((n, r) => n + r.rowsAffected, 0);
}
