/**
 * The Slack adapter end to end: the real Bolt app (Socket Mode and HTTP mode) against the fake Slack, a real
 * TwinService answering through the real groq-sdk against the fake Groq.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyValueInstallationStore } from '../../../src/adapters/slack/key-value-installation-store.js';
import { SlackAdapter } from '../../../src/adapters/slack/slack-adapter.js';
import { TwinError } from '../../../src/core/errors.js';
import { startFakeSlack } from '../../fakes/slack/fake-slack-server.js';
import { eventCallback } from '../../fakes/slack/slack-payloads.js';
import { startTwinHarness } from '../../support/twin-harness.js';
import { runAdapterScenarios } from '../adapter-scenarios.js';
import { CHANNEL, inert, MEMBER, type SlackRig, seenText, startSlackRig } from './slack-rig.js';

const LINE = 'I led the migration of our billing platform to event sourcing, which cut reconciliation time a lot. ';

for (const mode of ['socket', 'http'] as const) {
  describe(`Slack adapter, ${mode === 'socket' ? 'Socket Mode' : 'HTTP mode'}: shared scenarios`, () => {
    let rig: SlackRig;
    before(async () => {
      rig = await startSlackRig({ mode });
    });
    after(() => rig.close());
    runAdapterScenarios(() => rig.driver);

    test('a retried event (same event_id, retry 1) is answered once', async () => {
      rig.groq.script({ kind: 'answer', text: 'I enjoy building reliable distributed systems.' });
      const typed = rig.fake.addMessage({
        channel: CHANNEL,
        user: MEMBER,
        text: '<@UBOT> What do you enjoy building?',
      });
      const callback = eventCallback({
        teamId: 'T1',
        event: { type: 'app_mention', user: MEMBER, text: typed.text, ts: typed.ts, channel: CHANNEL },
      });
      const mark = rig.mark();
      await rig.deliverEvent(callback);
      await rig.deliverEvent(callback, 1);
      await rig.replied(callback.event_id);
      await rig.waitForLog(
        (r) => r.event === 'slack.duplicate_event' && r.eventId === callback.event_id && r.retryNum === 1,
        'the duplicate to be dropped',
      );
      await rig.adapter.drain();
      assert.equal(rig.visibleSince(mark).messages, 1);
      assert.equal(rig.groq.requests.filter((r) => JSON.stringify(r.body).includes('What do you enjoy')).length, 1);
    });
  });
}

describe('Slack adapter, HTTP mode: Slack behaviour', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({ mode: 'http' });
  });
  after(() => rig.close());

  test('a mention is answered in a thread under it, with assistant status while thinking', async () => {
    rig.groq.script({ kind: 'answer', text: 'I spent four years at Northwind as a staff engineer.' });
    const { visible, ts } = await rig.mention('What did you do at Kestrel Freightworks?');
    const reply = rig.fake.messages.at(-1)!;
    assert.equal(reply.thread_ts, ts);
    assert.equal(reply.bot_id, 'BBOT');
    assert.match(visible.text, /four years at Northwind/);
    const status = rig.fake.callsOf('assistant.threads.setStatus').at(-1)!;
    assert.equal(status.params.thread_ts, ts);
    assert.equal(status.params.status, 'Thinking…');
  });

  test('the tenant is the payload team; an Enterprise Grid id is kept beside it', async () => {
    rig.groq.script({ kind: 'answer', text: 'I work best in small autonomous teams.' });
    await rig.mention('Do you mentor people?', { teamId: 'T3', enterpriseId: 'E1', channel: 'CT3' });
    const record = rig.harness.logs.events('twin.usage').at(-1)!;
    assert.equal(record.tenantId, 'slack:T3');
    assert.equal(record.enterpriseId, 'E1');
    assert.equal(record.command, 'mention');
  });

  test('a reply in the twin thread is a follow-up with the thread as history', async () => {
    rig.groq.script({ kind: 'answer', text: 'My main language is TypeScript, with some Go.' });
    const first = await rig.mention('Which programming languages do you use most?');
    rig.groq.script({ kind: 'answer', text: 'Go, for the ingestion services and a CLI.' });
    const typed = rig.fake.addMessage({
      channel: CHANNEL,
      user: MEMBER,
      text: 'And where did you use the second one?',
      thread_ts: first.ts,
    });
    const callback = eventCallback({
      teamId: 'T1',
      event: {
        type: 'message',
        channel_type: 'channel',
        user: MEMBER,
        text: typed.text,
        ts: typed.ts,
        thread_ts: first.ts,
        parent_user_id: MEMBER,
        channel: CHANNEL,
      },
    });
    const mark = rig.mark();
    await rig.deliverEvent(callback);
    await rig.replied(callback.event_id);
    const seen = rig.visibleSince(mark);
    assert.match(seen.text, /ingestion services/);
    assert.equal(rig.fake.messages.at(-1)!.thread_ts, first.ts);
    const sent = JSON.stringify(rig.groq.requests.at(-1)!.body.messages);
    assert.match(sent, /Which programming languages do you use most\?/, 'the earlier question is history');
    assert.match(sent, /My main language is TypeScript, with some Go\./, 'the earlier answer is history');
    assert.ok(rig.fake.callsOf('conversations.replies').length > 0);
  });

  test('a reply in the thread of a /ask-twin answer is a follow-up; the echoed question is history too', async () => {
    rig.groq.script({ kind: 'answer', text: 'Podmeter and Quillmark are my side projects.' });
    await rig.driver.slashAsk('What projects have you built?');
    const answer = rig.fake.messages.at(-1)!;
    assert.equal(answer.thread_ts, undefined, 'the slash answer is posted at the top of the channel');
    rig.groq.script({ kind: 'answer', text: 'Podmeter measures Kubernetes costs per team.' });
    const typed = rig.fake.addMessage({
      channel: CHANNEL,
      user: MEMBER,
      text: 'What does the first one do?',
      thread_ts: answer.ts,
    });
    const callback = eventCallback({
      teamId: 'T1',
      event: {
        type: 'message',
        channel_type: 'channel',
        user: MEMBER,
        text: typed.text,
        ts: typed.ts,
        thread_ts: answer.ts,
        parent_user_id: 'UBOT',
        channel: CHANNEL,
      },
    });
    await rig.deliverEvent(callback);
    const replied = await rig.replied(callback.event_id);
    assert.equal(replied.command, 'thread');
    const history = rig.groq.requests
      .at(-1)!
      .body.messages.map((m) => `${m.role}: ${m.content}`)
      .join('\n');
    assert.match(history, /What projects have you built\?/);
    assert.match(history, /Podmeter and Quillmark are my side projects\./);
    assert.equal(rig.fake.messages.at(-1)!.thread_ts, answer.ts);
  });

  test('a thread reply in a thread the twin never answered is left alone', async () => {
    const parent = rig.fake.addMessage({ channel: CHANNEL, user: MEMBER, text: 'Lunch anyone?' });
    const typed = rig.fake.addMessage({ channel: CHANNEL, user: 'UOTHER', text: 'Sure', thread_ts: parent.ts });
    const callback = eventCallback({
      teamId: 'T1',
      event: {
        type: 'message',
        channel_type: 'channel',
        user: 'UOTHER',
        text: 'Sure',
        ts: typed.ts,
        thread_ts: parent.ts,
        parent_user_id: MEMBER,
        channel: CHANNEL,
      },
    });
    const mark = rig.mark();
    const before = rig.groq.requests.length;
    await rig.deliverEvent(callback);
    await rig.adapter.drain();
    assert.equal(rig.visibleSince(mark).messages, 0);
    assert.equal(rig.groq.requests.length, before);
  });

  test("other bots are not answered: a bot's mention, or a bot's reply in a twin thread", async () => {
    const answered = rig.fake.addMessage({ channel: CHANNEL, user: 'UBOT', text: 'An earlier answer' });
    const events = [
      { type: 'app_mention', user: 'UOTHERBOT', bot_id: 'BOTHER', text: '<@UBOT> what do you do?', channel: CHANNEL },
      {
        type: 'message',
        channel_type: 'channel',
        user: 'UOTHERBOT',
        bot_id: 'BOTHER',
        text: 'And what else?',
        thread_ts: answered.ts,
        parent_user_id: 'UBOT',
        channel: CHANNEL,
      },
    ];
    const mark = rig.mark();
    const before = rig.groq.requests.length;
    for (const [i, event] of events.entries()) {
      await rig.deliverEvent(eventCallback({ teamId: 'T1', event: { ...event, ts: `9.00000${i}` } }));
    }
    await rig.adapter.drain();
    assert.equal(rig.visibleSince(mark).messages, 0);
    assert.equal(rig.groq.requests.length, before);
  });

  test('a direct message to the bot is answered in the DM', async () => {
    rig.groq.script({ kind: 'answer', text: 'I hold an AWS Solutions Architect certification.' });
    const { replied, visible } = await rig.directMessage('Any certifications?');
    assert.equal(replied.command, 'dm');
    assert.equal(replied.tenant, 'slack:T1');
    assert.match(visible.text, /Solutions Architect/);
    assert.equal(rig.fake.messages.at(-1)!.channel, 'DMEMBER');
  });

  test('a forged signature is refused with 401 and nothing is answered', async () => {
    const callback = eventCallback({
      teamId: 'T1',
      event: { type: 'app_mention', user: MEMBER, text: '<@UBOT> forged?', ts: '1.000001', channel: CHANNEL },
    });
    const res = await rig.postEvent(callback, 'event', { signWith: 'not-the-secret' });
    assert.equal(res.status, 401);
    const missing = await fetch(rig.eventsUrl, { method: 'POST', body: JSON.stringify(callback) });
    assert.equal(missing.status, 401);
    await missing.text();
  });

  test('a stale timestamp (replayed request) is refused with 401', async () => {
    const callback = eventCallback({
      teamId: 'T1',
      event: { type: 'app_mention', user: MEMBER, text: '<@UBOT> replay', ts: '1.000002', channel: CHANNEL },
    });
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const res = await rig.postEvent(callback, 'event', { timestampSec: tenMinutesAgo });
    assert.equal(res.status, 401);
  });

  test('GET /healthz answers on the events port', async () => {
    const res = await fetch(rig.eventsUrl.replace('/slack/events', '/healthz'));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('a 7 000-character answer is split into markdown blocks and messages with nothing lost', async () => {
    let long = '';
    for (let i = 1; long.length < 7_000; i++) long += `${LINE}${i % 5 === 0 ? '\n\n' : ''}`;
    rig.groq.script({ kind: 'answer', text: long });
    const mark = rig.mark();
    const seen = await rig.driver.slashAsk('Tell me about your experience at Kestrel');
    const posted = rig.fake.messages.slice(mark.messages).filter((m) => m.bot_id);
    const parts = posted.flatMap((m) =>
      (m.blocks as { type: string; text?: string }[]).filter((b) => b.type === 'markdown'),
    );
    assert.ok(parts.length >= 2, `expected at least 2 markdown blocks, got ${parts.length}`);
    for (const p of parts) assert.ok(p.text!.length <= 4_000, 'one message holds at most 4 000 characters');
    for (const m of posted) {
      assert.ok(m.text.length > 0, 'every message has a text fallback');
      const chars = JSON.stringify(m.blocks).length;
      assert.ok(chars < 13_000, `message blocks too long: ${chars}`);
    }
    const squash = (s: string) => s.replace(/\s+/g, '');
    assert.equal(squash(parts.map((p) => p.text!).join('')), squash(long));
    assert.match(seenText(posted.at(-1)!), /Sources: /);
    assert.ok(seen.notifiesNobody);
  });

  test('@channel, <!here> and user pings in model output stay inert text, streamed or posted', async () => {
    const pings = 'Ping <!channel> <!here> <!everyone> <@U999> <!subteam^S1> @channel & I studied at MIT.';
    rig.groq.script({ kind: 'answer', text: pings });
    const mark = rig.mark();
    const { visible } = await rig.mention('Where did you go to university, in one line?');
    const reply = rig.fake.messages.at(-1)!;
    assert.ok(reply.stream, 'the mention was answered with a native stream');
    assert.doesNotMatch(JSON.stringify(reply.blocks), /<!|<@|[^\u200b]@channel/);
    assert.match(visible.text, /Ping <!channel> <!here> <!everyone> <@U999>/, 'people read the characters as written');
    rig.groq.script({ kind: 'answer', text: pings });
    const slash = await rig.driver.slashAsk('Where did you study?');
    assert.match(slash.text, /<!channel> <!here>/);
    for (const call of rig.fake.calls.slice(mark.calls).filter((c) => c.method.startsWith('chat.'))) {
      assert.ok(inert(call.params), `${call.method} could notify`);
      if (call.method === 'chat.postMessage' || call.method === 'chat.update') {
        assert.notEqual(call.params.link_names, 'true');
        assert.equal(call.params.parse, 'none');
      }
    }
  });

  test('not_in_channel: the slash answer falls back to an ephemeral reply through response_url', async () => {
    rig.fake.notInChannel.add('CPRIVATE');
    rig.groq.script({ kind: 'answer', text: 'I would like to lead a platform team next.' });
    const seen = await rig.command('/ask-twin', 'What are your career goals for the next years?', {
      channelId: 'CPRIVATE',
    });
    assert.equal(seen.ephemeral, true);
    assert.match(seen.text, /lead a platform team/);
    const last = rig.fake.responses.at(-1)!;
    assert.equal(last.body.response_type, 'ephemeral');
  });

  test('a refusal before any answer (empty question) is shown to the asker only', async () => {
    const seen = await rig.command('/ask-twin', '   ');
    assert.equal(seen.ephemeral, true);
    assert.match(seen.text, /Ask me something/);
  });

  test('/twin-usage with an unknown window gets a hint, privately', async () => {
    const seen = await rig.command('/twin-usage', 'fortnight', { userId: 'UADMIN' });
    assert.equal(seen.ephemeral, true);
    assert.match(seen.text, /twin-usage 7d/);
  });

  test('a workspace admin (users.info is_admin) gets the 7-day report for this workspace', async () => {
    const seen = await rig.command('/twin-usage', '7d', { userId: 'UADMIN' });
    assert.match(seen.text, /this workspace, last 7 days/);
    assert.equal(rig.fake.callsOf('users.info').at(-1)!.params.user, 'UADMIN');
  });
});

describe('Slack adapter: streaming and failures', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({ mode: 'socket', harness: { groq: { chunkDelayMs: 4, chunkChars: 20 } } });
  });
  after(() => rig.close());

  test('the answer streams into the placeholder, then a Groq failure replaces it whole', async () => {
    rig.fake.setStatusError = 'not_allowed_token_type';
    let text = '';
    while (text.length < 900) text += LINE;
    // Every attempt the gateway makes breaks after text: the last failure is what the person sees.
    const broken = { kind: 'stream_error' as const, afterChars: 700 };
    rig.groq.script(broken, broken, broken, broken);
    const mark = rig.mark();
    const { visible } = await rig.mention('Tell me about leading the Kubernetes migration');
    rig.groq.reset();
    rig.fake.setStatusError = undefined;
    const posted = rig.fake.messages.slice(mark.messages).filter((m) => m.bot_id);
    assert.equal(posted.length, 1, 'one message: the placeholder, edited');
    const [placeholder] = posted;
    assert.match(seenText(placeholder!.versions[0]!), /Thinking…/);
    assert.doesNotMatch(visible.text, /billing|event sourcing/, 'no half answer is left');
    assert.match(visible.text, /isn't responding|try again/i);
    assert.match(seenText(placeholder!), /try again/i);
  });

  test('where the assistant status is refused, answer text streams by edits of one placeholder', async () => {
    // why: a workspace without the assistant status gets the post-and-update path (slack-streaming.test.ts has the
    // native stream); this proves that path still shows the answer as it streams.
    rig.fake.setStatusError = 'not_allowed_token_type';
    let text = '';
    while (text.length < 1_500) text += LINE;
    rig.groq.script({ kind: 'answer', text });
    const mark = rig.mark();
    const { visible } = await rig.mention('Describe the migration step by step');
    const posted = rig.fake.messages.slice(mark.messages).filter((m) => m.bot_id);
    assert.equal(posted.length, 1);
    assert.equal(posted[0]!.stream, undefined, 'an ordinary message');
    assert.ok(posted[0]!.edits >= 1, 'edited with chat.update');
    rig.fake.setStatusError = undefined;
    const partial = posted[0]!.versions.filter((v) => {
      const t = seenText(v);
      return t.includes('billing platform') && t.length < text.length;
    });
    assert.ok(partial.length >= 1, 'at least one partial version was shown');
    assert.match(visible.text, /reconciliation time/);
  });
});

describe('Slack adapter: Socket Mode connection', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({ mode: 'socket' });
  });
  after(() => rig.close());

  test('pings are answered, and after a `disconnect` message the client reconnects and keeps answering', async () => {
    const socket = rig.fake.socket;
    socket.ping();
    const opened = socket.connections;
    socket.disconnect('refresh_requested');
    await rig.until(() => socket.connections > opened && socket.openConnections === 1, 'the reconnect');
    assert.equal(rig.fake.callsOf('apps.connections.open').length, 2, 'a fresh URL for the new connection');
    rig.groq.script({ kind: 'answer', text: 'I built Podmeter, a Kubernetes cost tool.' });
    const seen = await rig.driver.slashAsk('What projects have you built?');
    assert.match(seen.text, /Podmeter/);
    assert.ok(socket.acks.every((a) => a.envelope_id.startsWith('env-')));
  });
});

describe('Slack adapter: OAuth install and uninstall (many workspaces)', () => {
  test('install two workspaces through /slack/install and /slack/oauth_redirect, answer in one, then app_uninstalled and tokens_revoked delete them', async () => {
    // The store production uses: installations in the ledger's database, through the KeyValueStore port.
    let store: KeyValueInstallationStore | undefined;
    const rig = await startSlackRig({
      mode: 'http',
      fake: {
        oauth: {
          clientId: 'CID',
          clientSecret: 'CSECRET',
          grants: {
            'code-1': {
              token: 'xoxb-t2',
              teamId: 'T2',
              botUserId: 'UBOT2',
              botId: 'BBOT2',
              installerUserId: 'UINSTALLER',
            },
            'code-2': { token: 'xoxb-t3', teamId: 'T3', botUserId: 'UBOT3', botId: 'BBOT3', installerUserId: 'UI' },
          },
        },
      },
      adapter: (harness) => {
        store = new KeyValueInstallationStore(harness.usage.keyValues);
        return {
          oauth: { clientId: 'CID', clientSecret: 'CSECRET', stateSecret: 'state-secret', installationStore: store },
        };
      },
    });
    try {
      const base = rig.eventsUrl.replace('/slack/events', '');
      const installWith = async (code: string) => {
        const install = await fetch(`${base}/slack/install`);
        assert.equal(install.status, 200);
        assert.match(await install.text(), /slack\.com\/oauth\/v2\/authorize\?scope=app_mentions%3Aread/);
        const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
        const state = decodeURIComponent(cookie.split('=')[1]!);
        const redirect = await fetch(`${base}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
          headers: { cookie },
        });
        assert.equal(redirect.status, 200, await redirect.text());
      };
      await installWith('code-1');
      await installWith('code-2');
      const installed = (teamId: string) => store!.has({ teamId });
      assert.deepEqual([await installed('T2'), await installed('T3')], [true, true]);

      rig.groq.script({ kind: 'answer', text: 'I mentor junior engineers every week.' });
      const typed = rig.fake.addMessage({ channel: 'CT2', user: 'UT2', text: '<@UBOT2> Do you mentor people?' });
      const callback = eventCallback({
        teamId: 'T2',
        botUserId: 'UBOT2',
        event: { type: 'app_mention', user: 'UT2', text: typed.text, ts: typed.ts, channel: 'CT2' },
      });
      await rig.deliverEvent(callback);
      const replied = await rig.replied(callback.event_id);
      assert.equal(replied.tenant, 'slack:T2');
      const post = rig.fake.callsOf('chat.startStream').at(-1)!;
      assert.equal(post.token, 'xoxb-t2', 'the workspace answers with its own installation token');
      assert.match(seenText(rig.fake.messages.at(-1)!), /mentor junior engineers/);
      const status = rig.fake.callsOf('assistant.threads.setStatus').at(-1)!;
      assert.equal(status.token, 'xoxb-t2');

      await rig.deliverEvent(eventCallback({ teamId: 'T2', event: { type: 'app_uninstalled' } }));
      await rig.waitForLog((r) => r.event === 'slack.uninstalled' && r.team === 'T2', 'the uninstall');
      assert.equal(await installed('T2'), false);

      await rig.deliverEvent(
        eventCallback({ teamId: 'T3', event: { type: 'tokens_revoked', tokens: { oauth: [], bot: ['UBOT3'] } } }),
      );
      await rig.waitForLog((r) => r.event === 'slack.uninstalled' && r.team === 'T3', 'the revocation');
      assert.deepEqual([await installed('T2'), await installed('T3')], [false, false]);
    } finally {
      await rig.close();
    }
  });
});

describe('Slack adapter: start-up', () => {
  test('a refused bot token is one clear TwinError from start(), and nothing is left running', async () => {
    const fake = await startFakeSlack();
    const harness = await startTwinHarness({ groq: false });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const mode of ['socket', 'http'] as const) {
        const adapter = new SlackAdapter({
          twin: harness.twin,
          botToken: 'xoxb-wrong',
          ...(mode === 'socket' ? { appToken: 'xapp-test' } : { signingSecret: 's', port: 0 }),
          apiUrl: fake.apiUrl,
          logger: harness.logger,
        });
        await assert.rejects(adapter.start(), (err: unknown) => {
          assert.ok(err instanceof TwinError);
          assert.equal(err.code, 'config');
          assert.equal(err.message, 'slack: the bot token was refused (invalid_auth). Check SLACK_BOT_TOKEN.');
          assert.doesNotMatch(err.message, /xoxb-wrong/);
          return true;
        });
        await adapter.stop();
      }
      const badApp = new SlackAdapter({
        twin: harness.twin,
        botToken: 'xoxb-test',
        appToken: 'xapp-wrong',
        apiUrl: fake.apiUrl,
        logger: harness.logger,
      });
      await assert.rejects(
        badApp.start(),
        /the app-level token was refused \(invalid_auth\)\. Check SLACK_APP_TOKEN\./,
      );
      const unreachable = new SlackAdapter({
        twin: harness.twin,
        botToken: 'xoxb-test',
        appToken: 'xapp-test',
        apiUrl: 'http://127.0.0.1:9/api/',
        clientRetries: 0,
        logger: harness.logger,
      });
      await assert.rejects(unreachable.start(), (err: unknown) => {
        assert.ok(err instanceof TwinError);
        assert.equal(err.code, 'network');
        assert.match(err.message, /could not reach the Slack Web API at http:\/\/127\.0\.0\.1:9\/api\//);
        return true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
      assert.equal(fake.socket.openConnections, 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await harness.close();
      await fake.close();
    }
  });

  test('in HTTP mode GET /healthz says 503 while the bot is stopping, so a balancer drains it', async () => {
    const fake = await startFakeSlack();
    const harness = await startTwinHarness({ groq: false });
    let status: 'ok' | 'stopping' = 'ok';
    const adapter = new SlackAdapter({
      twin: harness.twin,
      botToken: 'xoxb-test',
      signingSecret: 's',
      port: 0,
      apiUrl: fake.apiUrl,
      logger: harness.logger,
      health: { status: () => status, details: () => ({ inFlight: 2 }) },
    });
    try {
      await adapter.start();
      const url = `http://127.0.0.1:${adapter.port}/healthz`;
      const up = await fetch(url);
      assert.equal(up.status, 200);
      assert.deepEqual(await up.json(), { status: 'ok', inFlight: 2 });
      status = 'stopping';
      const draining = await fetch(url);
      assert.equal(draining.status, 503);
      assert.deepEqual(await draining.json(), { status: 'stopping', inFlight: 2 });
    } finally {
      await adapter.stop();
      await harness.close();
      await fake.close();
    }
  });

  test('missing credentials are a clear config error', async () => {
    const harness = await startTwinHarness({ groq: false });
    try {
      const adapter = new SlackAdapter({ twin: harness.twin, botToken: 'xoxb-test', logger: harness.logger });
      await assert.rejects(adapter.start(), /SLACK_APP_TOKEN \(Socket Mode\) or SLACK_SIGNING_SECRET \(HTTP mode\)/);
    } finally {
      await harness.close();
    }
  });
});
