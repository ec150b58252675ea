import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../../src/llm/gateway/circuit-breaker.js';

function setup() {
  const clock = {
    t: 0,
    now() {
      return this.t;
    },
  };
  const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, clock });
  return { clock, breaker };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, not after N scattered ones', () => {
    const { breaker } = setup();
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    assert.equal(breaker.state, 'closed');
    breaker.onFailure();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.canPass(), false);
  });

  it('lets one probe through after the cool-down; success closes it', () => {
    const { clock, breaker } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    clock.t = 9_999;
    assert.equal(breaker.tryAcquire(), false);
    clock.t = 10_000;
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.tryAcquire(), true);
    assert.equal(breaker.tryAcquire(), false, 'only one probe at a time');
    breaker.onSuccess();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.tryAcquire(), true);
  });

  it('a failed probe opens it again for a full cool-down', () => {
    const { clock, breaker } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    clock.t = 10_000;
    assert.equal(breaker.tryAcquire(), true);
    breaker.onFailure();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAt, 20_000);
  });

  it('a neutral outcome (429, cancel) frees the probe without judging the model', () => {
    const { clock, breaker } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    clock.t = 10_000;
    assert.equal(breaker.tryAcquire(), true);
    breaker.onNeutral();
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.tryAcquire(), true);
  });
});
