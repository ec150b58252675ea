/**
 * The prompt-injection and abuse table (abuse-scenarios.ts) over every adapter: the console (scripted and
 * interactive), Slack (Socket Mode and HTTP mode, slash command and mention) and Discord (slash command and mention),
 * each the real adapter with its real SDK against the protocol fakes, the fake Groq obeying whatever it is told.
 */
import { PassThrough } from 'node:stream';
import { after, before, describe } from 'node:test';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import type { TwinHarness } from '../support/twin-harness.js';
import { startTwinHarness } from '../support/twin-harness.js';
import { ABUSE_HARNESS, type AbuseDriver, runAbuseScenarios } from './abuse-scenarios.js';
import type { Visible } from './adapter-scenarios.js';
import { type DiscordRig, startDiscordRig } from './discord/discord-driver.js';
import { type SlackRig, startSlackRig } from './slack/slack-rig.js';

/** Ledger rows of one tenant in the last hour (every row these tests make). */
async function ledgerRows(harness: TwinHarness, tenantId: string): Promise<number> {
  const now = Date.now();
  const summary = await harness.usage.summarize({
    tenantId,
    from: now - 3_600_000,
    to: now + 60_000,
    bucketMs: 3_600_000,
  });
  return summary.requests;
}

/** The styling the console adapter writes itself in a terminal (dim, bold, erasing its progress line). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the adapter's own escape sequences
const OWN_STYLING = /\u001b\[(?:1|2|22)m|\r\u001b\[K|\r\u001b\[(?:0G|\d+F)\u001b\[J/g;

async function askConsole(harness: TwinHarness, question: string, interactive: boolean): Promise<Visible> {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d) => (out += d));
  const adapter = new ConsoleAdapter({
    twin: harness.twin,
    input,
    output,
    errorOutput: new PassThrough(),
    interactive,
  });
  const done = adapter.run();
  input.end(`${question}\n`);
  await done;
  const text = interactive ? out.replace(OWN_STYLING, '') : out;
  return {
    text,
    messages: text.split('\n').filter(Boolean).length,
    // A terminal notifies with the bell character.
    notifiesNobody: !out.includes('\u0007'),
    // An OSC 8 hyperlink shows a label and hides its address.
    linksShown: !out.includes('\u001b]8;'),
    ephemeral: true,
  };
}

describe('abuse: console', () => {
  let harness: TwinHarness;
  before(async () => {
    harness = await startTwinHarness(ABUSE_HARNESS);
  });
  after(() => harness.close());
  runAbuseScenarios(
    (): AbuseDriver => ({
      name: 'console',
      groq: harness.groq!,
      doors: {
        scripted: (q) => askConsole(harness, q, false),
        interactive: (q) => askConsole(harness, q, true),
      },
      ledgerRows: () => ledgerRows(harness, 'console:local'),
    }),
  );
});

for (const mode of ['socket', 'http'] as const) {
  describe(`abuse: Slack (${mode === 'socket' ? 'Socket Mode' : 'HTTP mode'})`, () => {
    let rig: SlackRig;
    before(async () => {
      rig = await startSlackRig({ mode, harness: ABUSE_HARNESS });
    });
    after(() => rig.close());
    runAbuseScenarios(
      (): AbuseDriver => ({
        name: rig.driver.name,
        groq: rig.groq,
        doors: { slash: rig.driver.slashAsk, mention: rig.driver.mention },
        ledgerRows: () => ledgerRows(rig.harness, 'slack:T1'),
      }),
    );
  });
}

describe('abuse: Discord', () => {
  let rig: DiscordRig;
  before(async () => {
    rig = await startDiscordRig({ harness: ABUSE_HARNESS });
  });
  after(() => rig.close());
  runAbuseScenarios(
    (): AbuseDriver => ({
      name: 'discord',
      groq: rig.groq,
      doors: { slash: rig.driver.slashAsk, mention: rig.driver.mention },
      ledgerRows: () => ledgerRows(rig.harness, `discord:${rig.fake.guild.id}`),
    }),
  );
});
