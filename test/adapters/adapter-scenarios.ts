/**
 * One scenario list, run against every adapter (DESIGN.md "Tests"). Each adapter's test file builds a driver that
 * talks to the REAL platform SDK through its protocol fake, and calls `runAdapterScenarios(driver)`.
 * The twin behind the adapter is a real TwinService (test/support/twin-harness.ts) answering through the fake Groq.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FakeGroq } from '../fakes/groq/fake-groq-server.js';

/** What a person saw as the outcome of one action, after the adapter finished (all edits and follow-ups). */
export interface Visible {
  /** The final visible text of every message the bot wrote for this action, in order, joined with "\n". */
  text: string;
  /** How many messages the bot posted (not counting edits). */
  messages: number;
  /** True when every message the bot sent could notify nobody (Discord allowedMentions parse []; Slack escaped). */
  notifiesNobody: boolean;
  /** True when it was shown only to the asker (ephemeral). */
  ephemeral: boolean;
  /**
   * True when every link the bot wrote shows its real address: none hidden behind a label (a masked link), and
   * none unfurled into a preview card or image (Discord embeds suppressed, Slack unfurling off).
   */
  linksShown: boolean;
}

export interface AdapterDriver {
  name: string;
  groq: FakeGroq;
  /** The slash command `/ask-twin <question>` from a regular member. */
  slashAsk(question: string): Promise<Visible>;
  /** `@twinbot <question>` in a channel (text may be empty: a bare mention). */
  mention(question: string): Promise<Visible>;
  /**
   * `/twin-usage` from an admin of the tenant, or from a regular member. Absent at doors without a usage report
   * (the HTTP API and MCP: operators use `twinbot usage --tenant`).
   */
  usage?(asAdmin: boolean): Promise<Visible>;
  /**
   * What the door cannot do by its nature: the console's one user is the operator (never a regular member), and a
   * terminal, the HTTP API and MCP show a long answer as one message (one response of any length).
   */
  traits?: { operatorOnly?: boolean; oneMessage?: boolean };
}

const LONG_PARAGRAPH =
  'I spent those years building data pipelines, reviewing designs and mentoring engineers, and each quarter taught me something new about reliability. ';

/** Registers the shared scenarios as node:test subtests of the current test. */
export function runAdapterScenarios(getDriver: () => AdapterDriver): void {
  test('slash ask answers in the channel with a sources line', async () => {
    const d = getDriver();
    d.groq.script({ kind: 'answer', text: 'I studied computer science, and I loved it.' });
    const seen = await d.slashAsk('Where did you study?');
    assert.match(seen.text, /I studied computer science, and I loved it\./);
    assert.match(seen.text, /Sources?:/);
    assert.equal(seen.notifiesNobody, true);
  });

  test('a mention gets a reply', async () => {
    const d = getDriver();
    d.groq.script({ kind: 'answer', text: 'My career goal is to lead a platform team.' });
    const seen = await d.mention('What are your career goals?');
    assert.match(seen.text, /lead a platform team/);
    assert.equal(seen.notifiesNobody, true);
  });

  test('a bare mention gets a short hint, not an error', async () => {
    const d = getDriver();
    const seen = await d.mention('');
    assert.match(seen.text, /Ask me something/);
  });

  test('usage as admin shows labelled counts for this tenant', async (t) => {
    const d = getDriver();
    if (!d.usage) return t.skip(`${d.name} has no usage report`);
    const seen = await d.usage(true);
    assert.match(seen.text, /Requests: \d+/);
    assert.match(seen.text, /Answered: \d+/);
    assert.equal(seen.ephemeral, true);
  });

  test('usage as a regular member is refused without numbers', async (t) => {
    const d = getDriver();
    if (!d.usage) return t.skip(`${d.name} has no usage report`);
    if (d.traits?.operatorOnly) return t.skip("this door's only user is the operator");
    const seen = await d.usage(false);
    assert.match(seen.text, /admins/);
    assert.doesNotMatch(seen.text, /\d/);
    assert.equal(seen.ephemeral, true);
  });

  test('a long answer arrives whole, split across messages', async () => {
    const d = getDriver();
    let long = '';
    for (let i = 1; long.length < 7_000; i++) long += `${i}. ${LONG_PARAGRAPH}${i % 4 === 0 ? '\n\n' : ''}`;
    d.groq.script({ kind: 'answer', text: long });
    const seen = await d.slashAsk('Tell me about your experience');
    if (d.traits?.oneMessage) assert.equal(seen.messages, 1);
    else assert.ok(seen.messages >= 2, `expected several messages, got ${seen.messages}`);
    const squash = (s: string) => s.replace(/\s+/g, '');
    assert.ok(squash(seen.text).includes(squash(long)), 'every character of the answer must arrive');
  });

  test('a Groq failure becomes a plain sentence', async () => {
    const d = getDriver();
    const outage = {
      kind: 'error' as const,
      status: 503,
      body: { error: { message: 'over capacity', type: 'server_error' } },
    };
    d.groq.script(outage, outage, outage, outage, outage, outage);
    const seen = await d.slashAsk('What do you know about Kubernetes?');
    assert.match(seen.text, /isn't responding|try again/i);
    assert.doesNotMatch(seen.text, /Error:|at .*\.ts:\d+|503/);
    d.groq.reset();
  });

  test('@everyone in the model output notifies nobody', async () => {
    const d = getDriver();
    d.groq.script({ kind: 'answer', text: 'Hello @everyone and @here, <!channel> <@U123> <@&456> I studied physics.' });
    const seen = await d.mention('Which university did you attend?');
    assert.match(seen.text, /studied physics/);
    assert.equal(seen.notifiesNobody, true);
  });
}
