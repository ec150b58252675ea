/**
 * `twinbot usage` shows the helpful rate and the 👎 reasons, and `--feedback` exports the votes: the real command in
 * a child process, reading a ledger the real TwinService (built as `twinbot start` builds it) wrote.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/core/ports.js';
import type { Answer } from '../../src/core/types.js';
import { buildApp } from '../../src/main.js';
import { LogSink } from '../support/log-sink.js';
import { runCli, tempWorkdir } from '../support/run-cli.js';
import { SAMPLE_PROFILE } from '../support/twin-harness.js';

test('twinbot usage shows the votes of a tenant, and exports them with --feedback', async () => {
  const dir = tempWorkdir();
  const env = { TWIN_PROFILE: SAMPLE_PROFILE, DATABASE_URL: `file:${dir}/twin.db` };
  const app = await buildApp(loadConfig(env, dir), pino({ level: 'silent' }, new LogSink()) as unknown as Logger);
  let answer: Answer | undefined;
  try {
    const ask = { platform: 'slack' as const, tenantId: 'slack:T1', channelId: 'C1', command: 'mention' as const };
    for await (const e of app.twin.ask({ ...ask, userId: 'U1', question: 'Where did you study?' })) {
      if (e.type === 'final') answer = e.answer;
    }
    const vote = { platform: 'slack' as const, tenantId: 'slack:T1', requestId: answer?.requestId ?? '' };
    await app.twin.feedback({ ...vote, userId: 'U1', vote: 'helpful' });
    await app.twin.feedback({ ...vote, userId: 'U2', vote: 'not_helpful', reason: 'Too short, no thesis' });
  } finally {
    await app.twin.close(0);
    await app.close();
  }

  const report = await runCli(['usage', '--tenant', 'slack:T1'], env, dir);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /Helpful: 50\.0% \(1 of 2 votes; not helpful: 1\)/);
  assert.match(report.stdout, /Too short, no thesis/);
  const other = await runCli(['usage', '--tenant', 'slack:T2'], env, dir);
  assert.match(other.stdout, /Feedback: no votes yet/);
  assert.doesNotMatch(other.stdout, /thesis/);

  const csv = await runCli(['usage', '--csv', '--feedback'], env, dir);
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\r\n');
  assert.equal(lines[0], 'requestId,at,time,platform,tenantId,userId,vote,reason');
  assert.equal(lines.length, 3);
  assert.ok(lines.slice(1).every((l) => l.startsWith(`${answer?.requestId},`)));
  assert.match(csv.stdout, /,U2,not_helpful,"Too short, no thesis"\r\n/);

  const json = JSON.parse((await runCli(['usage', '--json', '--feedback', '--tenant', 'slack:T1'], env, dir)).stdout);
  assert.equal(json.length, 2);
  const refused = await runCli(['usage', '--feedback'], env, dir);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /--feedback exports the votes/);
});
