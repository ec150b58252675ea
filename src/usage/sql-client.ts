/**
 * The part of a SQL database the ledger uses, the same for both engines it runs on: the embedded one (libsql,
 * SQLite's dialect) and PostgreSQL. Statements are written once with `?` or `:name` parameters; each client
 * passes them on in its engine's form. Where the two dialects differ, callers pick the text by `dialect`.
 */

export type SqlDialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** Positional (`?`) or named (`:name`) parameters, as libsql takes them. */
export type SqlArgs = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

export type SqlStatement = string | { sql: string; args?: SqlArgs };

/** One row by column name. Numbers may come back as decimal text (PostgreSQL's bigint and numeric): read with Number(). */
export type SqlRow = Readonly<Record<string, unknown>>;

export interface SqlResult {
  rows: SqlRow[];
  rowsAffected: number;
}

export interface SqlClient {
  readonly dialect: SqlDialect;
  execute(statement: SqlStatement): Promise<SqlResult>;
  /** Runs the statements in one write transaction: all apply or none. */
  batch(statements: readonly SqlStatement[]): Promise<SqlResult[]>;
  close(): Promise<void>;
}

export const sqlOf = (s: SqlStatement): string => (typeof s === 'string' ? s : s.sql);
