/** The KeyValueStore port on a real Redis (test/support/redis-server.ts), two connections standing for two replicas. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KeyValueEventDedupeStore } from '../../src/adapters/slack/key-value-event-dedupe.js';
import { connectRedis, type RedisConnection } from '../../src/redis-connection.js';
import { RedisKeyValueStore } from '../../src/usage/redis-key-value-store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { silentLogger } from '../support/silent-logger.js';
import { waitFor } from '../support/wait-for.js';

const started = await startTestRedis();

describe('RedisKeyValueStore', { skip: 'skip' in started ? started.skip : false }, () => {
  const redis = started as TestRedis;
  let one: RedisConnection;
  let two: RedisConnection;
  let n = 0;
  /** A store per replica on a fresh prefix. */
  const stores = () => {
    const prefix = `kvtest:${process.pid}:${++n}:`;
    return [new RedisKeyValueStore(one, prefix), new RedisKeyValueStore(two, prefix)] as const;
  };
  before(async () => {
    one = connectRedis(redis.url, silentLogger);
    two = connectRedis(redis.url, silentLogger);
    await waitFor(() => one.ready && two.ready, 'both connections');
  });
  after(async () => {
    await one.close();
    await two.close();
    await redis.stop();
  });

  test('set, get, overwrite and delete, per namespace', async () => {
    const [kv, other] = stores();
    await kv.set('a', 'k', 'one');
    await kv.set('b', 'k', 'other');
    assert.equal(await other.get('a', 'k'), 'one');
    await other.set('a', 'k', 'two');
    assert.equal(await kv.get('a', 'k'), 'two');
    assert.equal(await kv.get('b', 'k'), 'other');
    assert.equal(await kv.delete('a', 'k'), true);
    assert.equal(await kv.delete('a', 'k'), false);
    assert.equal(await other.get('a', 'k'), undefined);
  });

  test('setIfAbsent wins once, and again only after the entry expires', async () => {
    const [kv, other] = stores();
    assert.equal(await kv.setIfAbsent('events', 'Ev1', '1', 40), true);
    assert.equal(await other.setIfAbsent('events', 'Ev1', '1', 40), false);
    await waitFor(async () => (await kv.get('events', 'Ev1')) === undefined, 'the entry to expire');
    assert.equal(await other.setIfAbsent('events', 'Ev1', '1', 60_000), true);
    assert.equal(await kv.setIfAbsent('events', 'Ev2', '1'), true);
    assert.equal(await other.setIfAbsent('events', 'Ev2', '1'), false, 'no TTL: never expires');
  });

  test('setIfAllAbsent is all or nothing: a losing claim leaves no key behind', async () => {
    const [kv, other] = stores();
    assert.equal(await kv.setIfAllAbsent('events', ['event:E1', 'message:C1:1'], '1', 60_000), true);
    assert.equal(await other.setIfAllAbsent('events', ['event:E2', 'message:C1:1'], '1', 60_000), false);
    assert.equal(await kv.get('events', 'event:E2'), undefined);
    assert.equal(await other.setIfAllAbsent('events', [], '1'), false);
  });

  test('two replicas racing for 30 events, each delivered twice, claim each exactly once', async () => {
    const [kv, other] = stores();
    const dedupes = [new KeyValueEventDedupeStore(kv), new KeyValueEventDedupeStore(other)];
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        dedupes.map((d) => d.seen(`event:E${i}`, `message:C1:${i}`).then((seen) => (seen ? 0 : 1))),
      ).flat(),
    );
    assert.equal(
      claims.reduce((a: number, b) => a + b, 0),
      30,
    );
  });

  test('deletePrefix and keysOf treat glob characters literally', async () => {
    const [kv, other] = stores();
    await kv.set('inst', 'team:T1', 'x');
    await kv.set('inst', 'team:T1:user', 'y');
    await kv.set('inst', 'team:T2', 'z');
    await kv.set('inst', 'team*', 'w');
    await kv.set('other', 'team:T1', 'v');
    assert.deepEqual(await other.keysOf('inst'), ['team*', 'team:T1', 'team:T1:user', 'team:T2']);
    assert.equal(await other.deletePrefix('inst', 'team:T1'), 2);
    assert.equal(await kv.get('inst', 'team:T2'), 'z');
    assert.equal(await kv.deletePrefix('inst', 'team*'), 1);
    assert.equal(await kv.get('inst', 'team:T2'), 'z');
    assert.equal(await kv.get('other', 'team:T1'), 'v');
  });

  test('a failure is a storage error that names no password', async () => {
    const gone = connectRedis('redis://:hunter2pass@127.0.0.1:1/0', silentLogger);
    try {
      const kv = new RedisKeyValueStore(gone);
      await assert.rejects(kv.get('a', 'b'), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'storage');
        assert.doesNotMatch(err.message, /hunter2pass/);
        return true;
      });
    } finally {
      await gone.close();
    }
  });
});
