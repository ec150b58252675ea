/**
 * The process guards in a real child process: an unhandled rejection is logged and the server keeps serving; an
 * uncaught exception drains and exits 1; a second one, or a drain that hangs, exits 1 anyway.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { waitFor } from '../support/wait-for.js';

const CHILD = new URL('../fixtures/processes/guarded-server.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');

function startChild(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', TSX, CHILD], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => stdout,
    events: (name: string) => stderr.split('\n').filter((l) => l.includes(`"event":"${name}"`)),
    async port() {
      await waitFor(() => /port \d+/.test(stdout), 'the server to listen');
      return Number(/port (\d+)/.exec(stdout)?.[1]);
    },
  };
}

test('an unhandled rejection is logged and the process keeps serving', async () => {
  const run = startChild();
  try {
    const url = `http://127.0.0.1:${await run.port()}/`;
    run.child.stdin.write('reject\n');
    await waitFor(() => run.events('twin.unhandled_rejection').length === 1, 'the rejection to be logged');
    assert.match(run.events('twin.unhandled_rejection')[0]!, /a forgotten promise/);
    const res = await fetch(url);
    assert.equal(await res.text(), 'ok 1', 'still serving, the rejection counted');
  } finally {
    run.child.kill('SIGKILL');
    await run.exited;
  }
});

test('an uncaught exception is logged, the server drains, and the process exits 1', async () => {
  const run = startChild();
  await run.port();
  run.child.stdin.write('throw\n');
  assert.equal(await run.exited, 1);
  assert.match(run.events('twin.uncaught_exception')[0] ?? '', /a broken callback/);
  assert.match(run.stdout(), /draining after uncaughtException\ndrained\n/);
});

test('a drain that hangs is cut short: the process still exits 1', async () => {
  const run = startChild({ FORCE_EXIT_MS: '300' });
  await run.port();
  run.child.stdin.write('hang\nthrow\n');
  assert.equal(await run.exited, 1);
  assert.equal(run.events('twin.forced_exit').length, 1);
  assert.doesNotMatch(run.stdout(), /drained/);
});

test('a second uncaught exception while draining exits 1 at once', async () => {
  const run = startChild();
  await run.port();
  run.child.stdin.write('throw-twice\n');
  assert.equal(await run.exited, 1);
  assert.equal(run.events('twin.uncaught_exception').length, 2);
  assert.equal(run.events('twin.forced_exit').length, 0);
});
