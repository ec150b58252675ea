/** Slack installations and answered event ids survive a restart: they live in the ledger's database. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Installation } from '@slack/bolt';
import { KeyValueEventDedupeStore } from '../../../src/adapters/slack/key-value-event-dedupe.js';
import { KeyValueInstallationStore } from '../../../src/adapters/slack/key-value-installation-store.js';
import { LibsqlUsageStore } from '../../../src/usage/libsql-usage-store.js';

const dir = mkdtempSync(join(tmpdir(), 'twinbot-kv-'));
const url = `file:${join(dir, 'twin.db')}`;
after(() => rmSync(dir, { recursive: true, force: true }));

const workspace = (team: string, enterprise?: string): Installation<'v2', false> => ({
  team: { id: team, name: `Team ${team}` },
  enterprise: enterprise ? { id: enterprise, name: 'Org' } : undefined,
  user: { id: 'U1', token: undefined, scopes: undefined },
  bot: { token: `xoxb-${team}`, scopes: ['chat:write'], id: 'B1', userId: 'UBOT' },
  isEnterpriseInstall: false,
  authVersion: 'v2',
});

describe('Slack state on the key-value store', () => {
  test('an installation survives closing and reopening the database, and uninstall removes it', async () => {
    const first = await LibsqlUsageStore.open({ url });
    await new KeyValueInstallationStore(first.keyValues).storeInstallation(workspace('T1'));
    await new KeyValueInstallationStore(first.keyValues).storeInstallation(workspace('T2', 'E1'));
    await first.close();

    const second = await LibsqlUsageStore.open({ url });
    const store = new KeyValueInstallationStore(second.keyValues);
    const found = await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    assert.equal(found.bot?.token, 'xoxb-T1');
    const grid = await store.fetchInstallation({ teamId: 'T2', enterpriseId: 'E1', isEnterpriseInstall: false });
    assert.equal(grid.bot?.token, 'xoxb-T2');
    await assert.rejects(
      store.fetchInstallation({ teamId: 'T9', enterpriseId: undefined, isEnterpriseInstall: false }),
      /no installation for team T9/,
    );
    await store.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    assert.equal(await store.has({ teamId: 'T1' }), false);
    assert.equal(await store.has({ teamId: 'T2', enterpriseId: 'E1' }), true);
    await second.close();
  });

  test('an org-wide install serves every workspace of its org; workspace installs stay apart', async () => {
    const db = await LibsqlUsageStore.open({ url: ':memory:' });
    const store = new KeyValueInstallationStore(db.keyValues);
    await store.storeInstallation(workspace('T5'));
    await store.storeInstallation(workspace('T6'));
    await store.storeInstallation({
      ...workspace('T-org', 'E1'),
      team: undefined,
      bot: { token: 'xoxb-E1', scopes: ['chat:write'], id: 'B1', userId: 'UBOT' },
      isEnterpriseInstall: true,
    } as unknown as Installation<'v2', true>);
    const inOrg = await store.fetchInstallation({ teamId: 'T9', enterpriseId: 'E1', isEnterpriseInstall: false });
    assert.equal(inOrg.bot?.token, 'xoxb-E1');
    assert.equal(await store.has({ enterpriseId: 'E1' }), true);
    assert.equal(await store.has({ teamId: 'T9', enterpriseId: 'E1' }), true);
    assert.equal(
      (await store.fetchInstallation({ teamId: 'T6', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token,
      'xoxb-T6',
    );
    await store.deleteInstallation({ teamId: 'T5', enterpriseId: undefined, isEnterpriseInstall: false });
    assert.deepEqual([await store.has({ teamId: 'T5' }), await store.has({ teamId: 'T6' })], [false, true]);
    await store.deleteInstallation({ teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true });
    assert.equal(await store.has({ enterpriseId: 'E1' }), false);
    await db.close();
  });

  test('an event answered before a restart is recognised after it', async () => {
    const first = await LibsqlUsageStore.open({ url });
    assert.equal(await new KeyValueEventDedupeStore(first.keyValues).seen('Ev1'), false);
    assert.equal(await new KeyValueEventDedupeStore(first.keyValues).seen('Ev1'), true);
    await first.close();
    const second = await LibsqlUsageStore.open({ url });
    assert.equal(await new KeyValueEventDedupeStore(second.keyValues).seen('Ev1'), true);
    assert.equal(await new KeyValueEventDedupeStore(second.keyValues).seen('Ev2'), false);
    await second.close();
  });
});
