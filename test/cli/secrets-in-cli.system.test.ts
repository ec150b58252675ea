/**
 * Issue 19, item 6, through the real command: a password in DATABASE_URL never reaches what `twinbot usage` prints
 * when the database cannot be opened. (The in-process checks are in test/secrets-in-errors.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, tempWorkdir } from '../support/run-cli.js';

const PASSWORD = 'hunter2-s3cret';

describe('credentials are stripped from what the command prints', () => {
  it('twinbot usage on a database URL with a password prints the failure without it', async () => {
    const cwd = tempWorkdir();
    const run = await runCli(['usage'], { DATABASE_URL: `libsql://alice:${PASSWORD}@127.0.0.1:9/db` }, cwd);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /usage database/i);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(PASSWORD), run.stderr);
  });
});
