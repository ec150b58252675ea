/**
 * Issue 19.9: a bot killed with SIGKILL while Groq is answering leaves its requests in the ledger. The row is
 * written at admission; the next process to open the ledger marks it 'interrupted'; reports count it with the
 * failures and quotas count it as spent.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@libsql/client';
import { type FakeGroq, startFakeGroq } from '../fakes/groq/fake-groq-server.js';
import { runCli, startCli, tempWorkdir } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';

const LONG_ANSWER = `I studied computer science at Aldermoor. ${'I loved distributed systems and long walks. '.repeat(20)}`;

describe('a bot killed mid-answer', () => {
  let groq: FakeGroq;
  before(async () => {
    groq = await startFakeGroq({ answer: () => LONG_ANSWER });
  });
  after(async () => groq.close());

  test('leaves an interrupted row that reports and quotas count', async () => {
    const cwd = tempWorkdir();
    const env = { GROQ_API_KEY: 'gsk_test', GROQ_BASE_URL: groq.url, TWIN_QUOTA_REQUESTS_PER_DAY: '5' };
    // why: Groq sends part of the answer and then nothing, so the process is killed mid-stream.
    groq.script({ kind: 'stall', afterChars: 400 });
    const run = startCli(['start'], env, cwd);
    const raw = createClient({ url: `file:${join(cwd, 'twin.db')}` });
    try {
      run.child.stdin!.write('Where did you study?\n');
      await waitFor(() => groq.requests.length > 0, 'the question to reach Groq');
      const row = async () => (await raw.execute('SELECT * FROM usage_records')).rows;
      let open = await row();
      assert.equal(open.length, 1);
      assert.equal(open[0]?.['outcome'], 'open', 'the row was written when the request was admitted');
      assert.equal(open[0]?.['tenant_id'], 'console:local');
      // The row follows the answer: the attempt, its model and the streamed text's tokens so far.
      for (let i = 0; i < 500 && Number(open[0]?.['completion_tokens']) === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        open = await row();
      }
      assert.ok(Number(open[0]?.['completion_tokens']) > 0, 'tokens streamed so far are written');
      assert.equal(open[0]?.['model'], 'openai/gpt-oss-20b');
      assert.equal(Number(open[0]?.['attempts']), 1);
      run.child.kill('SIGKILL');
      const killed = await run.done;
      assert.equal(killed.code, null, 'killed, not exited');

      const usage = await runCli(['usage', '--window', '24h'], env, cwd);
      assert.equal(usage.code, 0, usage.stderr);
      assert.match(usage.stdout, /Requests: 1 · Answered: 0 · Failed: 1 · Refused: 0/);
      assert.match(usage.stdout, /Top failure reasons: interrupted \(1\)/);
      const [interrupted] = await row();
      assert.equal(interrupted?.['outcome'], 'interrupted');
      assert.equal(interrupted?.['error_code'], 'interrupted');
      assert.equal(interrupted?.['completion_tokens'], open[0]?.['completion_tokens'], 'the tokens known are kept');
      assert.match(usage.stdout, /openai\/gpt-oss-20b/, 'the report shows what the interrupted request used');

      const quota = await runCli(['quota', 'show', 'console:local'], env, cwd);
      assert.match(quota.stdout, /1 of 5 requests today/);

      // The next run answers normally and its row is completed, not left open or interrupted.
      const again = await runCli(['start'], env, cwd, 'Where did you study?\n');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Aldermoor/);
      const after = await runCli(['usage', '--window', '24h'], env, cwd);
      assert.match(after.stdout, /Requests: 2 · Answered: 1 · Failed: 1/);
    } finally {
      raw.close();
      run.child.kill('SIGKILL');
    }
  });
});
