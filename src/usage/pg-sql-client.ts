/**
 * The SqlClient port on PostgreSQL (`pg`): a bounded pool, a statement timeout on every connection, statements
 * written with libsql's `?` / `:name` parameters passed on as `$n`, batches as transactions, and a per-key lock
 * that holds across processes (an advisory lock) for check-then-write steps such as admitting a request under a
 * quota.
 */
import type pg from 'pg';
import type { SqlArgs, SqlClient, SqlResult, SqlStatement, SqlValue } from './sql-client.js';

/**
 * `?` and `:name` parameters -> `$1..$n` with the values in order (a name used twice is one parameter). String
 * literals, quoted names, comments and `::` casts are left alone.
 */
export function toPositional(sql: string, args: SqlArgs | undefined): { text: string; values: SqlValue[] } {
  if (args === undefined) return { text: sql, values: [] };
  const positional = Array.isArray(args) ? (args as readonly SqlValue[]) : undefined;
  const named = positional ? undefined : (args as Readonly<Record<string, SqlValue>>);
  const values: SqlValue[] = [];
  const slots = new Map<string, number>();
  let text = '';
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end;
      text += sql.slice(i, stop + 1);
      i = stop;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === ':' && sql[i + 1] === ':') {
      text += '::';
      i++;
    } else if (c === '?' && positional) {
      if (next >= positional.length) throw new Error(`SQL has more ? parameters than the ${positional.length} given`);
      values.push(positional[next++] as SqlValue);
      text += `$${values.length}`;
    } else if (c === ':' && named && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))?.[0] as string;
      if (!(name in named)) throw new Error(`SQL parameter :${name} has no value`);
      let slot = slots.get(name);
      if (slot === undefined) {
        values.push(named[name] as SqlValue);
        slot = values.length;
        slots.set(name, slot);
      }
      text += `$${slot}`;
      i += name.length;
    } else {
      text += c;
    }
  }
  return { text, values };
}

type Queryable = Pick<pg.PoolClient, 'query'>;

async function run(on: Queryable, statement: SqlStatement): Promise<SqlResult> {
  const { text, values } =
    typeof statement === 'string' ? { text: statement, values: [] } : toPositional(statement.sql, statement.args);
  const rs = await on.query({ text, values: values as unknown[] });
  // why: a multi-statement string (a migration's plpgsql function and its trigger) answers with an array.
  const last = Array.isArray(rs) ? (rs.at(-1) as pg.QueryResult) : rs;
  return { rows: last?.rows ?? [], rowsAffected: last?.rowCount ?? 0 };
}

export class PgSqlClient implements SqlClient {
  readonly dialect = 'postgres';
  /** Lock holders at once; see `exclusive`. */
  #lockSlots: number;
  readonly #waitingForSlot: (() => void)[] = [];

  constructor(readonly pool: pg.Pool) {
    this.#lockSlots = Math.max(1, (pool.options.max ?? 10) - 2);
  }

  execute(statement: SqlStatement): Promise<SqlResult> {
    return run(this.pool, statement);
  }

  batch(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    return this.transaction(async (tx) => {
      const results: SqlResult[] = [];
      for (const s of statements) results.push(await run(tx, s));
      return results;
    });
  }

  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `work` while holding the advisory lock of `key` on a connection of its own, so no other process runs work
   * under the same key meanwhile; the lock goes when `work` settles, or with the connection if the process dies.
   */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    // why: a holder keeps its connection while `work` queries through the pool; were every connection held by a
    // lock holder, their work would wait for a connection none will give back. Two stay free for the work.
    if (this.#lockSlots === 0) await new Promise<void>((resolve) => this.#waitingForSlot.push(resolve));
    else this.#lockSlots--;
    try {
      return await this.#locked(key, work);
    } finally {
      const next = this.#waitingForSlot.shift();
      if (next) next();
      else this.#lockSlots++;
    }
  }

  async #locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let locked = false;
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      locked = true;
      return await work();
    } finally {
      const unlocked = locked
        ? await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).then(
            () => true,
            () => false,
          )
        : true;
      // why: a connection that could not unlock still holds the lock; destroying it releases it.
      client.release(!unlocked);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
