/**
 * The answer cache on the real KeyValueStore (the ledger's database, a file, so a restart and a second replica are
 * real): hits and misses, the TTL on a fake clock, surviving a restart, shared between two stores on one file, and a
 * store that fails costing a model call, never an answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { ANSWER_CACHE_NAMESPACE, AnswerCache, type CachedAnswer } from '../../src/core/answer-cache.js';
import type { KeyValueStore, Logger } from '../../src/core/ports.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { LogSink } from '../support/log-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const entry: CachedAnswer = {
  answer: {
    text: 'I studied physics at Harlow.',
    sources: [{ chunkId: 'edu', title: 'Education', score: 1 }],
    mode: 'llm',
    model: 'm1',
  },
  tokens: 812,
};
const key = (question: string, variant = 'groq:m1@0.7', profileVersion = 'v1') =>
  AnswerCache.key({ profileVersion, variant, question });

let files = 0;
async function openStore(clock: FakeClock, file = `cache-${files++}.db`) {
  return LibsqlUsageStore.open({ url: `file:${join(dir, file)}`, clock });
}

describe('AnswerCache', () => {
  test('the same question in other words hits; another profile version, setting or question misses', async () => {
    const clock = new FakeClock();
    const store = await openStore(clock);
    const cache = new AnswerCache({ clock, ttlMs: HOUR, store: store.keyValues });
    assert.equal(await cache.get(key('Where did you study?')), undefined);
    await cache.set(key('Where did you study?'), entry);
    assert.deepEqual(await cache.get(key('  where DID you study ')), entry);
    assert.equal(await cache.get(key('Where did you study?', 'groq:m2@0.7')), undefined);
    assert.equal(await cache.get(key('Where did you study?', 'groq:m1@0.7', 'v2')), undefined);
    assert.equal(await cache.get(key('Where do you work?')), undefined);
    await store.close();
  });

  test('an entry lives for the TTL and no longer, in memory and in the store', async () => {
    const clock = new FakeClock();
    const store = await openStore(clock);
    const cache = new AnswerCache({ clock, ttlMs: HOUR, store: store.keyValues });
    await cache.set(key('q'), entry);
    clock.advance(HOUR - 1);
    assert.deepEqual(await cache.get(key('q')), entry);
    clock.advance(1);
    assert.equal(await cache.get(key('q')), undefined);
    assert.equal(await store.keyValues.get(ANSWER_CACHE_NAMESPACE, key('q')), undefined);
    await store.close();
  });

  test('survives a restart: a new process on the same database reuses the answer until the TTL passes', async () => {
    const clock = new FakeClock();
    const first = await openStore(clock, 'restart.db');
    await new AnswerCache({ clock, ttlMs: HOUR, store: first.keyValues }).set(key('q'), entry);
    await first.close();
    clock.advance(HOUR / 2);
    const second = await openStore(clock, 'restart.db');
    const cache = new AnswerCache({ clock, ttlMs: HOUR, store: second.keyValues });
    assert.deepEqual(await cache.get(key('q')), entry);
    clock.advance(HOUR / 2);
    assert.equal(await cache.get(key('q')), undefined, 'the TTL counts from when the answer was made, not the restart');
    await second.close();
  });

  test('is shared by replicas: what one store writes, another on the same database reads', async () => {
    const clock = new FakeClock();
    const [a, b] = [await openStore(clock, 'shared.db'), await openStore(clock, 'shared.db')];
    await new AnswerCache({ clock, ttlMs: HOUR, store: a.keyValues }).set(key('q'), entry);
    assert.deepEqual(await new AnswerCache({ clock, ttlMs: HOUR, store: b.keyValues }).get(key('q')), entry);
    await Promise.all([a.close(), b.close()]);
  });

  test('never stores the one-time notice or the usage of the request that made it', async () => {
    const clock = new FakeClock();
    const store = await openStore(clock);
    const cache = new AnswerCache({ clock, ttlMs: HOUR, store: store.keyValues });
    await cache.set(key('q'), {
      ...entry,
      answer: { ...entry.answer, notice: 'offline!', usage: { promptTokens: 700, completionTokens: 112 } },
    });
    const raw = JSON.parse((await store.keyValues.get(ANSWER_CACHE_NAMESPACE, key('q'))) ?? '{}');
    assert.deepEqual(Object.keys(raw.answer).sort(), ['mode', 'model', 'sources', 'text']);
    assert.equal(raw.tokens, 812);
    await store.close();
  });

  test('TTL 0 turns it off: nothing is kept, nothing is served', async () => {
    const clock = new FakeClock();
    const store = await openStore(clock);
    const cache = new AnswerCache({ clock, ttlMs: 0, store: store.keyValues });
    assert.equal(cache.enabled, false);
    await cache.set(key('q'), entry);
    assert.equal(await cache.get(key('q')), undefined);
    assert.equal(await store.keyValues.get(ANSWER_CACHE_NAMESPACE, key('q')), undefined);
    await store.close();
  });

  test('a store that fails costs a model call, never the answer, and the log says so', async () => {
    const logs = new LogSink();
    const logger = pino({ level: 'debug' }, logs) as unknown as Logger;
    const broken = new Error('database is locked');
    const failing: KeyValueStore = {
      get: async () => {
        throw broken;
      },
      set: async () => {
        throw broken;
      },
      setIfAbsent: async () => false,
      setIfAllAbsent: async () => false,
      delete: async () => false,
      deletePrefix: async () => 0,
    };
    const clock = new FakeClock();
    const cache = new AnswerCache({ clock, ttlMs: HOUR, store: failing, logger });
    assert.equal(await cache.get(key('q')), undefined);
    await cache.set(key('q'), entry);
    assert.equal(logs.events('twin.cache_read_failed').length, 1);
    assert.equal(logs.events('twin.cache_write_failed').length, 1);
    // The in-memory front still spares this process the next model call.
    assert.deepEqual(await cache.get(key('q')), entry);
  });

  test('the in-memory front keeps the most recently used entries only', async () => {
    const clock = new FakeClock();
    const cache = new AnswerCache({ clock, ttlMs: HOUR, maxMemoryEntries: 2 });
    await cache.set(key('a'), entry);
    await cache.set(key('b'), entry);
    await cache.get(key('a'));
    await cache.set(key('c'), entry);
    assert.ok(await cache.get(key('a')));
    assert.equal(await cache.get(key('b')), undefined);
    assert.ok(await cache.get(key('c')));
  });

  test('entries read from the store count against the in-memory bound too', async () => {
    const clock = new FakeClock();
    const store = await openStore(clock);
    const writer = new AnswerCache({ clock, ttlMs: HOUR, store: store.keyValues });
    for (const q of ['a', 'b', 'c']) await writer.set(key(q), entry);
    // why: another replica's cache, whose front fills only from the store.
    const reader = new AnswerCache({ clock, ttlMs: HOUR, store: store.keyValues, maxMemoryEntries: 2 });
    for (const q of ['a', 'b', 'c']) assert.ok(await reader.get(key(q)));
    await store.keyValues.delete(ANSWER_CACHE_NAMESPACE, key('a'));
    await store.keyValues.delete(ANSWER_CACHE_NAMESPACE, key('c'));
    assert.equal(await reader.get(key('a')), undefined, "'a' left the front when 'c' came in");
    assert.ok(await reader.get(key('c')), "'c', the newest, is served from the front");
    await store.close();
  });
});
