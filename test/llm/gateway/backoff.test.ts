import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, DEFAULT_BACKOFF, scaleBackoff } from '../../../src/llm/gateway/backoff.js';

const at = (value: number) => ({ ...DEFAULT_BACKOFF, random: () => value });

describe('backoffDelay', () => {
  it('grows exponentially with equal jitter: [e/2, e] for e = base * 2^(retry-1)', () => {
    for (const retry of [1, 2, 3, 4]) {
      const e = 500 * 2 ** (retry - 1);
      assert.equal(backoffDelay(retry, at(0)), e / 2);
      assert.equal(backoffDelay(retry, at(0.999999)), e);
    }
  });

  it('never exceeds the cap, however many retries', () => {
    for (const retry of [5, 6, 10, 50, 1_000]) {
      assert.ok(backoffDelay(retry, at(0.999999)) <= 8_000);
      assert.ok(backoffDelay(retry, at(0)) >= 4_000);
    }
  });

  it('stays within bounds for any random draw', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    for (let i = 0; i < 1_000; i++) {
      const retry = 1 + (i % 8);
      const e = Math.min(8_000, 500 * 2 ** (retry - 1));
      const d = backoffDelay(retry, { ...DEFAULT_BACKOFF, random });
      assert.ok(d >= e / 2 && d <= e, `${retry}: ${d}`);
    }
  });

  it("honours the server's retry-after, adding at most 10 % (max 1 s) of jitter, even past the cap", () => {
    assert.equal(backoffDelay(1, at(0), 5_200), 5_200);
    assert.equal(backoffDelay(1, at(0.5), 5_200), 5_460);
    assert.equal(backoffDelay(3, at(0.999999), 60_000), 61_000);
    assert.equal(backoffDelay(1, at(0.999999), 0), 0);
  });

  it('scales with a shrunk minute', () => {
    const scaled = scaleBackoff(DEFAULT_BACKOFF, 1 / 60);
    assert.ok(Math.abs(scaled.capMs - 8_000 / 60) < 1e-9);
    assert.ok(backoffDelay(10, { ...scaled, random: () => 0.999999 }) <= Math.ceil(8_000 / 60));
  });
});
