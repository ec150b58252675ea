/**
 * `twinbot start` as a user runs it: a real child process, its stdin and stdout, the fake Groq over a socket,
 * and the ledger file it leaves behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { runCli, startCli, startCliInTerminal, tempWorkdir } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';

describe('twinbot start', () => {
  let groq: FakeGroq;
  before(async () => {
    groq = await startFakeGroq({
      answer: () => 'I studied computer science at Aldermoor and loved distributed systems.',
    });
  });
  after(async () => groq.close());

  test('no credentials: scripted console answers offline, logs only on stderr, exits 0', async () => {
    const cwd = tempWorkdir();
    const r = await runCli(['start'], {}, cwd, 'Where did you study?\nhow do I bake bread?\n');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /Aldermoor/);
    assert.doesNotMatch(r.stdout, /"level"/);
    assert.match(r.stderr, /"event":"twin.usage"/);
  });

  test('through Groq: answers, and `twinbot usage` shows the requests afterwards', async () => {
    const cwd = tempWorkdir();
    const env = { GROQ_API_KEY: 'gsk_test_key_123456', GROQ_BASE_URL: groq.url };
    const r = await runCli(['start'], env, cwd, 'Where did you study?\nWhat do you know about Kubernetes?\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /loved distributed systems/);
    assert.doesNotMatch(r.stderr, /gsk_test_key_123456/, 'the key never reaches the logs');
    const usage = await runCli(['usage', '--window', '24h'], env, cwd);
    assert.equal(usage.code, 0, usage.stderr);
    assert.match(usage.stdout, /Twin usage for all tenants/);
    assert.match(usage.stdout, /Requests: 2 · Answered: 2/);
    const csv = await runCli(['usage', '--tenant', 'console:local', '--csv'], env, cwd);
    assert.equal(csv.stdout.trim().split('\r\n').length, 3, 'a header and two records');
  });

  test("the workshop's retired model is a warning at start and a fallback at run time", async () => {
    const cwd = tempWorkdir();
    const env = { GROQ_API_KEY: 'k', GROQ_BASE_URL: groq.url, GROQ_MODEL: 'llama-3.1-8b-instant' };
    const before = groq.requests.length;
    const r = await runCli(['start'], env, cwd, 'Where did you study?\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /retired by Groq/);
    assert.match(r.stdout, /loved distributed systems/);
    const models = groq.requests.slice(before).map((q) => q.model);
    assert.deepEqual(models, ['llama-3.1-8b-instant', 'openai/gpt-oss-20b']);
  });

  test('a refused key reaches the user as a plain sentence and is recorded', async () => {
    const cwd = tempWorkdir();
    const env = { GROQ_API_KEY: 'wrong', GROQ_BASE_URL: groq.url };
    groq.script({
      kind: 'error',
      status: 401,
      body: { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } },
    });
    const r = await runCli(['start'], env, cwd, 'Where did you study?\n');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /refused the bot's API key\. The bot's operator needs to check GROQ_API_KEY\./);
    const usage = await runCli(['usage'], env, cwd);
    assert.match(usage.stdout, /Failed: 1/);
    assert.match(usage.stdout, /Top failure reasons: auth \(1\)/);
  });

  test("Ctrl-C in the interactive chat ends it like `exit`: the session's totals, exit 0", async () => {
    const cwd = tempWorkdir();
    const run = startCliInTerminal(['start'], {}, cwd);
    await waitFor(() => run.stdout().includes('you ›'), 'the prompt');
    run.child.stdin!.write('Where did you study?\n');
    await waitFor(() => run.stdout().includes('Sources:'), 'the answer');
    run.child.stdin!.write('\x03');
    const r = await run.done;
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /This session: Requests: 1 · Tokens: 0 · .*Success rate: 100\.0%/);
    assert.match(r.stdout, /Bye!/);
    assert.doesNotMatch(r.stdout, /usage database/i);
  });

  test('a broken profile stops start-up with a message naming the file and field', async () => {
    const cwd = tempWorkdir();
    const profile = new URL('../fixtures/profiles/wrong-types.json', import.meta.url).pathname;
    const r = await runCli(['start'], { TWIN_PROFILE: profile }, cwd);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /wrong-types\.json/);
    assert.match(r.stderr, /must be a number/);
  });

  test('bad configuration lists every problem at once', async () => {
    const r = await runCli(['start'], { GROQ_TEMPERATURE: '7', TWIN_DEADLINE_S: 'soon' }, tempWorkdir());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /2 problems/);
    assert.match(r.stderr, /GROQ_TEMPERATURE must be between 0 and 2, got 7/);
  });

  test('SIGTERM lets the answer in flight finish, records it, serves /healthz until then, and exits 0', async () => {
    const cwd = tempWorkdir();
    const slow = await startFakeGroq({ latencyMs: 1_500, answer: () => 'I studied at Aldermoor (slowly).' });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const run = startCli(['start'], { GROQ_API_KEY: 'k', GROQ_BASE_URL: slow.url, PORT: String(port) }, cwd);
    try {
      await waitFor(() => run.stderr().includes('/healthz'), 'the health server');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      run.child.stdin!.write('Where did you study?\n');
      await waitFor(() => slow.requests.length > 0, 'the question to reach Groq');
      run.child.kill('SIGTERM');
      const r = await run.done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /I studied at Aldermoor \(slowly\)\./);
      const usage = await runCli(['usage'], {}, cwd);
      assert.match(usage.stdout, /Requests: 1 · Answered: 1/);
    } finally {
      run.child.kill('SIGKILL');
      await slow.close();
    }
  });

  test('twinbot help lists the commands', async () => {
    const r = await runCli(['--help'], {}, tempWorkdir());
    assert.equal(r.code, 0);
    for (const c of ['start', 'ask', 'search', 'ingest', 'usage', 'quota', 'forget', 'register-commands']) {
      assert.match(r.stdout, new RegExp(`\\n  ${c}`));
    }
  });
});
