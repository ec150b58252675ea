import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SqlUsageStore } from '../../src/usage/sql-usage-store.js';
import { STORE_ENGINES } from '../support/store-engines.js';

for (const engine of STORE_ENGINES) {
  describe(`SqlKeyValueStore (${engine.name})`, { skip: engine.skip }, () => {
    let now = 1_000_000;
    let store: SqlUsageStore;
    before(async () => {
      store = await engine.open({ clock: { now: () => now } });
    });
    after(async () => store.close());

    test('set, get, overwrite and delete, per namespace', async () => {
      const kv = store.keyValues;
      await kv.set('a', 'k', 'one');
      await kv.set('b', 'k', 'other');
      assert.equal(await kv.get('a', 'k'), 'one');
      await kv.set('a', 'k', 'two');
      assert.equal(await kv.get('a', 'k'), 'two');
      assert.equal(await kv.get('b', 'k'), 'other');
      assert.equal(await kv.delete('a', 'k'), true);
      assert.equal(await kv.delete('a', 'k'), false);
      assert.equal(await kv.get('a', 'k'), undefined);
    });

    test('setIfAbsent wins once, and again only after the entry expires', async () => {
      const kv = store.keyValues;
      assert.equal(await kv.setIfAbsent('events', 'Ev1', '1', 60_000), true);
      assert.equal(await kv.setIfAbsent('events', 'Ev1', '1', 60_000), false);
      now += 60_001;
      assert.equal(await kv.get('events', 'Ev1'), undefined);
      assert.equal(await kv.setIfAbsent('events', 'Ev1', '1', 60_000), true);
      assert.equal(await kv.setIfAbsent('events', 'Ev2', '1'), true);
      assert.equal(await kv.setIfAbsent('events', 'Ev2', '1'), false, 'no TTL: never expires');
    });

    test('deletePrefix removes only matching keys, treating % and _ literally', async () => {
      const kv = store.keyValues;
      await kv.set('inst', 'team:T1', 'x');
      await kv.set('inst', 'team:T1:user', 'y');
      await kv.set('inst', 'team:T2', 'z');
      await kv.set('inst', 'team%', 'w');
      assert.equal(await kv.deletePrefix('inst', 'team:T1'), 2);
      assert.equal(await kv.get('inst', 'team:T2'), 'z');
      assert.equal(await kv.deletePrefix('inst', 'team%'), 1);
    });

    test('sweep drops expired entries only', async () => {
      const kv = store.keyValues;
      await kv.set('s', 'short', 'x', 10);
      await kv.set('s', 'long', 'x', 10_000_000);
      now += 11;
      assert.ok((await kv.sweep()) >= 1);
      assert.equal(await kv.get('s', 'long'), 'x');
    });
  });
}
