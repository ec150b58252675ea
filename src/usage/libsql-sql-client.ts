/** The SqlClient port on @libsql/client (a local file, :memory:, or a libsql server). */
import type { Client, InArgs, InStatement, ResultSet } from '@libsql/client';
import type { SqlClient, SqlResult, SqlStatement } from './sql-client.js';

const toLibsql = (s: SqlStatement): InStatement =>
  typeof s === 'string' ? s : { sql: s.sql, args: (s.args ?? []) as InArgs };

const fromLibsql = (rs: ResultSet): SqlResult => ({ rows: rs.rows, rowsAffected: rs.rowsAffected });

export class LibsqlSqlClient implements SqlClient {
  readonly dialect = 'sqlite';

  constructor(readonly client: Client) {}

  async execute(statement: SqlStatement): Promise<SqlResult> {
    return fromLibsql(await this.client.execute(toLibsql(statement)));
  }

  async batch(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    return (await this.client.batch(statements.map(toLibsql), 'write')).map(fromLibsql);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
