import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ConsoleAdapter } from '../../../src/adapters/console/console-adapter.js';
import { startTwinHarness, type TwinHarness } from '../../support/twin-harness.js';

/** Runs the console over in-memory streams and returns what it wrote. */
async function runConsole(h: TwinHarness, lines: string[], interactive: boolean) {
  const input = new PassThrough();
  const output = new PassThrough();
  const errorOutput = new PassThrough();
  let out = '';
  let err = '';
  output.on('data', (d) => (out += d));
  errorOutput.on('data', (d) => (err += d));
  const adapter = new ConsoleAdapter({ twin: h.twin, input, output, errorOutput, interactive });
  const done = adapter.run();
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return { out, err };
}

describe('console adapter, offline', () => {
  let h: TwinHarness;
  before(async () => {
    h = await startTwinHarness();
  });
  after(async () => h.close());

  test('scripted: one answer line per question on stdout, notes elsewhere', async () => {
    const { out, err } = await runConsole(
      h,
      ['Where did you study?', 'how do I bake sourdough bread?', '', 'What do you know about Kubernetes?'],
      false,
    );
    const lines = out.split('\n').filter(Boolean);
    assert.equal(lines.length, 4, out);
    assert.match(lines[0]!, /University of Aldermoor/);
    assert.equal(lines[1], "I don't know — that isn't in my profile.");
    assert.match(lines[2]!, /^Ask me something/);
    assert.match(lines[3]!, /Kubernetes/);
    assert.ok(!out.includes('\u001b['), 'no colours in scripted output');
    assert.doesNotMatch(out, /Sources:|Thinking/, 'no progress or sources in scripted output');
    assert.match(err, /without a language model/);
  });

  test('interactive: banner, progress, answer with sources, /usage, and session totals on exit', async () => {
    const { out } = await runConsole(h, ['Where did you study?', '/usage', '/usage 5y', 'exit', 'never asked'], true);
    assert.match(out, /Digital twin of Talia Brennock/);
    assert.match(out, /Try: “/);
    assert.match(out, /Thinking…/);
    assert.match(out, /University of Aldermoor/);
    assert.match(out, /Sources: /);
    assert.match(out, /Twin usage for this console, last 24 hours \(UTC\)/);
    assert.match(out, /Requests: \d+ · Answered: \d+/);
    assert.match(out, /Usage windows are 24h, 7d or 30d/);
    assert.match(
      out,
      /This session: Requests: 1 · Tokens: 0 · Average latency: .* · Success rate: 100\.0% · Estimated cost: \$0\.00/,
    );
    assert.doesNotMatch(out, /never asked/);
  });
});
