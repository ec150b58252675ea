import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Installation } from '@slack/bolt';
import { MemorySlackInstallationStore } from '../../../src/adapters/slack/memory-installation-store.js';

const install = (team: string | undefined, enterprise?: string, orgWide = false): Installation<'v2', boolean> =>
  ({
    team: team ? { id: team } : undefined,
    enterprise: enterprise ? { id: enterprise } : undefined,
    isEnterpriseInstall: orgWide,
    bot: { token: `xoxb-${team ?? enterprise}`, userId: 'UB', id: 'BB', scopes: [] },
    user: { id: 'U1', token: undefined, scopes: undefined },
    authVersion: 'v2',
  }) as Installation<'v2', boolean>;

test('workspace installs are kept apart; an org-wide install serves its workspaces; delete removes', async () => {
  const store = new MemorySlackInstallationStore();
  await store.storeInstallation(install('T1'));
  await store.storeInstallation(install('T2'));
  await store.storeInstallation(install(undefined, 'E1', true));
  const t1 = await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
  assert.equal(t1.bot?.token, 'xoxb-T1');
  const inOrg = await store.fetchInstallation({ teamId: 'T9', enterpriseId: 'E1', isEnterpriseInstall: false });
  assert.equal(inOrg.bot?.token, 'xoxb-E1');
  await store.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
  await assert.rejects(store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }));
  assert.ok(store.has({ teamId: 'T2' }));
  assert.equal(store.size, 2);
});
