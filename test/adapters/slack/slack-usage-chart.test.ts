/**
 * `/twin-usage` with its chart on Slack: the report stays ephemeral (response_url), and the PNG goes to the asker's
 * DM with the bot through the REAL WebClient's files.uploadV2 flow against the fake Slack (conversations.open,
 * files.getUploadURLExternal, POST of the bytes to the upload_url, files.completeUploadExternal). A real
 * TwinService with the real ChartJsUsageChart and a real ledger draws it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CHART_SENT_NOTE } from '../../../src/adapters/slack/slack-chart-upload.js';
import { TwinService } from '../../../src/core/twin-service.js';
import type { UsageRecord } from '../../../src/core/types.js';
import { EmbeddedProfileRetriever } from '../../../src/retrieval/embedded-profile-retriever.js';
import { PACKAGED_CHART_FONT } from '../../../src/usage/chart-font.js';
import { ChartJsUsageChart } from '../../../src/usage/chart-js-usage-chart.js';
import { startTwinHarness, type TwinHarness } from '../../support/twin-harness.js';
import { PNG_SIGNATURE, pngInfo } from '../../usage/png-info.js';
import { ADMIN, MEMBER, type SlackRig, startSlackRig } from './slack-rig.js';

const HOUR = 3_600_000;
const UPLOAD_METHODS = ['conversations.open', 'files.getUploadURLExternal', 'files.completeUploadExternal'];

function record(i: number, at: number): UsageRecord {
  return {
    id: `slack-chart-${i}`,
    at,
    platform: 'slack',
    tenantId: 'slack:T1',
    channelId: 'CGENERAL',
    userId: i % 2 === 0 ? MEMBER : ADMIN,
    command: 'mention',
    model: 'openai/gpt-oss-20b',
    promptTokens: 900,
    completionTokens: 250,
    totalTokens: 1_150,
    latencyMs: 1_800,
    queueMs: 15,
    attempts: 1,
    outcome: 'answered',
    costUsd: 0.0001,
    mode: 'llm',
  };
}

describe('slack /twin-usage with a chart', () => {
  let ledger: TwinHarness;
  let rig: SlackRig;

  before(async () => {
    ledger = await startTwinHarness();
    const now = Date.now();
    for (let i = 0; i < 10; i++) await ledger.usage.record(record(i, now - (i % 4) * HOUR));
    const twin = new TwinService({
      profile: ledger.twin.profile,
      retriever: new EmbeddedProfileRetriever(ledger.twin.profile.chunks),
      usage: ledger.usage,
      logger: ledger.logger,
      chart: new ChartJsUsageChart({ fontFile: PACKAGED_CHART_FONT }),
      options: { deadlineMs: 10_000, userRate: { perMinute: 100, concurrent: 10 }, admins: [], maxTokens: 500 },
    });
    rig = await startSlackRig({ mode: 'socket', adapter: { twin } });
  });

  after(async () => {
    await rig.close();
    await ledger.close();
  });

  const callsSince = (from: number) => rig.fake.calls.slice(from).map((c) => c.method);

  test('an admin gets the ephemeral report, and the chart uploaded to their DM with the bot', async () => {
    const mark = rig.mark();
    const filesBefore = rig.fake.files.length;
    const seen = await rig.command('/twin-usage', '', { userId: ADMIN });
    assert.equal(seen.ephemeral, true, 'the report itself is private');
    assert.match(seen.text, /Requests: 10/);
    assert.ok(seen.text.includes(CHART_SENT_NOTE));
    assert.deepEqual(
      callsSince(mark.calls).filter((m) => m !== 'users.info'),
      UPLOAD_METHODS,
      'the three steps (the bytes go to the upload_url between the last two)',
    );

    const open = rig.fake.callsOf('conversations.open').at(-1);
    assert.equal(open?.params.users, ADMIN);
    const ask = rig.fake.callsOf('files.getUploadURLExternal').at(-1);
    assert.match(String(ask?.params.filename), /^twin-usage-24h-\d{4}-\d{2}-\d{2}\.png$/);
    assert.match(
      String(ask?.params.alt_text),
      /^Requests and tokens per hour over the last 24 hours: 10 requests, peak/,
    );

    assert.equal(rig.fake.files.length, filesBefore + 1);
    const file = rig.fake.files.at(-1);
    assert.ok(file?.data, 'the bytes arrived at the upload_url');
    assert.equal(file.uploadContentType, 'multipart/form-data');
    assert.equal(file.data.length, Number(ask?.params.length), 'as many bytes as announced');
    assert.ok(file.data.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
    assert.deepEqual(pngInfo(file.data), { width: 900, height: 450 });
    assert.ok(file.data.length > 10_000, `${file.data.length} bytes`);
    assert.equal(file.channel, `D${ADMIN}`, 'shared in the DM that conversations.open gave');
    assert.equal(rig.fake.ims.get(ADMIN), file.channel);
    assert.match(file.title ?? '', /^Twin usage for this workspace, last 24 hours \(UTC\)$/);

    // Nothing landed in a channel: the picture is as private as the report.
    assert.equal(rig.fake.messages.length, mark.messages);
  });

  test('a regular member is refused with no numbers, and nothing is uploaded', async () => {
    const mark = rig.mark();
    const filesBefore = rig.fake.files.length;
    const seen = await rig.command('/twin-usage', '7d', { userId: MEMBER });
    assert.equal(seen.ephemeral, true);
    assert.match(seen.text, /admins/);
    assert.doesNotMatch(seen.text, /\d/);
    assert.deepEqual(
      callsSince(mark.calls).filter((m) => UPLOAD_METHODS.includes(m)),
      [],
    );
    assert.equal(rig.fake.files.length, filesBefore);
  });

  for (const [method, error] of [
    ['conversations.open', 'missing_scope'],
    ['files.getUploadURLExternal', 'missing_scope'],
    ['files.completeUploadExternal', 'not_in_channel'],
  ] as const) {
    test(`when ${method} answers ${error}, the report arrives with its text sparkline instead`, async () => {
      rig.fake.methodErrors.set(method, error);
      try {
        const logged = rig.harness.logs.events('slack.chart_not_sent').length;
        const seen = await rig.command('/twin-usage', '', { userId: ADMIN });
        assert.equal(seen.ephemeral, true);
        assert.match(seen.text, /Requests: 10/);
        assert.match(seen.text, /Requests over time: [▁▂▃▄▅▆▇█]+/);
        assert.ok(!seen.text.includes(CHART_SENT_NOTE), 'no promise of a chart that did not go');
        const events = rig.harness.logs.events('slack.chart_not_sent');
        assert.equal(events.length, logged + 1);
        assert.equal(events.at(-1)?.code, error);
      } finally {
        rig.fake.methodErrors.delete(method);
      }
    });
  }
});
