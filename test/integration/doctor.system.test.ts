/** `twinbot doctor` against every fake at once: what a new operator runs after filling in .env. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeDiscord } from '../fakes/discord/fake-discord-server.js';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack-server.js';
import { type FakeUpstash, startFakeUpstash } from '../fakes/upstash/fake-upstash-server.js';
import { runCli, tempWorkdir } from '../support/run-cli.js';

describe('twinbot doctor', () => {
  let groq: FakeGroq;
  let upstash: FakeUpstash;
  let discord: FakeDiscord;
  let slack: FakeSlack;
  before(async () => {
    groq = await startFakeGroq({ apiKey: 'gsk_good_key' });
    upstash = await startFakeUpstash();
    discord = await FakeDiscord.start();
    slack = await startFakeSlack();
  });
  after(async () => {
    await Promise.all([groq.close(), upstash.close(), discord.close(), slack.close()]);
  });

  const env = (overrides: Record<string, string> = {}) => ({
    GROQ_API_KEY: 'gsk_good_key',
    GROQ_BASE_URL: groq.url,
    UPSTASH_VECTOR_REST_URL: upstash.url,
    UPSTASH_VECTOR_REST_TOKEN: upstash.token,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_APP_TOKEN: 'xapp-test',
    SLACK_API_URL: slack.apiUrl,
    ...overrides,
  });

  test('every part reachable: one line each, and a warning that the index needs an ingest', async () => {
    const r = await runCli(['doctor'], env(), tempWorkdir());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✓ Profile: Talia Brennock/);
    assert.match(r.stdout, /✓ Groq: key accepted; serving openai\/gpt-oss-20b/);
    assert.match(r.stdout, /! Upstash Vector: namespace talia-brennock is empty: run twinbot ingest/);
    assert.match(r.stdout, /✓ Discord: token accepted/);
    assert.match(r.stdout, /✓ Slack: token accepted/);
  });

  test('wrong keys fail clearly, without printing them', async () => {
    const r = await runCli(
      ['doctor'],
      env({ GROQ_API_KEY: 'gsk_bad_key_0123', DISCORD_TOKEN: 'bad-discord-token', SLACK_BOT_TOKEN: 'xoxb-bad-token' }),
      tempWorkdir(),
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✗ Groq: /);
    assert.match(r.stdout, /✗ Discord: discord: the bot token was refused \(401\)\. Check DISCORD_TOKEN\./);
    assert.match(r.stdout, /✗ Slack: .*SLACK_BOT_TOKEN/);
    assert.match(r.stdout, /3 problems to fix/);
    assert.doesNotMatch(r.stdout + r.stderr, /gsk_bad_key_0123|bad-discord-token|xoxb-bad-token/);
  });
});
