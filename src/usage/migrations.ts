/**
 * Versioned schema of the usage ledger, one list for both engines (the embedded SQLite dialect and PostgreSQL).
 * Each migration runs once, in one transaction together with its row in `schema_migrations`, so a crash mid-way
 * leaves the database at the previous version. Never edit a shipped migration: add the next one.
 *
 * Adding a migration is one entry at the end of MIGRATIONS. Write its statements in SQLite's words; PostgreSQL
 * runs them through `toPostgres` (INTEGER -> BIGINT, REAL -> DOUBLE PRECISION, TEXT columns byte-ordered,
 * WITHOUT ROWID dropped). Only when that is not enough (triggers, SQLite-only functions) give the entry a
 * `postgres` list of its own; the tests run every migration on both engines.
 */
import { TwinError } from '../core/errors.js';
import type { Clock, Logger } from '../core/ports.js';
import { DAILY_AGGREGATE_POSTGRES_STATEMENTS, DAILY_AGGREGATE_STATEMENTS } from './daily-aggregates.js';
import type { SqlClient, SqlDialect } from './sql-client.js';

export interface Migration {
  version: number;
  name: string;
  /** In SQLite's words; also PostgreSQL's, translated by `toPostgres`, unless `postgres` is given. */
  statements: readonly string[];
  /** PostgreSQL's statements, when translating `statements` is not enough. */
  postgres?: readonly string[];
}

/**
 * A schema statement in SQLite's words, in PostgreSQL's. why each rule: epoch milliseconds overflow PostgreSQL's
 * 4-byte INTEGER; its REAL is 4 bytes too (latency sums would lose precision); TEXT columns take the C collation so
 * ids sort and compare byte by byte, as in SQLite, whatever the database's locale; WITHOUT ROWID is SQLite's.
 */
export function toPostgres(statement: string): string {
  const declares = /^\s*(CREATE TABLE|ALTER TABLE)\b/i.test(statement);
  let out = statement
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION')
    .replace(/\)\s*WITHOUT ROWID\s*$/i, ')');
  if (declares) out = out.replace(/\bTEXT\b/g, 'TEXT COLLATE "C"');
  return out;
}

/** The statements of a migration for one engine. */
export function migrationStatements(m: Migration, dialect: SqlDialect): readonly string[] {
  if (dialect === 'sqlite') return m.statements;
  return m.postgres ?? m.statements.map(toPostgres);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'usage records',
    statements: [
      // why: cost_pico is the integer copy of cost_usd that sums use (see pico-usd.ts); the two *_bucket
      // columns are histogram buckets kept so percentiles survive a roll-up (see latency-histogram.ts).
      `CREATE TABLE usage_records (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        platform TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        enterprise_id TEXT,
        channel_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        user_name TEXT,
        command TEXT NOT NULL,
        model TEXT,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        queue_ms REAL NOT NULL,
        attempts INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error_code TEXT,
        cost_usd REAL NOT NULL,
        cost_pico INTEGER NOT NULL,
        mode TEXT,
        latency_bucket INTEGER NOT NULL,
        queue_bucket INTEGER NOT NULL
      )`,
      'CREATE INDEX usage_records_tenant_at ON usage_records (tenant_id, at)',
      'CREATE INDEX usage_records_at ON usage_records (at)',
    ],
  },
  {
    version: 2,
    name: 'daily aggregates and quotas',
    statements: [
      // why: '' rather than NULL for an absent model or error code, because the roll-up merges into existing days
      // with ON CONFLICT on the key (and WITHOUT ROWID keys cannot be NULL). WITHOUT ROWID stores each row once,
      // in its key's b-tree, instead of a table plus an index holding the same long key.
      `CREATE TABLE usage_daily (
        day INTEGER NOT NULL,
        tenant_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        model TEXT NOT NULL,
        outcome TEXT NOT NULL,
        error_code TEXT NOT NULL,
        user_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        requests INTEGER NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        cost_pico INTEGER NOT NULL,
        latency_sum REAL NOT NULL,
        queue_sum REAL NOT NULL,
        attempts INTEGER NOT NULL,
        user_name TEXT,
        name_at INTEGER,
        PRIMARY KEY (tenant_id, day, platform, model, outcome, error_code, user_id, channel_id)
      ) WITHOUT ROWID`,
      'CREATE INDEX usage_daily_day ON usage_daily (day)',
      // why: one row per tenant, day and metric holding "bucket:count,..." pairs, instead of a row per bucket, keeps
      // the histograms small; a late roll-up into the same day adds another row and readers add them up.
      `CREATE TABLE usage_daily_hist (
        tenant_id TEXT NOT NULL,
        day INTEGER NOT NULL,
        metric TEXT NOT NULL,
        buckets TEXT NOT NULL
      )`,
      'CREATE INDEX usage_daily_hist_tenant_day ON usage_daily_hist (tenant_id, day)',
      'CREATE INDEX usage_daily_hist_day ON usage_daily_hist (day)',
      `CREATE TABLE quotas (
        tenant_id TEXT PRIMARY KEY,
        requests_per_day INTEGER,
        tokens_per_day INTEGER,
        usd_per_month REAL,
        requests_per_month INTEGER,
        tokens_per_month INTEGER,
        updated_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'key-value entries',
    statements: [
      // why: platform state that must survive a restart (Slack installations, event ids already answered) lives
      // beside the ledger, so one DATABASE_URL is all a deployment has to keep.
      `CREATE TABLE kv_entries (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (namespace, key)
      ) WITHOUT ROWID`,
      'CREATE INDEX kv_entries_expires ON kv_entries (expires_at) WHERE expires_at IS NOT NULL',
    ],
  },
  {
    version: 4,
    name: 'daily dollar quotas',
    statements: ['ALTER TABLE quotas ADD COLUMN usd_per_day REAL'],
  },
  {
    version: 5,
    name: 'quota limits kept apart by who set them',
    statements: [
      // why: a tenant admin's tightening lives apart from the operator's limits (`quotas`), so an admin's clear or
      // raise can never touch what the operator set. Rows already in `quotas` stay the operator's: the safe reading.
      `CREATE TABLE tenant_admin_quotas (
        tenant_id TEXT PRIMARY KEY,
        requests_per_day INTEGER,
        tokens_per_day INTEGER,
        usd_per_month REAL,
        requests_per_month INTEGER,
        tokens_per_month INTEGER,
        usd_per_day REAL,
        updated_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 6,
    name: 'rows written at admission',
    statements: [
      // why: a request's row is written when it is admitted (outcome 'open') and completed at the end, so a crash
      // leaves a row behind. The owner columns say which process wrote it, so the next start can tell a row left
      // by a dead process (marked 'interrupted') from one another replica is still answering.
      'ALTER TABLE usage_records ADD COLUMN owner_id TEXT',
      'ALTER TABLE usage_records ADD COLUMN owner_host TEXT',
      'ALTER TABLE usage_records ADD COLUMN owner_pid INTEGER',
      "CREATE INDEX usage_records_open ON usage_records (owner_id) WHERE outcome = 'open'",
    ],
  },
  {
    version: 7,
    name: 'the failure shown beside its cause',
    // why: error_code keeps the underlying cause (a TwinError code such as 'upstream'); what the person read
    // ('llm_unavailable') is its own column. Additive: older rows keep NULL there.
    statements: ['ALTER TABLE usage_records ADD COLUMN failure_code TEXT'],
  },
  {
    version: 8,
    name: 'daily aggregates kept as records are written',
    // why: a 30-day report read every row of the window (seconds at 100 000 rows); see daily-aggregates.ts.
    statements: DAILY_AGGREGATE_STATEMENTS,
    postgres: DAILY_AGGREGATE_POSTGRES_STATEMENTS(toPostgres),
  },
  {
    version: 9,
    name: 'feedback on answers',
    statements: [
      // why: one vote per person per answer, changed in place (the key). No foreign key to usage_records: a roll-up
      // folds old requests into daily aggregates, and their votes stay (reports count votes by when they were given).
      // Plain TEXT/INTEGER so the same statements run on PostgreSQL.
      `CREATE TABLE answer_feedback (
        request_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        vote TEXT NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (request_id, user_id)
      )`,
      'CREATE INDEX answer_feedback_tenant_at ON answer_feedback (tenant_id, at)',
    ],
  },
  {
    version: 10,
    name: 'experiment arms, time to first token and cache hits',
    // why: the experiment readout (twinbot experiment report) compares arms over raw rows: which experiment and arm
    // each request ran in, when the model's first token came, and whether the answer cache served it (zero tokens,
    // zero cost) with the tokens the original answer spent. Plain portable SQL; older rows keep NULL / 0.
    statements: [
      'ALTER TABLE usage_records ADD COLUMN experiment TEXT',
      'ALTER TABLE usage_records ADD COLUMN arm TEXT',
      'ALTER TABLE usage_records ADD COLUMN ttft_ms REAL',
      'ALTER TABLE usage_records ADD COLUMN cached INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE usage_records ADD COLUMN saved_tokens INTEGER NOT NULL DEFAULT 0',
      'CREATE INDEX usage_records_experiment_at ON usage_records (experiment, at) WHERE experiment IS NOT NULL',
    ],
  },
];

async function appliedVersions(client: SqlClient): Promise<Set<number>> {
  const rs = await client.execute('SELECT version FROM schema_migrations');
  return new Set(rs.rows.map((r) => Number(r['version'])));
}

/**
 * Brings the database to the latest schema and returns the versions it applied now (empty when it was
 * current). Refuses a database written by a newer twinbot rather than guessing at its schema.
 */
export async function runMigrations(
  client: SqlClient,
  options: { clock: Clock; logger: Logger; migrations?: readonly Migration[] },
): Promise<number[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  const pg = client.dialect === 'postgres';
  // why: on PostgreSQL replicas starting together take turns (concurrent CREATE TABLE IF NOT EXISTS can still
  // collide there); each migration below takes the same lock, so the second replica finds the work done.
  const lock = pg ? ["SELECT pg_advisory_xact_lock(hashtextextended('twinbot schema migrations', 0))"] : [];
  const table =
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)';
  await client.batch([...lock, pg ? toPostgres(table) : table]);
  let applied = await appliedVersions(client);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  if (newest > known) {
    throw new TwinError(
      'storage',
      `The usage database has schema version ${newest}, newer than this twinbot knows (${known}). Upgrade twinbot.`,
    );
  }
  const ran: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    try {
      await client.batch([
        ...lock,
        ...migrationStatements(m, client.dialect),
        {
          sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
          args: [m.version, m.name, options.clock.now()],
        },
      ]);
    } catch (err) {
      // why: two processes starting at once (bot and CLI) may race; the loser's transaction rolls back whole,
      // and it is fine as long as the winner applied the same version.
      applied = await appliedVersions(client);
      if (applied.has(m.version)) continue;
      throw new TwinError('storage', `Usage database migration ${m.version} (${m.name}) failed`, { cause: err });
    }
    ran.push(m.version);
    options.logger.info({ event: 'usage.migrated', version: m.version, name: m.name }, 'usage database migrated');
  }
  return ran;
}
