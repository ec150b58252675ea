/**
 * What our guard in front of Bolt's HTTP receiver refuses (issue 19, item 5 and the future timestamps), against the
 * real Bolt app in HTTP mode.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventCallback } from '../../fakes/slack/slack-payloads.js';
import { postSignedRaw } from '../../fakes/slack/slack-signer.js';
import { CHANNEL, MEMBER, SIGNING_SECRET, type SlackRig, startSlackRig } from './slack-rig.js';

describe('Slack HTTP mode: the request guard', () => {
  let rig: SlackRig;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    rig = await startSlackRig({ mode: 'http' });
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await rig.close();
  });

  const mentionCallback = (text: string) =>
    eventCallback({
      teamId: 'T1',
      event: {
        type: 'app_mention',
        user: MEMBER,
        text: `<@UBOT> ${text}`,
        ts: `${Date.now() / 1000}`,
        channel: CHANNEL,
      },
    });

  test('a timestamp more than 5 minutes in the future is refused with 401 and nothing is answered', async () => {
    const before = rig.groq.requests.length;
    const mark = rig.mark();
    const sixMinutesAhead = Math.floor(Date.now() / 1000) + 360;
    const res = await rig.postEvent(mentionCallback('from the future?'), 'event', { timestampSec: sixMinutesAhead });
    assert.equal(res.status, 401);
    const command = await rig.postEvent(
      { command: '/ask-twin', text: 'hi', team_id: 'T1', user_id: MEMBER, channel_id: CHANNEL },
      'command',
      { timestampSec: sixMinutesAhead },
    );
    assert.equal(command.status, 401);
    const refused = rig.harness.logs.events('slack.request_refused').filter((r) => r.reason === 'timestamp_in_future');
    assert.equal(refused.length, 2);
    await rig.adapter.drain();
    assert.equal(rig.visibleSince(mark).messages, 0);
    assert.equal(rig.groq.requests.length, before);
  });

  test('a timestamp a few seconds ahead (clock drift) is still accepted', async () => {
    const res = await rig.postEvent(mentionCallback('hi'), 'event', {
      timestampSec: Math.floor(Date.now() / 1000) + 30,
    });
    assert.equal(res.status, 200);
  });

  test('a signed body that is not an object (null, a number, an array) gets 400, and the bot keeps answering', async () => {
    const bodies: [string, string][] = [
      ['null', 'application/json'],
      ['null', 'application/json; charset=utf-8'],
      ['null', 'text/plain'],
      ['1', 'application/json'],
      ['[]', 'application/json'],
      ['payload=null', 'application/x-www-form-urlencoded'],
    ];
    for (const [body, contentType] of bodies) {
      const res = await postSignedRaw(rig.eventsUrl, SIGNING_SECRET, body, contentType);
      assert.equal(res.status, 400, `${contentType} ${body}`);
    }
    const forged = await postSignedRaw(rig.eventsUrl, SIGNING_SECRET, 'null', 'application/json', {
      signWith: 'not-the-secret',
    });
    assert.equal(forged.status, 401, 'an unsigned odd body is refused as unsigned');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, [], 'nothing escaped into an unhandled rejection');

    rig.groq.script({ kind: 'answer', text: 'I still answer after odd requests.' });
    const { visible } = await rig.mention('Are you still there?');
    assert.match(visible.text, /I still answer after odd requests\./);
  });
});
