/**
 * Issue 19.2: two bots on one database (a rolling deploy, two replicas) must answer every Slack event exactly once.
 * The event id and the message key are claimed together, all or nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KeyValueEventDedupeStore } from '../../../src/adapters/slack/key-value-event-dedupe.js';
import { LibsqlUsageStore } from '../../../src/usage/libsql-usage-store.js';

const dir = mkdtempSync(join(tmpdir(), 'twinbot-dedupe-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CLAIMER = new URL('../../support/dedupe-claimer.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');

function claimer(url: string, go: string, count: number) {
  const child = spawn(process.execPath, ['--import', TSX, CLAIMER, url, go, String(count)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve) => {
    const check = () => (out.includes('ready') ? resolve() : undefined);
    child.stdout.on('data', check);
  });
  const done = new Promise<number[]>((resolve, reject) =>
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`claimer exited ${code}: ${err}`));
      resolve(JSON.parse(out.split('\n').filter(Boolean).at(-1)!) as number[]);
    }),
  );
  return { ready, done };
}

describe('Slack event dedupe on a shared database', () => {
  test('a claim that loses on one id leaves the other unclaimed', async () => {
    const store = await LibsqlUsageStore.open({ url: `file:${join(dir, 'one.db')}` });
    try {
      const dedupe = new KeyValueEventDedupeStore(store.keyValues);
      assert.equal(await dedupe.seen('event:E1', 'message:M1'), false, 'first delivery is answered');
      // A retry of E1 reaching another replica, carrying a message key nobody has claimed yet.
      assert.equal(await dedupe.seen('event:E1', 'message:M2'), true, 'the retry is skipped');
      assert.equal(await dedupe.seen('event:E2', 'message:M2'), false, 'and it did not claim M2 on its way out');
      assert.equal(await dedupe.seen('event:E3', 'message:M1'), true, 'same message through another event');
    } finally {
      await store.close();
    }
  });

  test('two processes claiming the same events at once answer each exactly once', async () => {
    const url = `file:${join(dir, 'two.db')}`;
    await (await LibsqlUsageStore.open({ url })).close();
    const go = join(dir, 'go');
    const count = 150;
    const a = claimer(url, go, count);
    const b = claimer(url, go, count);
    await Promise.all([a.ready, b.ready]);
    writeFileSync(go, '');
    const [wonA, wonB] = await Promise.all([a.done, b.done]);
    const all = [...wonA, ...wonB].sort((x, y) => x - y);
    assert.deepEqual(
      all,
      Array.from({ length: count }, (_, i) => i),
      'every event answered once, none twice',
    );
  });
});
