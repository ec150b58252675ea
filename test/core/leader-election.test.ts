/**
 * LeaderElection on a FakeClock: a lock fake that keeps the LeaderLock contract (a lease that runs out on the same
 * clock) and can be made unreachable. Replicas are elections with their own timers on one clock; a "dead" replica
 * is one whose timers no longer run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LeaderElection } from '../../src/core/leader-election.js';
import type { LeaderLock, Logger } from '../../src/core/ports.js';
import { createLogger } from '../../src/logging.js';
import { FakeClock, FakeTimers } from '../support/fake-clock.js';
import { LogSink } from '../support/log-sink.js';
import { silentLogger } from '../support/silent-logger.js';
import { settle } from '../support/wait-for.js';

const TTL = 3_000;

/** One key with a holder and an expiry, as in Redis. */
class LeaseStore {
  holder: string | undefined;
  expires = 0;
  reachable = true;
  constructor(readonly clock: FakeClock) {}
  lock(id: string): LeaderLock {
    return {
      hold: async () => {
        if (!this.reachable) throw new Error('connection refused');
        const now = this.clock.now();
        if (this.holder !== undefined && this.expires > now && this.holder !== id) return false;
        this.holder = id;
        this.expires = now + TTL;
        return true;
      },
      release: async () => {
        if (!this.reachable) throw new Error('connection refused');
        if (this.holder === id) this.holder = undefined;
      },
    };
  }
}

function replica(
  store: LeaseStore,
  id: string,
  lead: () => Promise<void> = async () => {},
  logger: Logger = silentLogger,
) {
  const timers = new FakeTimers(store.clock);
  const work = { running: false };
  const election = new LeaderElection({
    name: 'discord',
    lock: store.lock(id),
    ttlMs: TTL,
    lead: async () => {
      await lead();
      work.running = true;
    },
    resign: async () => {
      work.running = false;
    },
    clock: store.clock,
    timers,
    logger,
  });
  return { election, timers, work };
}

/** Moves one replica's time by `ms`, one timer at a time, letting each tick's promises settle. */
async function live(r: ReturnType<typeof replica>, ms: number): Promise<void> {
  const until = r.timers.clock.t + ms;
  while (r.timers.nextDelay !== undefined && r.timers.clock.t + r.timers.nextDelay <= until) {
    const before = r.timers.pending;
    r.timers.fire();
    await settle(() => r.timers.pending >= before, 'the tick');
  }
  r.timers.clock.t = Math.max(r.timers.clock.t, until);
}

describe('LeaderElection', () => {
  test('one leads, the other stands by and takes over within a lease once the leader dies', async () => {
    const store = new LeaseStore(new FakeClock());
    const a = replica(store, 'a');
    const b = replica(store, 'b');
    await a.election.start();
    await b.election.start();
    assert.deepEqual([a.election.role, b.election.role], ['leader', 'standby']);
    assert.ok(a.work.running && !b.work.running);
    await live(b, TTL - TTL / 3);
    assert.equal(b.election.role, 'standby', 'the lease still runs');
    // a's timers no longer run: it died without releasing.
    await live(b, TTL / 3 + TTL / 3);
    assert.equal(b.election.role, 'leader');
    assert.ok(b.work.running);
  });

  test('a release that fails on stop is logged, since the standby then waits out the lease', async () => {
    const store = new LeaseStore(new FakeClock());
    const sink = new LogSink();
    const a = replica(store, 'a', undefined, createLogger('debug', sink));
    await a.election.start();
    store.reachable = false;
    await a.election.stop();
    assert.equal(a.election.role, 'stopped');
    const [failed] = sink.events('twin.leader_release_failed');
    assert.ok(failed, 'the failed release is logged');
    assert.match(String(failed.msg), /connection refused.*within 3 s/);
  });

  test('stop resigns and releases, so the standby takes over at its next tick', async () => {
    const store = new LeaseStore(new FakeClock());
    const a = replica(store, 'a');
    const b = replica(store, 'b');
    await a.election.start();
    await b.election.start();
    await a.election.stop();
    assert.equal(a.election.role, 'stopped');
    assert.equal(a.work.running, false);
    assert.equal(store.holder, undefined);
    await live(b, TTL / 3);
    assert.equal(b.election.role, 'leader');
  });

  test('a leader that cannot reach the lock steps down before its lease can run out, and leads again after', async () => {
    const store = new LeaseStore(new FakeClock());
    const a = replica(store, 'a');
    await a.election.start();
    store.reachable = false;
    await live(a, TTL / 3);
    assert.equal(a.election.role, 'leader', 'the lease surely outlasts the next renewal');
    await live(a, TTL / 3);
    assert.equal(a.election.role, 'standby', 'stepped down while its lease still held');
    assert.ok(store.expires > store.clock.now(), 'before the lease ran out');
    assert.equal(a.work.running, false);
    store.reachable = true;
    await live(a, TTL / 3);
    assert.equal(a.election.role, 'leader');
    assert.ok(a.work.running);
  });

  test('a refused start gives the lock up and stops competing', async () => {
    const store = new LeaseStore(new FakeClock());
    const a = replica(store, 'a', async () => {
      throw new Error('the bot token was refused');
    });
    await assert.rejects(a.election.start(), /token was refused/);
    assert.equal(a.election.role, 'stopped');
    assert.equal(store.holder, undefined);
    assert.equal(a.timers.pending, 0, 'no more attempts');
  });
});
