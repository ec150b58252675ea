/**
 * Issue 12 end to end: the questions people ask most ("What do you do now?", "Tell me about yourself", "Why should
 * we hire you?") reach the model with the profile overview and the chunks that answer them, through the console and
 * through the real Slack adapter (Bolt) against the fake Slack and the fake Groq; off-profile questions are declined,
 * offline by the threshold and, with a model, without a call when they are plainly not about the person.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { NOT_IN_PROFILE } from '../../src/core/prompt.js';
import { type SlackRig, startSlackRig } from '../adapters/slack/slack-rig.js';
import type { RecordedRequest } from '../fakes/groq/fake-groq-server.js';
import { startTwinHarness, type TwinHarness } from '../support/twin-harness.js';

async function scripted(h: TwinHarness, lines: string[]): Promise<string[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d) => (out += d));
  const adapter = new ConsoleAdapter({
    twin: h.twin,
    input,
    output,
    errorOutput: new PassThrough(),
    interactive: false,
  });
  const done = adapter.run();
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return out.split('\n').filter(Boolean);
}

const system = (r: RecordedRequest) => String(r.body.messages[0]?.content ?? '');
const lastUser = (r: RecordedRequest) => String(r.body.messages.at(-1)?.content ?? '');

describe('open questions through the console, with Groq', () => {
  let h: TwinHarness;
  before(async () => {
    h = await startTwinHarness({ groq: {} });
  });
  after(async () => h.close());

  test('"What do you do now?" reaches the model with the overview and the current role', async () => {
    const [answer] = await scripted(h, ['What do you do now?']);
    assert.ok(answer && answer !== NOT_IN_PROFILE, answer);
    const request = h.groq!.requests.at(-1)!;
    assert.match(system(request), /<overview>\nName: Talia Brennock\n/);
    assert.match(system(request), /Current role: Senior Platform Engineer at Kestrel Freightworks/);
    assert.match(lastUser(request), /<chunk id="chunk_002"/);
    assert.match(lastUser(request), /<question>\nWhat do you do now\?\n<\/question>$/);
  });

  test('"Tell me a bit about yourself." and "Why should we hire you?" bring the introduction and stories', async () => {
    const before = h.groq!.requests.length;
    await scripted(h, ['Tell me a bit about yourself.']);
    await scripted(h, ['Why should we hire you?']);
    const [intro, hire] = h.groq!.requests.slice(before);
    assert.match(lastUser(intro!), /<chunk id="chunk_001"/);
    assert.match(lastUser(hire!), /<chunk id="chunk_00[134]"/);
    assert.equal(system(intro!), system(hire!), 'the static prefix is the same for every question');
  });

  test('a question plainly not about the person is declined without a model call', async () => {
    const before = h.groq!.requests.length;
    const lines = await scripted(h, ['What is the capital of Australia?']);
    assert.deepEqual(lines, [NOT_IN_PROFILE]);
    assert.equal(h.groq!.requests.length, before);
  });
});

describe('open questions through the console, offline', () => {
  let h: TwinHarness;
  before(async () => {
    h = await startTwinHarness();
  });
  after(async () => h.close());

  test('answers from the overview and the current role, and still declines off-profile questions', async () => {
    const lines = await scripted(h, ['Tell me about yourself']);
    assert.match(lines[0]!, /^I'm Talia Brennock, a Senior Platform Engineer based in Rotterdam/);
    assert.match((await scripted(h, ['What do you do now?']))[0]!, /Kestrel Freightworks/);
    for (const question of ['What is your blood type?', 'Who is your favourite footballer?', 'How do I bake bread?']) {
      assert.deepEqual(await scripted(h, [question]), [NOT_IN_PROFILE], question);
    }
  });
});

describe('open questions through Slack (HTTP mode)', () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig({ mode: 'http' });
  });
  after(() => rig.close());

  test('/ask-twin "Why should we hire you?" is answered from the overview and the profile', async () => {
    const before = rig.groq.requests.length;
    const seen = await rig.command('/ask-twin', 'Why should we hire you?');
    assert.doesNotMatch(seen.text, /isn't in my profile/);
    const request = rig.groq.requests[before]!;
    assert.match(system(request), /<overview>\nName: Talia Brennock\n/);
    assert.match(lastUser(request), /<chunk id="chunk_00[134]"/);
  });

  test('/ask-twin with a long question naming a project sends that project first', async () => {
    const before = rig.groq.requests.length;
    await rig.command(
      '/ask-twin',
      'I manage a platform team and we are drowning in cloud bills. A colleague mentioned Podmeter on a forum ' +
        'last week. What exactly did you build there, who uses it, and how did the teams react to it?',
    );
    const user = lastUser(rig.groq.requests[before]!);
    assert.equal(/<chunk id="([^"]+)"/.exec(user)?.[1], 'chunk_011');
  });
});
