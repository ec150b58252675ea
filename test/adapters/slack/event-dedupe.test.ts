import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryEventDedupeStore } from '../../../src/adapters/slack/event-dedupe.js';

test('an id is seen once per TTL, and the store stays bounded', async () => {
  let now = 1_000;
  const store = new MemoryEventDedupeStore({ ttlMs: 60_000, maxEntries: 3, clock: { now: () => now } });
  assert.equal(await store.seen('Ev1'), false);
  assert.equal(await store.seen('Ev1'), true);
  now += 59_999;
  assert.equal(await store.seen('Ev1'), true);
  now += 1;
  assert.equal(await store.seen('Ev1'), false, 'forgotten after the TTL');
  for (const id of ['a', 'b', 'c', 'd']) assert.equal(await store.seen(id), false);
  assert.ok(store.size <= 3);
  assert.equal(await store.seen('d'), true);
});
