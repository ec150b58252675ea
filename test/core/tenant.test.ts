/** Tenant values built at the edge keep the ledger's stored keys (issue 18.3). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONSOLE_TENANT, discordTenant, keyTenant, kindOfKey, slackTenant } from '../../src/core/tenant.js';

describe('Tenant', () => {
  test('each door builds its tenant with the stored key it always had', () => {
    assert.deepEqual(discordTenant('42', 'u1'), { platform: 'discord', id: '42', kind: 'guild', key: 'discord:42' });
    assert.deepEqual(discordTenant(null, 'u1'), { platform: 'discord', id: 'u1', kind: 'dm', key: 'discord:dm:u1' });
    assert.deepEqual(slackTenant('T1', 'E1'), {
      platform: 'slack',
      id: 'T1',
      kind: 'workspace',
      key: 'slack:T1',
      enterpriseId: 'E1',
    });
    assert.equal(CONSOLE_TENANT.key, 'console:local');
    assert.equal(keyTenant('api', 'team-a').key, 'api:team-a');
    assert.equal(keyTenant('mcp', 'desk').kind, 'mcp');
  });

  test('a stored key reads back to its kind', () => {
    for (const t of [discordTenant('42', 'u'), discordTenant(null, 'u'), slackTenant('T1'), CONSOLE_TENANT]) {
      assert.equal(kindOfKey(t.key), t.kind);
    }
    assert.equal(kindOfKey(keyTenant('api', 'x').key), 'api');
  });
});
