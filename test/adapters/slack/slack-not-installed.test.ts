/**
 * Slack with OAuth (many workspaces): a slash command from a workspace that has no installation used to get an
 * empty 200, so the person saw nothing. It now gets a private sentence saying the app needs to be reinstalled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyValueInstallationStore } from '../../../src/adapters/slack/key-value-installation-store.js';
import { ADMIN, type SlackRig, startSlackRig } from './slack-rig.js';

describe('Slack OAuth: a command from a workspace without an installation', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({
      mode: 'http',
      adapter: (harness) => ({
        oauth: {
          clientId: 'CID',
          clientSecret: 'CSECRET',
          stateSecret: 'state-secret',
          installationStore: new KeyValueInstallationStore(harness.usage.keyValues),
        },
      }),
    });
  });
  after(() => rig.close());

  for (const [command, text] of [
    ['/ask-twin', 'Where did you study?'],
    ['/twin-usage', '7d'],
  ] as const) {
    test(`${command} is told, privately, that the app needs to be reinstalled`, async () => {
      const before = rig.groq.requests.length;
      const seen = await rig.command(command, text, { teamId: 'TGONE', userId: ADMIN });
      assert.equal(seen.ephemeral, true);
      assert.equal(seen.messages, 1);
      assert.match(seen.text, /not installed in this workspace/);
      assert.match(seen.text, /workspace admin needs to install the app again/);
      assert.match(seen.text, /\/slack\/install/);
      assert.equal(seen.notifiesNobody, true);
      assert.equal(rig.groq.requests.length, before, 'nothing was asked');
      const replied = rig.harness.logs.events('slack.replied').at(-1)!;
      assert.equal(replied.outcome, 'not_installed');
      assert.equal(replied.tenant, 'slack:TGONE');
    });
  }
});
