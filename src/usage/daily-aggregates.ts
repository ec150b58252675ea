/**
 * Daily aggregates kept as records are written (issue 20.4): per tenant and UTC day, the sums a report needs, by
 * model, outcome and failure code (`usage_agg`), request counts per user (`usage_agg_users`) and per channel
 * (`usage_agg_channels`), and latency and queue histograms (`usage_agg_hist`).
 *
 * They mirror exactly the rows of `usage_records` that are not open: SQLite triggers add a row when it is written
 * or completed, and take it away when it changes (an 'interrupted' row completed after all) or is deleted (roll-up,
 * forget), in the same transaction as the write. So a report reads a few rows per day instead of every request,
 * and can never disagree with the rows. Rolled-up days (`usage_daily`) are a separate, older mirror and stay as
 * they are.
 */
import { DAY_MS, DAY_SUMS } from './roll-up-ledger.js';
import type { SqlDialect } from './sql-client.js';
import { existing } from './sql-dialect.js';

const day = (row: 'NEW' | 'OLD') => `(${row}.at / ${DAY_MS}) * ${DAY_MS}`;

const FACT_KEY = 'tenant_id, day, model, outcome, error_code';

/** The value a row adds to each sum of `usage_agg`. */
const factValues = (r: 'NEW' | 'OLD') =>
  [
    '1',
    `${r}.prompt_tokens`,
    `${r}.completion_tokens`,
    `${r}.total_tokens`,
    `${r}.cost_pico`,
    `${r}.latency_ms`,
    `${r}.queue_ms`,
    `${r}.attempts`,
  ] as const;

function addRow(dialect: SqlDialect): string[] {
  const values = factValues('NEW');
  const agg = (c: string) => existing(dialect, 'usage_agg', c);
  const user = (c: string) => existing(dialect, 'usage_agg_users', c);
  return [
    `INSERT INTO usage_agg (${FACT_KEY}, ${DAY_SUMS.join(', ')})
      VALUES (NEW.tenant_id, ${day('NEW')}, COALESCE(NEW.model, ''), NEW.outcome, COALESCE(NEW.error_code, ''),
        ${values.join(', ')})
      ON CONFLICT (${FACT_KEY}) DO UPDATE SET ${DAY_SUMS.map((c) => `${c} = ${agg(c)} + excluded.${c}`).join(', ')}`,
    // why: the label of a user is the latest display name seen; `>` keeps the first of equal times, as a scan would.
    `INSERT INTO usage_agg_users (tenant_id, day, user_id, requests, user_name, name_at)
      VALUES (NEW.tenant_id, ${day('NEW')}, NEW.user_id, 1, NEW.user_name,
        CASE WHEN NEW.user_name IS NOT NULL THEN NEW.at END)
      ON CONFLICT (tenant_id, day, user_id) DO UPDATE SET requests = ${user('requests')} + 1,
        user_name = CASE WHEN excluded.name_at IS NOT NULL AND (${user('name_at')} IS NULL OR excluded.name_at > ${user('name_at')})
          THEN excluded.user_name ELSE ${user('user_name')} END,
        name_at = CASE WHEN excluded.name_at IS NOT NULL AND (${user('name_at')} IS NULL OR excluded.name_at > ${user('name_at')})
          THEN excluded.name_at ELSE ${user('name_at')} END`,
    `INSERT INTO usage_agg_channels (tenant_id, day, channel_id, requests)
      VALUES (NEW.tenant_id, ${day('NEW')}, NEW.channel_id, 1)
      ON CONFLICT (tenant_id, day, channel_id) DO UPDATE SET requests = ${existing(dialect, 'usage_agg_channels', 'requests')} + 1`,
    ...(['latency', 'queue'] as const).map(
      (metric) => `INSERT INTO usage_agg_hist (tenant_id, day, metric, bucket, n)
        SELECT NEW.tenant_id, ${day('NEW')}, '${metric}', NEW.${metric}_bucket, 1 WHERE NEW.outcome <> 'refused'
        ON CONFLICT (tenant_id, day, metric, bucket) DO UPDATE SET n = ${existing(dialect, 'usage_agg_hist', 'n')} + 1`,
    ),
  ];
}

function removeRow(): string[] {
  const values = factValues('OLD');
  const factKey = `tenant_id = OLD.tenant_id AND day = ${day('OLD')} AND model = COALESCE(OLD.model, '')
    AND outcome = OLD.outcome AND error_code = COALESCE(OLD.error_code, '')`;
  const userKey = `tenant_id = OLD.tenant_id AND day = ${day('OLD')} AND user_id = OLD.user_id`;
  const channelKey = `tenant_id = OLD.tenant_id AND day = ${day('OLD')} AND channel_id = OLD.channel_id`;
  const histKey = (metric: string) =>
    `tenant_id = OLD.tenant_id AND day = ${day('OLD')} AND metric = '${metric}' AND bucket = OLD.${metric}_bucket
      AND OLD.outcome <> 'refused'`;
  // why: UPDATE, not an upsert: when a caller already removed the day's aggregates (roll-up, forget) there is
  // nothing to take away, and no negative row appears.
  return [
    `UPDATE usage_agg SET ${DAY_SUMS.map((c, i) => `${c} = ${c} - ${values[i]}`).join(', ')} WHERE ${factKey}`,
    `DELETE FROM usage_agg WHERE ${factKey} AND requests <= 0`,
    `UPDATE usage_agg_users SET requests = requests - 1 WHERE ${userKey}`,
    `DELETE FROM usage_agg_users WHERE ${userKey} AND requests <= 0`,
    `UPDATE usage_agg_channels SET requests = requests - 1 WHERE ${channelKey}`,
    `DELETE FROM usage_agg_channels WHERE ${channelKey} AND requests <= 0`,
    ...(['latency', 'queue'] as const).flatMap((metric) => [
      `UPDATE usage_agg_hist SET n = n - 1 WHERE ${histKey(metric)}`,
      `DELETE FROM usage_agg_hist WHERE ${histKey(metric)} AND n <= 0`,
    ]),
  ];
}

const trigger = (name: string, event: string, when: string, body: string[]) =>
  `CREATE TRIGGER ${name} AFTER ${event} ON usage_records WHEN ${when} BEGIN ${body.map((s) => `${s};`).join(' ')} END`;

/** The aggregate tables and their indexes, in SQLite's words (migrations.ts translates them for PostgreSQL). */
const TABLES: readonly string[] = [
  // why: '' rather than NULL for an absent model or error code, because WITHOUT ROWID keys cannot be NULL.
  `CREATE TABLE usage_agg (
    tenant_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    model TEXT NOT NULL,
    outcome TEXT NOT NULL,
    error_code TEXT NOT NULL,
    requests INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    cost_pico INTEGER NOT NULL,
    latency_sum REAL NOT NULL,
    queue_sum REAL NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (${FACT_KEY})
  ) WITHOUT ROWID`,
  'CREATE INDEX usage_agg_day ON usage_agg (day)',
  `CREATE TABLE usage_agg_users (
    tenant_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    requests INTEGER NOT NULL,
    user_name TEXT,
    name_at INTEGER,
    PRIMARY KEY (tenant_id, day, user_id)
  ) WITHOUT ROWID`,
  'CREATE INDEX usage_agg_users_day ON usage_agg_users (day)',
  `CREATE TABLE usage_agg_channels (
    tenant_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, channel_id)
  ) WITHOUT ROWID`,
  'CREATE INDEX usage_agg_channels_day ON usage_agg_channels (day)',
  `CREATE TABLE usage_agg_hist (
    tenant_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    metric TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, metric, bucket)
  ) WITHOUT ROWID`,
  'CREATE INDEX usage_agg_hist_day ON usage_agg_hist (day)',
];

/** Migration 8: the aggregate tables, their indexes, the triggers, and the backfill from existing rows. */
export const DAILY_AGGREGATE_STATEMENTS: readonly string[] = [
  ...TABLES,
  trigger('usage_agg_insert', 'INSERT', "NEW.outcome <> 'open'", addRow('sqlite')),
  trigger('usage_agg_update_old', 'UPDATE', "OLD.outcome <> 'open'", removeRow()),
  trigger('usage_agg_update_new', 'UPDATE', "NEW.outcome <> 'open'", addRow('sqlite')),
  trigger('usage_agg_delete', 'DELETE', "OLD.outcome <> 'open'", removeRow()),
  // The backfill: the same sums over the rows already there.
  `INSERT INTO usage_agg (${FACT_KEY}, ${DAY_SUMS.join(', ')})
    SELECT tenant_id, (at / ${DAY_MS}) * ${DAY_MS} AS d, COALESCE(model, '') AS m, outcome, COALESCE(error_code, '') AS e,
      COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens), SUM(cost_pico), SUM(latency_ms),
      SUM(queue_ms), SUM(attempts)
    FROM usage_records WHERE outcome <> 'open' GROUP BY tenant_id, d, m, outcome, e`,
  // why: the user name of the earliest row among those with the latest time (rowid order is write order).
  `INSERT INTO usage_agg_users (tenant_id, day, user_id, requests, user_name, name_at)
    SELECT tenant_id, d, user_id, n,
      (SELECT r2.user_name FROM usage_records r2 WHERE r2.tenant_id = g.tenant_id AND r2.user_id = g.user_id
        AND r2.at = g.name_at AND r2.user_name IS NOT NULL AND r2.outcome <> 'open' ORDER BY r2.rowid LIMIT 1),
      name_at
    FROM (SELECT tenant_id, (at / ${DAY_MS}) * ${DAY_MS} AS d, user_id, COUNT(*) AS n,
        MAX(CASE WHEN user_name IS NOT NULL THEN at END) AS name_at
      FROM usage_records WHERE outcome <> 'open' GROUP BY tenant_id, d, user_id) g`,
  `INSERT INTO usage_agg_channels (tenant_id, day, channel_id, requests)
    SELECT tenant_id, (at / ${DAY_MS}) * ${DAY_MS} AS d, channel_id, COUNT(*)
    FROM usage_records WHERE outcome <> 'open' GROUP BY tenant_id, d, channel_id`,
  ...(['latency', 'queue'] as const).map(
    (metric) => `INSERT INTO usage_agg_hist (tenant_id, day, metric, bucket, n)
      SELECT tenant_id, (at / ${DAY_MS}) * ${DAY_MS} AS d, '${metric}', ${metric}_bucket AS b, COUNT(*)
      FROM usage_records WHERE outcome NOT IN ('open', 'refused') GROUP BY tenant_id, d, b`,
  ),
];

/** A plpgsql trigger function running the statements for each row. */
const pgFunction = (name: string, body: string[]) =>
  `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN ${body.map((s) => `${s};`).join('\n')}
    RETURN NULL;
  END $$`;

const pgTrigger = (name: string, event: string, when: string, fn: string) =>
  `CREATE TRIGGER ${name} AFTER ${event} ON usage_records FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${fn}()`;

/**
 * Migration 8 on PostgreSQL: the same tables and the same trigger bodies as plpgsql functions. No backfill: a
 * PostgreSQL ledger runs migrations 1 to 8 together on empty tables (PostgreSQL support arrived after 8).
 */
export const DAILY_AGGREGATE_POSTGRES_STATEMENTS = (translate: (ddl: string) => string): readonly string[] => [
  ...TABLES.map(translate),
  pgFunction('usage_agg_add_row', addRow('postgres')),
  pgFunction('usage_agg_remove_row', removeRow()),
  pgTrigger('usage_agg_insert', 'INSERT', "NEW.outcome <> 'open'", 'usage_agg_add_row'),
  pgTrigger('usage_agg_update_old', 'UPDATE', "OLD.outcome <> 'open'", 'usage_agg_remove_row'),
  pgTrigger('usage_agg_update_new', 'UPDATE', "NEW.outcome <> 'open'", 'usage_agg_add_row'),
  pgTrigger('usage_agg_delete', 'DELETE', "OLD.outcome <> 'open'", 'usage_agg_remove_row'),
];
