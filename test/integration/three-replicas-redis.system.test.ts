/**
 * Issue 13: the real bot as 3 processes in Slack HTTP mode, each with its own ledger file, sharing one Redis, one
 * fake Groq with a strict requests-per-minute limit and one fake Slack. A burst spread over the replicas meets no
 * 429 and loses no question, because the Groq budget is shared; without Redis the same burst does meet 429s (so the
 * limit is really binding). A Slack retry that lands on another replica is answered once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack-server.js';
import { eventCallback } from '../fakes/slack/slack-payloads.js';
import { postSignedToApp } from '../fakes/slack/slack-signer.js';
import { freePort } from '../support/free-port.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { type CliRun, logRecords, startCli, tempWorkdir } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'three-replicas-signing-secret';
const RPM = 12;
/** More questions than the minute's requests: a third of them must wait for the shared budget to refill. */
const BURST = 18;
const started = await startTestRedis();

interface Replica {
  run: CliRun;
  url: string;
}

describe('three replicas sharing one Redis', { skip: 'skip' in started ? started.skip : false }, () => {
  const redis = started as TestRedis;
  let slack: FakeSlack;
  let groq: FakeGroq;
  let replicas: Replica[] = [];

  before(async () => {
    slack = await startFakeSlack();
  });
  after(async () => {
    await slack.close();
    await redis.stop();
  });

  /** 3 bots, each with its own ledger file, so whatever they share goes through Redis (when given). */
  const startReplicas = async (shared: boolean) => {
    groq = await startFakeGroq({ limits: { rpm: RPM } });
    const cwd = tempWorkdir();
    replicas = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const port = await freePort();
        const run = startCli(
          ['start'],
          {
            LOG_LEVEL: 'info',
            SLACK_BOT_TOKEN: 'xoxb-test',
            SLACK_SIGNING_SECRET: SECRET,
            SLACK_API_URL: slack.apiUrl,
            GROQ_API_KEY: 'gsk_three_replicas_0123456789',
            GROQ_BASE_URL: groq.url,
            GROQ_RPM: String(RPM),
            GROQ_TPM: '10000000',
            GROQ_RPD: '100000',
            GROQ_TPD: '100000000',
            TWIN_DEADLINE_S: '120',
            PORT: String(port),
            DATABASE_URL: `file:${join(cwd, `replica-${i}.db`)}`,
            TWIN_REPLICAS: '3',
            ...(shared ? { REDIS_URL: redis.url } : {}),
          },
          cwd,
        );
        return { run, url: `http://127.0.0.1:${port}/slack/events` };
      }),
    );
    for (const r of replicas) await waitFor(() => r.run.stderr().includes('slack-http adapter started'), 'a replica');
  };
  const stopReplicas = async () => {
    for (const r of replicas) r.run.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => r.run.done));
    await groq.close();
  };
  const mention = (i: number, tag: string) => {
    const text = `<@UBOT> Where did you study? (${tag} ${i})`;
    // why: one asker per question, so the per-user flood guard is not what holds the burst back.
    const user = `U${tag.toUpperCase()}${i}`;
    const typed = slack.addMessage({ channel: 'CGENERAL', user, text });
    return eventCallback({
      teamId: 'T1',
      event: { type: 'app_mention', user, text, ts: typed.ts, channel: 'CGENERAL' },
    });
  };
  const replied = () => replicas.flatMap((r) => logRecords(r.run)).filter((l) => l['event'] === 'slack.replied');
  const groq429s = () => groq.requests.filter((r) => r.status === 429).length;

  test(`a burst of ${BURST} questions over the replicas meets no 429 and every one is answered`, async () => {
    await startReplicas(true);
    try {
      const events = Array.from({ length: BURST }, (_, i) => mention(i, 'shared'));
      const acks = await Promise.all(events.map((e, i) => postSignedToApp(replicas[i % 3]!.url, SECRET, e, 'event')));
      assert.ok(acks.every((a) => a.status === 200));
      await waitFor(() => replied().length >= BURST, 'every question to be answered', { timeoutMs: 90_000 });
      assert.equal(new Set(replied().map((r) => r['ref'])).size, BURST, 'each answered once');
      // On failure: when each call reached Groq and what it answered.
      const arrivals = JSON.stringify(groq.requests.map((r) => [r.at, r.status]));
      assert.equal(groq429s(), 0, `the shared budget kept every replica within the limit: ${arrivals}`);
      assert.equal(groq.requests.filter((r) => r.status === 200).length, BURST, 'one Groq call per question');
      const failed = replicas.flatMap((r) => logRecords(r.run)).filter((l) => l['event'] === 'llm.attempt');
      assert.deepEqual(
        failed.filter((l) => l['outcome'] !== 'ok'),
        [],
      );

      // A retry of one event, delivered to another replica than the first delivery: answered once.
      const before = replied().length;
      const event = mention(99, 'retry');
      assert.equal((await postSignedToApp(replicas[0]!.url, SECRET, event, 'event')).status, 200);
      const retry = await postSignedToApp(replicas[1]!.url, SECRET, event, 'event', {
        retryNum: 1,
        retryReason: 'http_timeout',
      });
      assert.equal(retry.status, 200);
      const duplicates = () =>
        replicas.flatMap((r) => logRecords(r.run)).filter((l) => l['event'] === 'slack.duplicate_event');
      await waitFor(() => replied().length > before && duplicates().length > 0, 'the event and its retry handled');
      assert.equal(replied().filter((r) => r['ref'] === event.event_id).length, 1, 'answered once');
    } finally {
      await stopReplicas();
    }
  });

  test('the same burst without Redis (per-process budgets) meets 429s: the limit is binding', async () => {
    await startReplicas(false);
    try {
      const events = Array.from({ length: BURST }, (_, i) => mention(i, 'alone'));
      await Promise.all(events.map((e, i) => postSignedToApp(replicas[i % 3]!.url, SECRET, e, 'event')));
      await waitFor(() => groq429s() > 0, 'a 429 from Groq', { timeoutMs: 90_000 });
    } finally {
      await stopReplicas();
    }
  });
});
