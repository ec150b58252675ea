import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrationStatements, toPostgres } from '../../src/usage/migrations.js';
import { toPositional } from '../../src/usage/pg-sql-client.js';

test('libsql parameters become $n: `?` in order, a repeated :name is one parameter', () => {
  assert.deepEqual(toPositional('SELECT ? + ?', [1, 2]), { text: 'SELECT $1 + $2', values: [1, 2] });
  assert.deepEqual(toPositional('WHERE a = :t AND b >= :from AND c = :t', { t: 'x', from: 5 }), {
    text: 'WHERE a = $1 AND b >= $2 AND c = $1',
    values: ['x', 5],
  });
});

test('string literals, quoted names, comments and :: casts are left alone', () => {
  const sql = `SELECT ':x?', "a:b", n::text -- what :y?\n, :z`;
  assert.deepEqual(toPositional(sql, { z: 1 }), {
    text: `SELECT ':x?', "a:b", n::text -- what :y?\n, $1`,
    values: [1],
  });
  assert.throws(() => toPositional('SELECT ?, ?', [1]), /more \? parameters/);
  assert.throws(() => toPositional('SELECT :missing', {}), /:missing has no value/);
});

test("schema statements in SQLite's words translate to PostgreSQL's", () => {
  assert.equal(
    toPostgres('CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL, c REAL) WITHOUT ROWID'),
    'CREATE TABLE t (a BIGINT PRIMARY KEY, b TEXT COLLATE "C" NOT NULL, c DOUBLE PRECISION)',
  );
  assert.equal(toPostgres('ALTER TABLE q ADD COLUMN usd REAL'), 'ALTER TABLE q ADD COLUMN usd DOUBLE PRECISION');
  // An index or a query keeps its TEXT (a cast), only column declarations get the collation.
  assert.equal(toPostgres('CREATE INDEX i ON t (CAST(b AS TEXT))'), 'CREATE INDEX i ON t (CAST(b AS TEXT))');
  const own = { version: 99, name: 'x', statements: ['A'], postgres: ['B'] };
  assert.deepEqual(migrationStatements(own, 'postgres'), ['B']);
  assert.deepEqual(migrationStatements(own, 'sqlite'), ['A']);
});
