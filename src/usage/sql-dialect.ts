/**
 * The few places where SQLite's and PostgreSQL's SQL differ for the ledger, each written once for both. Everything
 * else in the ledger's SQL is common to the two.
 */
import type { SqlDialect } from './sql-client.js';

/**
 * The latest display name of a group (the name of the row with the greatest `atColumn` among rows with a name),
 * next to `MAX(CASE WHEN user_name IS NOT NULL THEN at END)` in the same select. why: SQLite takes a bare column
 * from the row holding the query's one MAX(); PostgreSQL has no bare columns, so it orders an array instead.
 */
export function latestName(dialect: SqlDialect, atColumn: string): string {
  return dialect === 'sqlite'
    ? 'user_name'
    : `(array_agg(user_name ORDER BY ${atColumn} DESC) FILTER (WHERE user_name IS NOT NULL))[1]`;
}

/** Text values of a group joined with `,`. */
export function joinText(dialect: SqlDialect, expression: string): string {
  return dialect === 'sqlite' ? `group_concat(${expression}, ',')` : `string_agg(${expression}, ',')`;
}

/** The larger of two values, NULL only when both are. */
export function larger(dialect: SqlDialect, a: string, b: string): string {
  return dialect === 'sqlite' ? `MAX(COALESCE(${a}, ${b}), COALESCE(${b}, ${a}))` : `GREATEST(${a}, ${b})`;
}

/**
 * A column of the row an upsert conflicts with, inside `DO UPDATE SET`. why: PostgreSQL calls a bare column there
 * ambiguous (it could be the target's or `excluded`'s); SQLite reads it as the target's.
 */
export function existing(dialect: SqlDialect, table: string, column: string): string {
  return dialect === 'sqlite' ? column : `${table}.${column}`;
}

/**
 * After `FROM usage_records`: read the rows still open through their partial index. why: SQLite's planner picks
 * the (tenant_id, at) index for `tenant_id = ? AND at >= ? AND outcome = 'open'` and walks every row of the tenant's
 * month to find the few open ones; PostgreSQL's statistics see how few they are and choose well unaided.
 */
export function openRowsIndex(dialect: SqlDialect): string {
  return dialect === 'sqlite' ? ' INDEXED BY usage_records_open' : '';
}
