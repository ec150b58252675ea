/**
 * The first hour through the real `twinbot` process: piped `exit`, the usage chart drawn to a file, a starter
 * profile that loads and answers, `doctor` rating it honestly, and log lines a person can read at a terminal.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, startCliInTerminal, tempWorkdir } from '../support/run-cli.js';
import { pngInfo } from '../usage/png-info.js';

const MISSPELT = new URL('../fixtures/profiles/misspelt-section.json', import.meta.url).pathname;

describe('twinbot in the first hour', () => {
  test('piped stdin: exit and quit end the chat; what follows is neither answered nor recorded', async () => {
    for (const word of ['exit', 'quit', '/exit']) {
      const cwd = tempWorkdir();
      const r = await runCli(['start'], {}, cwd, `Where did you study?\n${word}\nWhat are your career goals?\n`);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stdout);
      assert.match(lines[0] ?? '', /Aldermoor/);
      const usage = await runCli(['usage', '--json'], {}, cwd);
      assert.equal((JSON.parse(usage.stdout) as unknown[]).length, 1, `${word}: only the question before it counts`);
    }
  });

  test('usage --png draws the chart of the chat report to a file', async () => {
    const cwd = tempWorkdir();
    await runCli(['start'], {}, cwd, 'Where did you study?\nWhat are your career goals?\n');
    const file = join(cwd, 'usage.png');
    const r = await runCli(['usage', '--window', '7d', '--png', file], {}, cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Requests: 2 · Answered: 2/);
    assert.match(r.stdout, new RegExp(`Chart \\(900×450\\) written to ${file}\\n$`));
    const png = readFileSync(file);
    assert.deepEqual(pngInfo(png), { width: 900, height: 450 });
    const size = statSync(file).size;
    assert.ok(size > 10_000 && size < 400_000, `a chart of ${size} bytes`);
    const both = await runCli(['usage', '--png', file, '--csv'], {}, cwd);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^twinbot usage: --png and --open draw the chart; --csv and --json export records/);
  });

  test('profile init writes a starter that loads and answers; doctor says it is not filled in yet', async () => {
    const cwd = tempWorkdir();
    const init = await runCli(['profile', 'init', '--name', 'Ada Quill'], {}, cwd);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /^Wrote .*digitaltwin\.json: a starter profile for Ada Quill/);
    assert.ok(existsSync(join(cwd, 'digitaltwin.json')));
    const again = await runCli(['profile', 'init'], {}, cwd);
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /^twinbot profile init: .*digitaltwin\.json already exists; add --force to overwrite it/,
    );

    const env = { TWIN_PROFILE: join(cwd, 'digitaltwin.json') };
    const ask = await runCli(['ask', 'Where did you study?'], env, cwd);
    assert.equal(ask.code, 0, ask.stderr);
    assert.match(ask.stdout, /^I studied at Your university/);
    assert.match(ask.stdout, /Sources: Education/);

    const doctor = await runCli(['doctor'], env, cwd);
    assert.equal(doctor.code, 0, doctor.stderr);
    assert.match(doctor.stdout, /! Profile: Ada Quill, from .*: 0 of 6 areas filled, \d+ chunks/);
    assert.match(
      doctor.stdout,
      /It gives the twin little to say: .* Add, as in the workshop's template:\n {4}- personal: /,
    );
    assert.match(
      doctor.stdout,
      /\n {4}- experience\[\]: company, title, duration, company_context and achievements_star/,
    );
    assert.match(doctor.stdout, /\nReady to run, with 1 warning above \(!\) worth a look\.\n$/);
    assert.doesNotMatch(doctor.stdout, /All set/);
  });

  test('doctor on the sample profile: plenty to say, all set', async () => {
    const r = await runCli(['doctor'], {}, tempWorkdir());
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /✓ Profile: Talia Brennock, from .*: 6 of 6 areas filled, 16 chunks .* It gives the twin plenty to say\./,
    );
    assert.match(r.stdout, /\nAll set\.\n$/);
  });

  test('at a terminal, ask prints the answer and readable warnings, never JSON log lines', async () => {
    const cwd = tempWorkdir();
    const run = startCliInTerminal(['ask', 'What are your career goals?'], { TWIN_PROFILE: MISSPELT }, cwd);
    run.child.stdin?.end();
    const r = await run.done;
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /design system team/);
    assert.match(r.stdout, /\d\d:\d\d:\d\d WARN {2}unknown section 'experiance' \(did you mean 'experience'\?\)/);
    assert.doesNotMatch(r.stdout, /"level"|\{"/);
  });
});
