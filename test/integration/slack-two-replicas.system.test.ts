/**
 * Issue 19.2 as it was found: two bots (a rolling deploy, two replicas) in Slack HTTP mode on one database, and
 * every event delivered to both at once. Each event must be answered exactly once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack-server.js';
import { eventCallback } from '../fakes/slack/slack-payloads.js';
import { postSignedToApp } from '../fakes/slack/slack-signer.js';
import { logRecords, startCli, tempWorkdir } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'replica-signing-secret';
const EVENTS = 15;

describe('two replicas on one database', () => {
  test('answer each of 15 events sent to both at once exactly once', async () => {
    const fake: FakeSlack = await startFakeSlack();
    const cwd = tempWorkdir();
    const ports = [0, 1].map(() => 20_000 + Math.floor(Math.random() * 20_000));
    const env = (port: number) => ({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: String(port),
      DATABASE_URL: `file:${join(cwd, 'shared.db')}`,
    });
    const bots = ports.map((port) => startCli(['start'], env(port), cwd));
    try {
      for (const bot of bots) await waitFor(() => bot.stderr().includes('slack-http adapter started'), 'a replica');
      const callbacks = Array.from({ length: EVENTS }, (_, i) => {
        const text = `<@UBOT> Where did you study? (${i})`;
        const typed = fake.addMessage({ channel: 'CGENERAL', user: 'UMEMBER', text });
        return eventCallback({
          teamId: 'T1',
          event: { type: 'app_mention', user: 'UMEMBER', text, ts: typed.ts, channel: 'CGENERAL' },
        });
      });
      const acks = await Promise.all(
        callbacks.flatMap((c) =>
          ports.map((port) => postSignedToApp(`http://127.0.0.1:${port}/slack/events`, SECRET, c, 'event')),
        ),
      );
      assert.ok(
        acks.every((a) => a.status === 200),
        'every delivery acked',
      );
      const handled = () =>
        bots
          .flatMap(logRecords)
          .filter((r) => r['event'] === 'slack.duplicate_event' || (r['event'] === 'slack.replied' && r['ref'])).length;
      await waitFor(() => handled() >= EVENTS * 2, 'both replicas to handle every delivery');
      const replied = bots.flatMap(logRecords).filter((r) => r['event'] === 'slack.replied');
      assert.equal(replied.length, EVENTS, 'one answer per event, none skipped by both, none twice');
      assert.equal(new Set(replied.map((r) => r['ref'])).size, EVENTS);
    } finally {
      for (const bot of bots) bot.child.kill('SIGTERM');
      await Promise.all(bots.map((b) => b.done));
      await fake.close();
    }
  });
});
