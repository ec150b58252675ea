/**
 * Issue 19.7: Slack installations (bot tokens) are encrypted at rest with AES-256-GCM under TWIN_ENCRYPTION_KEY,
 * keys rotate (the first encrypts, every one decrypts, a rewrap moves rows to the first), and the database file is
 * readable by its owner only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Installation } from '@slack/bolt';
import {
  INSTALLATIONS_NAMESPACE,
  KeyValueInstallationStore,
} from '../../src/adapters/slack/key-value-installation-store.js';
import { loadConfig } from '../../src/config.js';
import { EncryptedKeyValueStore } from '../../src/usage/encrypted-key-value-store.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import type { SqlUsageStore } from '../../src/usage/sql-usage-store.js';
import { STORE_ENGINES, type StoreEngine } from '../support/store-engines.js';
import { tempDir } from './usage-fixtures.js';

const workspace = (team: string): Installation<'v2', false> => ({
  team: { id: team, name: `Team ${team}` },
  enterprise: undefined,
  user: { id: 'U1', token: undefined, scopes: undefined },
  bot: { token: `xoxb-secret-${team}`, scopes: ['chat:write'], id: 'B1', userId: 'UBOT' },
  isEnterpriseInstall: false,
  authVersion: 'v2',
});
const query = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });

async function withEngineStore(engine: StoreEngine, run: (store: SqlUsageStore) => Promise<void>) {
  const store = await engine.open();
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

async function withStore(run: (store: LibsqlUsageStore, dir: string) => Promise<void>) {
  const tmp = await tempDir();
  const store = await LibsqlUsageStore.open({ url: `file:${join(tmp.dir, 'twin.db')}` });
  try {
    await run(store, tmp.dir);
  } finally {
    await store.close();
    await tmp.dispose();
  }
}

for (const engine of STORE_ENGINES) {
  describe(`installations at rest (${engine.name})`, { skip: engine.skip }, () => {
    it('stores no bot token in the clear, and reads it back', async () => {
      await withEngineStore(engine, async (store) => {
        const key = randomBytes(32);
        const installs = new KeyValueInstallationStore(new EncryptedKeyValueStore(store.keyValues, [key]));
        await installs.storeInstallation(workspace('T1'));
        const raw = (await store.keyValues.get(INSTALLATIONS_NAMESPACE, 'T:-:T1'))!;
        // why not /T1/: two characters turn up in random base64 in about one run of fifteen; the words cannot.
        assert.doesNotMatch(raw, /xoxb|secret|Team/);
        assert.match(raw, /^v1\./);
        assert.equal((await installs.fetchInstallation(query('T1'))).bot?.token, 'xoxb-secret-T1');
        assert.equal(await installs.has({ teamId: 'T1' }), true);
      });
    });

    it('rotates keys: the new key first, the old still decrypts, a rewrap moves every row to the new key', async () => {
      await withEngineStore(engine, async (store) => {
        const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
        const kv = store.keyValues;
        await new KeyValueInstallationStore(new EncryptedKeyValueStore(kv, [oldKey])).storeInstallation(
          workspace('T1'),
        );
        await new KeyValueInstallationStore(new EncryptedKeyValueStore(kv, [oldKey])).storeInstallation(
          workspace('T2'),
        );
        const rotating = new EncryptedKeyValueStore(kv, [newKey, oldKey]);
        assert.equal(
          (await new KeyValueInstallationStore(rotating).fetchInstallation(query('T1'))).bot?.token,
          'xoxb-secret-T1',
        );
        assert.equal(
          await rotating.rewrap(INSTALLATIONS_NAMESPACE, await kv.keysOf(INSTALLATIONS_NAMESPACE)),
          1,
          'T1 was rewritten on read already',
        );
        const newOnly = new KeyValueInstallationStore(new EncryptedKeyValueStore(kv, [newKey]));
        assert.equal((await newOnly.fetchInstallation(query('T2'))).bot?.token, 'xoxb-secret-T2');
        const oldOnly = new KeyValueInstallationStore(new EncryptedKeyValueStore(kv, [oldKey]));
        await assert.rejects(
          oldOnly.fetchInstallation(query('T2')),
          /encrypted with a key \(id [0-9a-f]{8}\) that TWIN_ENCRYPTION_KEY no longer lists/,
        );
      });
    });

    it('encrypts rows written before encryption was on, and refuses a row moved under another workspace', async () => {
      await withEngineStore(engine, async (store) => {
        const kv = store.keyValues;
        await new KeyValueInstallationStore(kv).storeInstallation(workspace('T1'));
        const secrets = new EncryptedKeyValueStore(kv, [randomBytes(32)]);
        assert.equal(await secrets.rewrap(INSTALLATIONS_NAMESPACE, await kv.keysOf(INSTALLATIONS_NAMESPACE)), 1);
        assert.doesNotMatch((await kv.get(INSTALLATIONS_NAMESPACE, 'T:-:T1'))!, /xoxb/);
        const installs = new KeyValueInstallationStore(secrets);
        assert.equal((await installs.fetchInstallation(query('T1'))).bot?.token, 'xoxb-secret-T1');
        // Someone with write access copies T1's row under T9's key: it must not become T9's installation.
        await kv.set(INSTALLATIONS_NAMESPACE, 'T:-:T9', (await kv.get(INSTALLATIONS_NAMESPACE, 'T:-:T1'))!);
        await assert.rejects(installs.fetchInstallation(query('T9')), /failed its integrity check/);
      });
    });
  });
}

describe('installations at rest: the database file', () => {
  it('creates the database file readable by its owner only, and narrows an existing one', async () => {
    await withStore(async (_store, dir) => {
      assert.equal(statSync(join(dir, 'twin.db')).mode & 0o777, 0o600);
      const wal = join(dir, 'twin.db-wal');
      assert.equal(statSync(wal).mode & 0o777, 0o600, 'the write-ahead log too');
      const older = join(dir, 'older.db');
      writeFileSync(older, '');
      chmodSync(older, 0o644);
      await (await LibsqlUsageStore.open({ url: `file:${older}` })).close();
      assert.equal(statSync(older).mode & 0o777, 0o600);
    });
  });

  it('TWIN_ENCRYPTION_KEY: required with Slack OAuth, a list of 32-byte keys, never echoed', () => {
    const oauth = {
      SLACK_CLIENT_ID: 'cid',
      SLACK_CLIENT_SECRET: 'cs',
      SLACK_STATE_SECRET: 'ss',
      SLACK_SIGNING_SECRET: 'sig',
      PORT: '3000',
    };
    assert.throws(
      () => loadConfig(oauth, '/tmp'),
      /Slack OAuth install flow stores bot tokens: set TWIN_ENCRYPTION_KEY/,
    );
    assert.throws(
      () => loadConfig({ ...oauth, TWIN_ENCRYPTION_KEY: 'not-a-real-key-value' }, '/tmp'),
      (err: Error) => /key 1 must be 32 bytes/.test(err.message) && !err.message.includes('not-a-real-key-value'),
    );
    const hex = randomBytes(32).toString('hex');
    const b64 = randomBytes(32).toString('base64');
    const config = loadConfig({ ...oauth, TWIN_ENCRYPTION_KEY: `${b64}, ${hex}` }, '/tmp');
    assert.deepEqual(
      config.encryptionKeys.map((k) => Buffer.from(k).toString('hex')),
      [Buffer.from(b64, 'base64').toString('hex'), hex],
    );
    assert.deepEqual(loadConfig({}, '/tmp').encryptionKeys, []);
  });
});
