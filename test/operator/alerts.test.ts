/**
 * Alerts before limits bite (issue 14), through the real twin: a tenant's quota crosses 80%, 90% and 100% and the
 * Groq account's day budget 80% and 95%; each threshold alerts once (a `twin.alert` log line and a JSON POST to the
 * webhook, a local HTTP server), the words say what to do, and a restart on the same database sends nothing again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readText } from '../support/fake-http.js';
import { startOperatorRig } from './operator-rig.js';

interface Webhook {
  url: string;
  bodies: { text: string }[];
  contentTypes: string[];
  close(): Promise<void>;
}

async function startWebhook(): Promise<Webhook> {
  const bodies: { text: string }[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer(async (req, res) => {
    contentTypes.push(String(req.headers['content-type']));
    bodies.push(JSON.parse(await readText(req)) as { text: string });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/T000/B000/secret`,
    bodies,
    contentTypes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const alertsOf = (records: Record<string, unknown>[]) =>
  records.filter((r) => r.event === 'twin.alert').map((r) => `${r.kind}:${r.limit}:${r.threshold}`);

describe('quota alerts', () => {
  let webhook: Webhook;
  let dir: string;
  before(async () => {
    webhook = await startWebhook();
    dir = mkdtempSync(join(tmpdir(), 'twinbot-alerts-'));
  });
  after(async () => {
    await webhook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ TWIN_QUOTA_REQUESTS_PER_DAY: '10', TWIN_ALERT_WEBHOOK_URL: webhook.url });

  test('80%, 90% and 100% of a quota alert once each, with what to do', async () => {
    const rig = await startOperatorRig({ env: env(), dir });
    try {
      for (let i = 0; i < 7; i++) await rig.ask('discord:g1');
      await rig.view.alerts.idle();
      assert.deepEqual(alertsOf(rig.logs.records), [], 'nothing below 80%');
      for (let i = 0; i < 5; i++) {
        await rig.ask('discord:g1'); // the 11th and 12th are refused: the quota is spent
        await rig.view.alerts.idle();
      }
      await rig.ask('discord:g2'); // another tenant, far from its quota
      await rig.view.alerts.idle();
      assert.deepEqual(alertsOf(rig.logs.records), [
        'quota:requestsPerDay:80',
        'quota:requestsPerDay:90',
        'quota:requestsPerDay:100',
      ]);
      assert.equal(webhook.bodies.length, 3);
      assert.ok(webhook.contentTypes.every((t) => t === 'application/json'));
      const [at80, , at100] = webhook.bodies.map((b) => b.text);
      assert.match(
        at80 ?? '',
        /^twinbot: discord:g1 has used 80% of its requests per day quota \(8 of 10 requests today\)\./,
      );
      assert.match(at80 ?? '', /The quota resets at \d{4}-\d{2}-\d{2} 00:00 UTC, in \d+ (hours?|minutes|seconds)\./);
      assert.match(at80 ?? '', /raise the quota with `twinbot quota set discord:g1 --requests-per-day 20`/);
      assert.match(
        at100 ?? '',
        /has used all of its requests per day quota \(10 of 10 requests today\): the twin now politely refuses/,
      );
      const line = rig.logs.events('twin.alert')[0];
      assert.equal(line?.tenant, 'discord:g1');
      assert.equal(line?.msg, at80);
    } finally {
      await rig.close();
    }
  });

  test('a restart on the same database sends none of them again', async () => {
    const rig = await startOperatorRig({ env: env(), dir });
    try {
      await rig.ask('discord:g1');
      await rig.view.alerts.idle();
      assert.deepEqual(await rig.view.alerts.check('discord:g1'), []);
      assert.deepEqual(alertsOf(rig.logs.records), []);
      assert.equal(webhook.bodies.length, 3);
    } finally {
      await rig.close();
    }
  });
});

describe("the Groq account's day budget", () => {
  test('80% and 95% of the requests per day alert once each, to the operator', async () => {
    const webhook = await startWebhook();
    const rig = await startOperatorRig({
      env: { GROQ_RPD: '20', TWIN_ALERT_WEBHOOK_URL: webhook.url, GROQ_MODEL: 'openai/gpt-oss-20b' },
    });
    try {
      for (let i = 0; i < 20; i++) {
        await rig.ask(`discord:g${i % 3}`);
        await rig.view.alerts.idle();
      }
      assert.deepEqual(alertsOf(rig.logs.records), ['groq_day:rpd:80', 'groq_day:rpd:95']);
      const text = webhook.bodies[0]?.text ?? '';
      assert.match(text, /the Groq account has used 80% of its requests per day for openai\/gpt-oss-20b \(16 of 20\)/);
      assert.match(
        text,
        /The day limit refills over a rolling 24 hours and is full again at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/,
      );
      assert.match(text, /set GROQ_RPD/);
      assert.equal(rig.logs.events('twin.alert')[0]?.tenant, undefined, 'not a tenant alert');
    } finally {
      await rig.close();
      await webhook.close();
    }
  });

  test('a webhook that fails is logged, and the alert is still logged once', async () => {
    const rig = await startOperatorRig({
      env: { TWIN_QUOTA_REQUESTS_PER_DAY: '1', TWIN_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hooks/secret-path' },
    });
    try {
      await rig.ask('discord:g1');
      await rig.view.alerts.idle();
      assert.deepEqual(alertsOf(rig.logs.records), ['quota:requestsPerDay:100']);
      const failed = rig.logs.events('twin.alert_not_delivered');
      assert.equal(failed.length, 1);
      assert.doesNotMatch(rig.logs.text(), /secret-path/, 'the webhook URL is a secret');
    } finally {
      await rig.close();
    }
  });
});
