/**
 * `/twin-usage` with its chart on Discord: the REAL discord.js client sends the PNG as a multipart/form-data file on
 * the ephemeral interaction reply, and the fake Discord records what arrived. A real TwinService with the real
 * ChartJsUsageChart and a real ledger (SQLite in a temp dir) draws it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DiscordAdapter, USAGE_ONLY_IN_SERVERS } from '../../../src/adapters/discord/discord-adapter.js';
import { TwinService } from '../../../src/core/twin-service.js';
import type { UsageRecord } from '../../../src/core/types.js';
import { EmbeddedProfileRetriever } from '../../../src/retrieval/embedded-profile-retriever.js';
import { PACKAGED_CHART_FONT } from '../../../src/usage/chart-font.js';
import { ChartJsUsageChart } from '../../../src/usage/chart-js-usage-chart.js';
import { FakeDiscord, type FakeUser, PERMISSIONS } from '../../fakes/discord/fake-discord-server.js';
import { startTwinHarness, type TwinHarness } from '../../support/twin-harness.js';
import { PNG_SIGNATURE, pngInfo } from '../../usage/png-info.js';
import { callsNotifyNobody, type DiscordActors, runSlash } from './discord-driver.js';

const ORIGINAL = /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/;
const EPHEMERAL = 64;
const HOUR = 3_600_000;

function record(tenantId: string, i: number, at: number): UsageRecord {
  return {
    id: `chart-${tenantId}-${i}`,
    at,
    platform: 'discord',
    tenantId,
    channelId: 'c1',
    userId: `u${i % 3}`,
    command: 'ask-twin',
    model: 'openai/gpt-oss-20b',
    promptTokens: 1_000 + i,
    completionTokens: 200,
    totalTokens: 1_200 + i,
    latencyMs: 1_500,
    queueMs: 20,
    attempts: 1,
    outcome: 'answered',
    costUsd: 0.0001,
    mode: 'llm',
  };
}

interface ChartRig {
  harness: TwinHarness;
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  actors: DiscordActors;
  operator: FakeUser;
}

/** A twin with the real chart renderer behind a started adapter; `records` usage rows in the guild's ledger. */
async function startChartRig(records: number): Promise<ChartRig> {
  const harness = await startTwinHarness();
  const fake = await FakeDiscord.start();
  const operator = fake.user('olga');
  const twin = new TwinService({
    profile: harness.twin.profile,
    retriever: new EmbeddedProfileRetriever(harness.twin.profile.chunks),
    usage: harness.usage,
    logger: harness.logger,
    chart: new ChartJsUsageChart({ fontFile: PACKAGED_CHART_FONT }),
    options: {
      deadlineMs: 10_000,
      userRate: { perMinute: 100, concurrent: 10 },
      admins: [operator.id],
      maxTokens: 500,
    },
  });
  const now = Date.now();
  for (let i = 0; i < records; i++)
    await harness.usage.record(record(`discord:${fake.guild.id}`, i, now - (i % 6) * HOUR));
  const adapter = new DiscordAdapter({
    twin,
    token: fake.token,
    applicationId: fake.applicationId,
    apiUrl: fake.apiUrl,
    logger: harness.logger,
  });
  await adapter.start();
  return { harness, fake, adapter, operator, actors: { fake, adapter, member: fake.user('ada') } };
}

async function closeChartRig(rig: ChartRig): Promise<void> {
  await rig.adapter.stop();
  await rig.fake.close();
  await rig.harness.close();
}

describe('discord /twin-usage with a chart', () => {
  let rig: ChartRig;
  let harness: TwinHarness;
  let fake: FakeDiscord;
  let actors: DiscordActors;

  before(async () => {
    rig = await startChartRig(12);
    ({ harness, fake, actors } = rig);
  });

  after(() => closeChartRig(rig));

  test('an admin gets the report and the chart as a PNG file on the same ephemeral message', async () => {
    const { interaction, calls } = await runSlash(
      actors,
      'twin-usage report',
      {},
      { permissions: PERMISSIONS.manageGuild },
    );
    const messages = fake.interactionMessages(interaction.token);
    assert.equal(messages.length, 1);
    const [m] = messages;
    assert.ok(m && (m.flags & EPHEMERAL) !== 0, 'ephemeral');
    assert.match(m.content, /^```\n[\s\S]*Requests: 12[\s\S]*\n```$/);

    // What went over the wire: one multipart edit of the original reply, the PNG as its file part.
    const edit = calls.find((c) => c.method === 'PATCH' && ORIGINAL.test(c.path) && c.files);
    assert.ok(edit?.files, 'the report edit carried a file');
    assert.equal(edit.files.length, 1);
    const [file] = edit.files;
    assert.ok(file);
    assert.match(file.filename, /^twin-usage-24h-\d{4}-\d{2}-\d{2}\.png$/);
    assert.equal(file.contentType, 'image/png');
    assert.ok(file.data.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
    assert.deepEqual(pngInfo(file.data), { width: 900, height: 450 });
    assert.ok(file.size > 10_000, `${file.size} bytes`);
    assert.match(edit.body.content, /Requests: 12/, 'the JSON part is the report');
    assert.ok(callsNotifyNobody(calls));

    // What a person sees: the attachment on the message, with alt text in words.
    assert.equal(m.attachments.length, 1);
    const [a] = m.attachments;
    assert.equal(a?.filename, file.filename);
    assert.equal(a?.size, file.size);
    assert.equal(a?.content_type, 'image/png');
    assert.deepEqual([a?.width, a?.height], [900, 450]);
    assert.match(
      a?.description ?? '',
      /^Requests and tokens per hour over the last 24 hours: 12 requests, peak \d+ at \d\d:00 UTC/,
    );
  });

  test('an interaction from the registration before subcommands (window at the top) is still a report', async () => {
    // This fake has no commands registered, so it sends `window` as a top-level option, as the old command had it.
    const { interaction } = await runSlash(
      actors,
      'twin-usage',
      { window: '7d' },
      { permissions: PERMISSIONS.manageGuild },
    );
    const [m] = fake.interactionMessages(interaction.token);
    assert.match(m?.content ?? '', /last 7 days[\s\S]*Requests: 12/);
  });

  test('a regular member is refused, with no numbers and no picture', async () => {
    const { interaction, calls } = await runSlash(actors, 'twin-usage report', { window: '7d' });
    const [m, ...rest] = fake.interactionMessages(interaction.token);
    assert.equal(rest.length, 0);
    assert.ok(m && (m.flags & EPHEMERAL) !== 0);
    assert.match(m.content, /admins/);
    assert.doesNotMatch(m.content, /\d/);
    assert.equal(m.attachments.length, 0);
    assert.ok(
      calls.every((c) => c.files === undefined),
      'nothing was uploaded',
    );
  });

  test('outside a server (an older registration that still offers it in DMs) the report is refused politely', async () => {
    const { interaction, calls } = await runSlash(actors, 'twin-usage report', {}, { dm: true, user: rig.operator });
    const [m, ...rest] = fake.interactionMessages(interaction.token);
    assert.equal(rest.length, 0);
    assert.ok(m && (m.flags & EPHEMERAL) !== 0, 'only the asker sees it');
    assert.equal(m.content, USAGE_ONLY_IN_SERVERS);
    assert.doesNotMatch(m.content, /\d/, 'no numbers');
    assert.ok(calls.every((c) => c.files === undefined));
  });

  test('when Discord refuses the file, the report still arrives, without it', async () => {
    fake.failOnce('PATCH', ORIGINAL, { status: 413, body: { message: 'Request entity too large', code: 40005 } });
    const { interaction, calls } = await runSlash(
      actors,
      'twin-usage report',
      {},
      { permissions: PERMISSIONS.administrator },
    );
    const edits = calls.filter((c) => c.method === 'PATCH' && ORIGINAL.test(c.path));
    assert.deepEqual(
      edits.map((c) => [c.status, c.files?.length ?? 0]),
      [
        [413, 1],
        [200, 0],
      ],
    );
    const [m] = fake.interactionMessages(interaction.token);
    assert.match(m?.content ?? '', /Requests: 12[\s\S]*Requests over time: /);
    assert.equal(m?.attachments.length, 0);
    assert.equal(harness.logs.events('discord.chart_not_sent').length, 1);
  });
});

describe('discord /twin-usage with an empty ledger', () => {
  let rig: ChartRig;
  before(async () => {
    rig = await startChartRig(0);
  });
  after(() => closeChartRig(rig));

  test('with no requests in the window there is no chart: text only, as before', async () => {
    // The operator (TWIN_ADMINS) asks in the server, which has no records.
    const { interaction, calls } = await runSlash(rig.actors, 'twin-usage report', {}, { user: rig.operator });
    const [m] = rig.fake.interactionMessages(interaction.token);
    assert.match(m?.content ?? '', /Requests: 0/);
    assert.equal(m?.attachments.length, 0);
    assert.ok(calls.every((c) => c.files === undefined));
  });
});
