/** The command table is the one source: help, usage lines and the README's command table all name every command. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS, findCommand, helpText, usageLine, usageOf } from '../../src/cli/commands.js';
import { ArgumentError, parseCommandArgs } from '../../src/cli/parse-command-args.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the command table', () => {
  it('help and the README name every command', () => {
    const help = helpText();
    const table = README.slice(README.indexOf('## Commands'), README.indexOf('## Configuration'));
    for (const spec of COMMANDS) {
      assert.ok(help.includes(`\n  ${spec.name}`), `help lists ${spec.name}`);
      const [word, sub] = spec.name.split(' ');
      const row = new RegExp(`\\| \`${word}${sub ? ` [^\`]*${sub}` : ''}[ \`\\\\]`);
      assert.match(table, row, `README lists ${spec.name}`);
    }
  });

  it('usage lines come from the options', () => {
    const usage = findCommand(['usage'])?.spec;
    assert.ok(usage);
    assert.equal(
      usageLine(usage),
      'twinbot usage [--csv|--json] [--tenant T] [--window 24h|7d|30d] [--png FILE] [--open] [--feedback]',
    );
    assert.match(
      usageOf('quota'),
      /^Usage: twinbot quota list\n {7}twinbot quota show <tenant>\n {7}twinbot quota set/,
    );
  });

  it('finds subcommands before commands, and parses a negative number as a value', () => {
    assert.equal(findCommand(['quota', 'set', 'discord:1'])?.spec.name, 'quota set');
    assert.equal(findCommand(['quota'])?.spec.name, undefined);
    const set = findCommand(['quota', 'set'])?.spec;
    assert.ok(set);
    assert.deepEqual(
      { ...parseCommandArgs(set, ['discord:1', '--usd-per-day', '-1']).values },
      { 'usd-per-day': '-1' },
    );
    assert.throws(() => parseCommandArgs(set, ['--usd-per-day']), new ArgumentError('--usd-per-day needs a value (X)'));
  });
});
