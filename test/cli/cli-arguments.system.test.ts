/**
 * Argument mistakes as a person makes them, through the real `twinbot` process: one line naming the command, its
 * usage under it, exit code 2, and no log record or stack trace in sight.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli, tempWorkdir } from '../support/run-cli.js';

function assertOneLineAndUsage(stderr: string, command: string): void {
  const [first, second] = stderr.split('\n');
  assert.match(first ?? '', new RegExp(`^twinbot ${command}: `));
  assert.match(second ?? '', new RegExp(`^Usage: twinbot ${command}`));
  assert.doesNotMatch(stderr, /"level"|\n\s+at |could not start/);
}

describe('twinbot argument errors', () => {
  test('an unknown option lists the options; exit 2', async () => {
    const r = await runCli(['usage', '--bogus'], {}, tempWorkdir());
    assert.equal(r.code, 2);
    assertOneLineAndUsage(r.stderr, 'usage');
    assert.match(r.stderr, /unknown option --bogus; the options are --tenant, --window, --csv, --json, --png, --open/);
    assert.equal(r.stdout, '');
  });

  test('a misspelt flag gets "did you mean"', async () => {
    const r = await runCli(['usage', '--jsno'], {}, tempWorkdir());
    assert.equal(r.code, 2);
    assertOneLineAndUsage(r.stderr, 'usage');
    assert.match(r.stderr, /unknown option --jsno; did you mean --json\?/);
    const quota = await runCli(['quota', 'set', 'discord:42', '--request-per-day', '5'], {}, tempWorkdir());
    assert.equal(quota.code, 2);
    assert.match(
      quota.stderr,
      /^twinbot quota set: unknown option --request-per-day; did you mean --requests-per-day\?/,
    );
  });

  test('a negative quota value says what is allowed', async () => {
    const r = await runCli(['quota', 'set', 'discord:42', '--requests-per-day', '-5'], {}, tempWorkdir());
    assert.equal(r.code, 2);
    assertOneLineAndUsage(r.stderr, 'quota set');
    assert.match(r.stderr, /--requests-per-day must be a whole number of 0 or more, got "-5"/);
  });

  test('a misspelt command or subcommand gets "did you mean"', async () => {
    const command = await runCli(['usag'], {}, tempWorkdir());
    assert.equal(command.code, 2);
    assert.match(command.stderr, /^twinbot: unknown command "usag"; did you mean usage\?/);
    const sub = await runCli(['quota', 'lst'], {}, tempWorkdir());
    assert.equal(sub.code, 2);
    assert.match(
      sub.stderr,
      /^twinbot quota: unknown subcommand "lst"; did you mean list\?\nUsage: twinbot quota list/,
    );
  });

  test('a bad tenant name is refused with a hint, before anything is stored', async () => {
    const cwd = tempWorkdir();
    const bare = await runCli(['quota', 'set', '123456789012345678', '--requests-per-day', '5'], {}, cwd);
    assert.equal(bare.code, 2);
    assertOneLineAndUsage(bare.stderr, 'quota set');
    assert.match(bare.stderr, /"123456789012345678" is not a tenant name; did you mean discord:123456789012345678\?/);
    const cased = await runCli(['usage', '--tenant', 'Slack:t0abc'], {}, cwd);
    assert.equal(cased.code, 2);
    assert.match(cased.stderr, /did you mean slack:T0ABC\?/);
    const unknown = await runCli(['forget', 'my-server', '--yes'], {}, cwd);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /a tenant is one of discord:<server id>, .*slack:<team id>, api:<key name>, mcp:<key name>, console:local/,
    );
    const list = await runCli(['quota', 'list'], {}, cwd);
    assert.match(list.stdout, /No tenant has a quota override/);
  });

  test('quota list shows every override with its limits', async () => {
    const cwd = tempWorkdir();
    const env = { TWIN_QUOTA_REQUESTS_PER_DAY: '1000' };
    const set1 = await runCli(
      ['quota', 'set', 'discord:42', '--requests-per-day', '500', '--usd-per-month', '5'],
      env,
      cwd,
    );
    assert.equal(set1.code, 0, set1.stderr);
    assert.match(
      set1.stdout,
      /^discord:42: 500 requests per day, \$5\.00 per month, from the operator's override over the defaults/,
    );
    const set2 = await runCli(['quota', 'set', 'slack:T0ABC123', '--tokens-per-day', '20000'], env, cwd);
    assert.equal(set2.code, 0, set2.stderr);
    const r = await runCli(['quota', 'list'], env, cwd);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^Defaults for every tenant \(TWIN_QUOTA_\*\): 1,000 requests per day$/);
    assert.equal(lines[1], '2 overrides:');
    assert.match(
      lines[2] ?? '',
      /^ {2}discord:42 {6}500 requests per day, \$5\.00 per month \(set \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/,
    );
    assert.match(lines[3] ?? '', /^ {2}slack:T0ABC123 {2}20,000 tokens per day \(set /);
    const cleared = await runCli(['quota', 'clear', 'discord:42'], env, cwd);
    assert.match(cleared.stdout, /Removed the operator's quota override of discord:42/);
    assert.match((await runCli(['quota', 'list'], env, cwd)).stdout, /1 override:\n {2}slack:T0ABC123/);
  });

  test('a failure names the command, never "could not start"', async () => {
    const r = await runCli(['ingest'], {}, tempWorkdir());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^twinbot ingest: it needs UPSTASH_VECTOR_REST_URL/);
    assert.doesNotMatch(r.stderr, /could not start/);
  });

  test('a bad setting is named by the command that met it', async () => {
    const r = await runCli(['usage'], { GROQ_TEMPERATURE: '7' }, tempWorkdir());
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^twinbot usage: the configuration has 1 problem:\n {2}- GROQ_TEMPERATURE must be between 0 and 2/,
    );
    const ask = await runCli(['ask'], {}, tempWorkdir());
    assert.equal(ask.code, 2);
    assertOneLineAndUsage(ask.stderr, 'ask');
  });

  test('help for one command prints its usage', async () => {
    const r = await runCli(['help', 'quota'], {}, tempWorkdir());
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: twinbot quota list\n {7}twinbot quota show <tenant>/);
  });
});
