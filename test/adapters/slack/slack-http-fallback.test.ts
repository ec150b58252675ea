/**
 * When Slack's server holds PORT (HTTP mode, or the OAuth pages in Socket Mode), every request that is not Slack's
 * goes to the fallback the composition passes in (the doors' router); Slack's own paths stay Bolt's, guard and all.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { KeyValueInstallationStore } from '../../../src/adapters/slack/key-value-installation-store.js';
import { startSlackRig } from './slack-rig.js';

/** A stand-in for the doors' router: says which request it was handed. */
function doorsRouter(seen: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(299, { 'content-type': 'text/plain' });
    res.end(`door: ${req.method} ${req.url}`);
  };
}

for (const mode of ['http', 'socket'] as const) {
  describe(`Slack ${mode === 'http' ? 'HTTP mode' : 'Socket Mode'} with OAuth: the other requests on its port`, () => {
    test('go to the fallback; the install page, and in HTTP mode /slack/events, stay Slack’s', async () => {
      const seen: string[] = [];
      const rig = await startSlackRig({
        mode,
        fake: { oauth: { clientId: 'CID', clientSecret: 'CSECRET', grants: {} } },
        adapter: (harness) => ({
          port: 0,
          fallback: doorsRouter(seen),
          oauth: {
            clientId: 'CID',
            clientSecret: 'CSECRET',
            stateSecret: 'state-secret',
            installationStore: new KeyValueInstallationStore(harness.usage.keyValues),
          },
        }),
      });
      try {
        const base = rig.eventsUrl.replace('/slack/events', '');
        const install = await fetch(`${base}/slack/install`);
        assert.equal(install.status, 200);
        assert.match(await install.text(), /slack\.com\/oauth\/v2\/authorize/);

        const health = await fetch(`${base}/healthz`);
        assert.equal(health.status, 299);
        const api = await fetch(`${base}/v1/chat/completions?x=1`, { method: 'POST', body: '{}' });
        assert.equal(await api.text(), 'door: POST /v1/chat/completions?x=1');
        const preflight = await fetch(`${base}/mcp`, { method: 'OPTIONS' });
        assert.equal(preflight.status, 299);
        assert.deepEqual(seen, ['GET /healthz', 'POST /v1/chat/completions?x=1', 'OPTIONS /mcp']);

        if (mode === 'http') {
          const unsigned = await fetch(`${base}/slack/events`, { method: 'POST', body: '{"type":"event_callback"}' });
          assert.equal(unsigned.status, 401, 'the guard and the signature check still hold');
          const signed = await rig.postEvent({ type: 'url_verification', challenge: 'c-1' }, 'event');
          assert.equal(signed.status, 200);
          assert.match(signed.body, /c-1/);
          assert.equal(seen.length, 3, 'none of Slack’s requests reached the fallback');
        }
      } finally {
        await rig.close();
      }
    });
  });
}
