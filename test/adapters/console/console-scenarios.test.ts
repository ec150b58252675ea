/**
 * The shared scenario suite (adapter-scenarios.ts) against the console: the same questions, the same twin and the
 * same fake Groq as Discord and Slack. A "slash ask" is a line in the interactive chat (it shows the sources line);
 * a "mention" is a line in scripted mode (a bare one is an empty line); usage is `/usage`.
 */
import { PassThrough } from 'node:stream';
import { after, before, describe } from 'node:test';
import { ConsoleAdapter } from '../../../src/adapters/console/console-adapter.js';
import type { FakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { startTwinHarness, type TwinHarness } from '../../support/twin-harness.js';
import { type AdapterDriver, runAdapterScenarios, type Visible } from '../adapter-scenarios.js';

const PROMPT = 'you › ';
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing the console's own colour codes is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]|\r/g;

/** Runs one console session over in-memory streams, through the PlatformAdapter contract; returns what it wrote. */
async function session(h: TwinHarness, line: string, interactive: boolean): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d) => (out += d));
  const adapter = new ConsoleAdapter({ twin: h.twin, input, output, errorOutput: new PassThrough(), interactive });
  await adapter.start();
  input.end(`${line}\n`);
  await adapter.done;
  await adapter.stop(0);
  if (adapter.health().state !== 'stopped') throw new Error(`console still ${adapter.health().state}`);
  const plain = out.replace(ANSI, '');
  // Interactive: the banner, a prompt, the reply, a prompt, the session's totals; keep the reply.
  return interactive ? (plain.split(PROMPT)[1] ?? '') : plain;
}

function visible(text: string): Visible {
  return { text: text.trim(), messages: 1, notifiesNobody: true, ephemeral: true, linksShown: true };
}

describe('console adapter, shared scenarios', () => {
  let h: TwinHarness;
  let driver: AdapterDriver;

  before(async () => {
    h = await startTwinHarness({ groq: {}, options: { maxTokens: 4_000 } });
    driver = {
      name: 'console',
      groq: h.groq as FakeGroq,
      traits: { operatorOnly: true, oneMessage: true },
      slashAsk: async (question) => visible(await session(h, question, true)),
      mention: async (question) => visible(await session(h, question, false)),
      usage: async () => visible(await session(h, '/usage', true)),
    };
  });
  after(async () => h.close());

  runAdapterScenarios(() => driver);
});
