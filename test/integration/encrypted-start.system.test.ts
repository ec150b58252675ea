/**
 * Issue 19.7 at start-up: `twinbot start` with the Slack OAuth flow encrypts installations kept from before (and
 * any under an older key) with the first TWIN_ENCRYPTION_KEY, and its database file is readable by its owner only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createClient } from '@libsql/client';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { startCli, tempWorkdir } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';

describe('twinbot start with Slack OAuth', () => {
  test('encrypts the installations kept from before with TWIN_ENCRYPTION_KEY', async () => {
    const cwd = tempWorkdir();
    const db = join(cwd, 'twin.db');
    const before = await LibsqlUsageStore.open({ url: `file:${db}` });
    const legacy = { team: { id: 'T1' }, bot: { token: 'xoxb-legacy-plain' }, isEnterpriseInstall: false };
    await before.keyValues.set('slack-installations', 'T:-:T1', JSON.stringify(legacy));
    await before.close();

    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const run = startCli(
      ['start'],
      {
        SLACK_CLIENT_ID: 'cid',
        SLACK_CLIENT_SECRET: 'csecret',
        SLACK_STATE_SECRET: 'state',
        SLACK_SIGNING_SECRET: 'signing',
        PORT: String(port),
        TWIN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
      cwd,
    );
    const raw = createClient({ url: `file:${db}` });
    try {
      await waitFor(() => run.stderr().includes('slack-http adapter started'), 'the Slack adapter');
      assert.match(run.stderr(), /"event":"twin.installations_rewrapped","count":1/);
      const row = await raw.execute("SELECT value FROM kv_entries WHERE namespace = 'slack-installations'");
      assert.doesNotMatch(String(row.rows[0]?.['value']), /xoxb/);
      assert.equal(statSync(db).mode & 0o777, 0o600);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
    } finally {
      raw.close();
      run.child.kill('SIGTERM');
      await run.done;
    }
  });
});
