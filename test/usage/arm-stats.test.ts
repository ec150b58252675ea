/** The ledger's per-arm figures for the readout, from rows of every kind, on the real ledger. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageRecord } from '../../src/core/types.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { DAY, makeRecord, T0 } from './usage-fixtures.js';

const inArm = (arm: string, overrides: Partial<UsageRecord> = {}) =>
  makeRecord({ experiment: 'tone-test', arm, ...overrides });

test('per arm: outcomes, cache hits and savings, model replies, spend, and percentiles of model replies only', async () => {
  const store = await LibsqlUsageStore.open({ url: ':memory:' });
  const rows: UsageRecord[] = [
    // arm A: three model answers, a model decline, a greeting, a cache hit, a failure, an interruption, a refusal
    inArm('A', { latencyMs: 1000, ttftMs: 200 }),
    inArm('A', { latencyMs: 2000, ttftMs: 400 }),
    inArm('A', { latencyMs: 3000, ttftMs: 600 }),
    inArm('A', { mode: 'declined', latencyMs: 900, ttftMs: 300 }),
    inArm('A', {
      mode: 'extractive',
      attempts: 0,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      latencyMs: 5,
    }),
    inArm('A', {
      cached: true,
      savedTokens: 150,
      attempts: 0,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      latencyMs: 4,
    }),
    inArm('A', {
      outcome: 'failed',
      errorCode: 'upstream',
      latencyMs: 9000,
      totalTokens: 40,
      promptTokens: 40,
      completionTokens: 0,
      costUsd: 0.000003,
    }),
    inArm('A', { outcome: 'interrupted', latencyMs: 100 }),
    inArm('A', {
      outcome: 'refused',
      attempts: 0,
      totalTokens: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      latencyMs: 1,
    }),
    // a decline made without the model: not a model reply
    inArm('B', {
      mode: 'declined',
      attempts: 0,
      totalTokens: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      latencyMs: 3,
    }),
    inArm('B', { latencyMs: 4000 }),
    // not counted: another experiment, no experiment, outside the window
    makeRecord({ experiment: 'other', arm: 'A' }),
    makeRecord({}),
    inArm('A', { at: T0 + 2 * DAY }),
  ];
  for (const r of rows) await store.record(r);
  const stats = await store.armStats({ experiment: 'tone-test', from: T0, to: T0 + DAY });
  assert.deepEqual(
    stats.map((s) => s.arm),
    ['A', 'B'],
  );
  const [a, b] = stats;
  assert.deepEqual(
    {
      requests: a?.requests,
      answered: a?.answered,
      declined: a?.declined,
      failed: a?.failed,
      refused: a?.refused,
      cacheHits: a?.cacheHits,
      tokensSaved: a?.tokensSaved,
      modelReplies: a?.modelReplies,
      tokens: a?.tokens,
    },
    {
      requests: 9,
      answered: 5,
      declined: 1,
      failed: 2,
      refused: 1,
      cacheHits: 1,
      tokensSaved: 150,
      modelReplies: 4,
      tokens: 150 * 5 + 40,
    },
  );
  assert.ok(Math.abs((a?.costUsd ?? 0) - (0.0000225 * 5 + 0.000003)) < 1e-12);
  // Model replies only: 900, 1000, 2000, 3000 ms; first tokens 200, 300, 400, 600 ms (nearest rank).
  assert.deepEqual(a?.latencyMs, { p50: 1000, p95: 3000 });
  assert.deepEqual(a?.ttftMs, { p50: 300, p95: 600 });
  assert.deepEqual(a?.votes, { helpful: 0, total: 0 });
  assert.deepEqual(
    [b?.requests, b?.declined, b?.modelReplies, b?.latencyMs, b?.ttftMs],
    [2, 1, 1, { p50: 4000, p95: 4000 }, undefined],
  );
  await store.close();
});

test("per arm: the votes given on each arm's requests, one per person, changed votes counted once", async () => {
  const store = await LibsqlUsageStore.open({ url: ':memory:' });
  const a1 = inArm('A', { id: 'a1' });
  const a2 = inArm('A', { id: 'a2' });
  const b1 = inArm('B', { id: 'b1' });
  for (const r of [a1, a2, b1]) await store.record(r);
  const vote = (requestId: string, userId: string, vote: 'helpful' | 'not_helpful') =>
    store.saveFeedback({ requestId, tenantId: a1.tenantId, platform: 'slack', userId, vote, at: T0 + 1000 });
  await vote('a1', 'u1', 'helpful');
  await vote('a1', 'u2', 'not_helpful');
  await vote('a2', 'u1', 'not_helpful');
  await vote('a2', 'u1', 'helpful'); // changed: still one vote
  await vote('b1', 'u3', 'not_helpful');
  const stats = await store.armStats({ experiment: 'tone-test', from: T0, to: T0 + DAY });
  assert.deepEqual(
    stats.map((s) => [s.arm, s.votes]),
    [
      ['A', { helpful: 2, total: 3 }],
      ['B', { helpful: 0, total: 1 }],
    ],
  );
  await store.close();
});
