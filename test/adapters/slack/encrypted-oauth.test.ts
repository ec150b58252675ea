/**
 * Issue 19.7 through the real Bolt install flow: a workspace installed with OAuth is stored encrypted (no bot
 * token in the database), and the bot still answers there with that workspace's own token.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  INSTALLATIONS_NAMESPACE,
  KeyValueInstallationStore,
} from '../../../src/adapters/slack/key-value-installation-store.js';
import { EncryptedKeyValueStore } from '../../../src/usage/encrypted-key-value-store.js';
import { eventCallback } from '../../fakes/slack/slack-payloads.js';
import { startSlackRig } from './slack-rig.js';

describe('Slack OAuth installations at rest', () => {
  test('an installation made through /slack/oauth_redirect is encrypted in the database and still used', async () => {
    const key = randomBytes(32);
    const rig = await startSlackRig({
      mode: 'http',
      fake: {
        oauth: {
          clientId: 'CID',
          clientSecret: 'CSECRET',
          grants: {
            'code-1': { token: 'xoxb-t2', teamId: 'T2', botUserId: 'UBOT2', botId: 'BBOT2', installerUserId: 'UI' },
          },
        },
      },
      adapter: (harness) => ({
        oauth: {
          clientId: 'CID',
          clientSecret: 'CSECRET',
          stateSecret: 'state-secret',
          installationStore: new KeyValueInstallationStore(new EncryptedKeyValueStore(harness.usage.keyValues, [key])),
        },
      }),
    });
    try {
      const base = rig.eventsUrl.replace('/slack/events', '');
      const install = await fetch(`${base}/slack/install`);
      const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
      const state = decodeURIComponent(cookie.split('=')[1]!);
      const redirect = await fetch(`${base}/slack/oauth_redirect?code=code-1&state=${encodeURIComponent(state)}`, {
        headers: { cookie },
      });
      assert.equal(redirect.status, 200, await redirect.text());

      const kv = rig.harness.usage.keyValues;
      const keys = await kv.keysOf(INSTALLATIONS_NAMESPACE);
      assert.deepEqual(keys, ['T:-:T2']);
      assert.doesNotMatch((await kv.get(INSTALLATIONS_NAMESPACE, keys[0]!))!, /xoxb/, 'no token in the clear');

      rig.groq.script({ kind: 'answer', text: 'I mentor junior engineers every week.' });
      const typed = rig.fake.addMessage({ channel: 'CT2', user: 'UT2', text: '<@UBOT2> Do you mentor people?' });
      const callback = eventCallback({
        teamId: 'T2',
        botUserId: 'UBOT2',
        event: { type: 'app_mention', user: 'UT2', text: typed.text, ts: typed.ts, channel: 'CT2' },
      });
      await rig.deliverEvent(callback);
      await rig.replied(callback.event_id);
      assert.equal(rig.fake.callsOf('chat.startStream').at(-1)?.token, 'xoxb-t2', 'streamed with its own token');
    } finally {
      await rig.close();
    }
  });
});
