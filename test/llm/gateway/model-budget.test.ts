import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBudget } from '../../../src/llm/gateway/model-budget.js';
import { parseRateLimitHeaders } from '../../../src/llm/rate-limit-headers.js';
import { FakeClock } from '../../support/fake-clock.js';

const LIMITS = { rpm: 30, tpm: 6_000, rpd: 14_400, tpd: 500_000 };

function budget(clock: FakeClock, limits = LIMITS, windowMs = 60_000): ModelBudget {
  return new ModelBudget('m', limits, { clock, windowMs });
}

describe('ModelBudget', () => {
  it('starts full and reserves 1 request and the tokens at admission', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    assert.deepEqual(b.remaining(), LIMITS);
    const r = b.tryReserve(1_500);
    assert.ok(r);
    assert.deepEqual(b.remaining(), { rpm: 29, tpm: 4_500, rpd: 14_399, tpd: 498_500 });
  });

  it('refills continuously, capacity per window, never above the limit', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    b.tryReserve(6_000);
    assert.equal(b.remaining().tpm, 0);
    clock.advance(15_000);
    assert.equal(b.remaining().tpm, 1_500);
    assert.equal(b.remaining().rpm, 30, 'a request refills in 2 s; the bucket caps at 30');
    clock.advance(600_000);
    assert.equal(b.remaining().tpm, 6_000);
  });

  it('says how long until a call fits, and refuses it before', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    b.tryReserve(5_000);
    assert.equal(b.waitMs(2_000), 10_000);
    assert.equal(b.tryReserve(2_000), undefined);
    clock.advance(10_000);
    assert.equal(b.waitMs(2_000), 0);
    assert.ok(b.tryReserve(2_000));
  });

  it('holds RPM: the 31st request in a minute waits 2 s', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    for (let i = 0; i < 30; i++) assert.ok(b.tryReserve(10));
    assert.equal(b.tryReserve(10), undefined);
    assert.equal(b.waitMs(10), 2_000);
  });

  it('a call larger than the whole minute budget waits for a full bucket instead of forever', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    b.tryReserve(3_000);
    assert.equal(b.waitMs(9_000), 30_000);
  });

  it('settle refunds unused tokens, and charges a call that used more than reserved', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    const r1 = b.tryReserve(1_000);
    assert.ok(r1);
    b.settle(r1, 400);
    assert.equal(b.remaining().tpm, 5_600);
    b.settle(r1, 0); // once only
    assert.equal(b.remaining().tpm, 5_600);
    const r2 = b.tryReserve(1_000);
    assert.ok(r2);
    b.settle(r2, 1_300);
    assert.equal(b.remaining().tpm, 4_300);
    assert.equal(b.remaining().tpd, 500_000 - 400 - 1_300);
  });

  it('cancel gives the whole reservation back, keeping the request when asked', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    const r1 = b.tryReserve(1_000);
    assert.ok(r1);
    b.cancel(r1);
    assert.deepEqual(b.remaining(), LIMITS);
    const r2 = b.tryReserve(1_000);
    assert.ok(r2);
    b.cancel(r2, { keepRequest: true });
    assert.equal(b.remaining().tpm, 6_000);
    assert.equal(b.remaining().rpm, 29);
  });

  it('clamps to the server when it is more pessimistic, never upwards', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    const r = b.tryReserve(1_000);
    assert.ok(r);
    b.clamp({ tokensRemaining: 3_000, requestsRemaining: 14_000 }, r);
    assert.equal(b.remaining().tpm, 3_000);
    assert.equal(b.remaining().rpd, 14_000);
    b.clamp({ tokensRemaining: 5_900, requestsRemaining: 14_399 }, r);
    assert.equal(b.remaining().tpm, 3_000);
    assert.equal(b.remaining().rpd, 14_000);
  });

  it('subtracts calls admitted after the one the headers answer, which the server may not have seen', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    const first = b.tryReserve(1_000);
    assert.ok(first);
    b.tryReserve(1_000);
    b.tryReserve(1_000);
    // the server saw only the first call: 5 000 left there, 3 000 here once the two later ones count.
    b.clamp({ tokensRemaining: 4_500, requestsRemaining: 14_399 }, first);
    assert.equal(b.remaining().tpm, 2_500);
    assert.equal(b.remaining().rpd, 14_397);
  });

  it('counts a later call as seen by the server when it was sent longer ago than the quickest headers seen', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    const probe = b.tryReserve(1_000);
    assert.ok(probe);
    clock.advance(100);
    // the quickest admission-to-headers time so far: 100 ms.
    b.clamp({ tokensRemaining: 5_000 }, probe);
    const first = b.tryReserve(1_000);
    assert.ok(first);
    clock.advance(10);
    b.tryReserve(1_000);
    clock.advance(190);
    b.tryReserve(1_000);
    clock.advance(50);
    // headers for `first`, 250 ms after it: the call sent 240 ms ago is in the server's figures, the one sent 50 ms
    // ago may not be.
    b.clamp({ tokensRemaining: 2_000 }, first);
    assert.equal(b.remaining().tpm, 1_000);
  });

  it('adopts a lower limit reported by the server (account on a lower plan than configured)', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock, { rpm: 60, tpm: 12_000, rpd: 28_800, tpd: 1_000_000 });
    b.clamp({ tokensLimit: 6_000, requestsLimit: 14_400, tokensRemaining: 6_000, requestsRemaining: 14_400 });
    assert.deepEqual(b.limits(), { rpm: 60, tpm: 6_000, rpd: 14_400, tpd: 1_000_000 });
    assert.equal(b.remaining().tpm, 6_000);
    b.clamp({ tokensLimit: 50_000 });
    assert.equal(b.limits().tpm, 6_000);
    b.lowerLimit('rpm', 30);
    assert.equal(b.limits().rpm, 30);
    assert.equal(b.remaining().rpm, 30);
  });

  it('matches Groq reset headers given as Go durations ("7.66s", "500ms", "2m59.56s")', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    const r = b.tryReserve(1);
    assert.ok(r);
    const snapshot = parseRateLimitHeaders({
      'x-ratelimit-limit-requests': '14400',
      'x-ratelimit-remaining-requests': '14370',
      'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-limit-tokens': '6000',
      'x-ratelimit-remaining-tokens': '5234',
      'x-ratelimit-reset-tokens': '7.66s',
    });
    b.clamp(snapshot, r);
    assert.equal(snapshot.tokensResetMs, 7_660);
    assert.equal(snapshot.requestsResetMs, 179_560);
    assert.equal(Math.round(b.resetMs('tpm')), 7_660);
    // Groq floors the remaining count: locally the reset is later by less than one request's refill (6 s).
    const rpdReset = b.resetMs('rpd');
    assert.ok(rpdReset >= 179_560 && rpdReset < 179_560 + 6_000, String(rpdReset));
    clock.advance(7_160);
    b.clamp(parseRateLimitHeaders({ 'x-ratelimit-remaining-tokens': '5950', 'x-ratelimit-reset-tokens': '500ms' }));
    assert.equal(Math.round(b.resetMs('tpm')), 500);
    assert.equal(b.waitMs(6_000), 500);
  });

  it('moves on a spent day budget: dayWaitMs, exhaustUntil', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock, { rpm: 1_000, tpm: 1_000_000, rpd: 3, tpd: 500_000 }, 1_000);
    for (let i = 0; i < 3; i++) assert.ok(b.tryReserve(10));
    // one request refills in a day / 3 = 1 440 windows of 1 s / 3
    assert.equal(b.dayWaitMs(10), 480_000);
    assert.equal(b.minuteWaitMs(10), 0);
    clock.advance(480_000);
    assert.equal(b.dayWaitMs(10), 0);
    b.exhaustUntil(clock.now() + 60_000);
    assert.equal(b.dayWaitMs(10), 60_000);
    assert.equal(b.gauge().exhaustedUntil, clock.now() + 60_000);
    clock.advance(60_000);
    assert.equal(b.gauge().exhaustedUntil, undefined);
  });

  it('closeUntil shuts the gate after a 429 whatever the levels say', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    b.closeUntil(clock.now() + 3_000);
    assert.equal(b.waitMs(1), 3_000);
    assert.equal(b.tryReserve(1), undefined);
    clock.advance(3_000);
    assert.ok(b.tryReserve(1));
  });

  it('estimates how long a queue of calls takes to drain through the budgets', () => {
    const clock = new FakeClock(1_000_000);
    const b = budget(clock);
    // 6 000 tokens now, 100 per second after: 10 calls of 1 000 need 4 000 more = 40 s.
    assert.equal(b.drainMs(10, 10_000), 40_000);
    // 40 requests at 30 RPM: 10 more than the bucket = 20 s; tokens bind first.
    assert.equal(b.drainMs(40, 4_000), 20_000);
    assert.equal(b.drainMs(1, 100), 0);
  });
});
