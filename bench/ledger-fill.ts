/** Fills a ledger fast for the benches that need many rows (ledger, dashboard). */
import type { UsageRecord } from '../src/core/types.js';
import { PROCESS_OWNER } from '../src/usage/interrupt-abandoned.js';
import type { SqlClient, SqlValue } from '../src/usage/sql-client.js';
import { upsertRecordStatement } from '../src/usage/usage-rows.js';
import { seededRandom } from '../test/support/seeded-random.js';

const DAY = 86_400_000;

/** One bench record: the `k`th, at `at`, drawn with `rnd`. */
export type MakeRecord = (rnd: () => number, k: number, at: number) => UsageRecord;

/**
 * Fills the ledger with `n` rows spread over the 45 days before `now`, 400 rows per INSERT and 25 000 per
 * transaction, then closes the client. why multi-row: the client prepares a native statement per execution and frees
 * it only on GC, so a million single-row statements in a tight loop grew the bench past 8 GB.
 */
export async function fillLedger(client: SqlClient, n: number, now: number, makeRecord: MakeRecord): Promise<void> {
  const rnd = seededRandom(n);
  const ROWS = 400;
  try {
    for (let i = 0; i < n; i += 25_000) {
      const statements = [];
      for (let j = i; j < Math.min(n, i + 25_000); j += ROWS) {
        const rows = [];
        for (let k = j; k < Math.min(n, i + 25_000, j + ROWS); k++) {
          rows.push(upsertRecordStatement(makeRecord(rnd, k, now - Math.floor(rnd() * 45 * DAY)), PROCESS_OWNER));
        }
        const first = rows[0] as { sql: string; args: unknown[] };
        const head = first.sql.slice(0, first.sql.indexOf('VALUES'));
        const tuple = `(${first.args.map(() => '?').join(', ')})`;
        statements.push({
          sql: `${head} VALUES ${rows.map(() => tuple).join(', ')}`,
          args: rows.flatMap((r) => (r as unknown as { args: SqlValue[] }).args),
        });
      }
      await client.batch(statements);
    }
  } finally {
    await client.close();
  }
}
