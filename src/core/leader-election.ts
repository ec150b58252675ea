/**
 * One leader among replicas, through a LeaderLock: every third of the lease the lock is taken or renewed; the
 * replica that holds it runs the leader's work (the Discord gateway connection), the others stand by and take over
 * within about a lease once the leader dies. A leader that cannot renew steps down before its lease can have run
 * out, so two replicas never lead at once; on stop it releases the lock so another takes over at once.
 */
import { formatWait } from './failure-messages.js';
import type { Clock, LeaderLock, Logger } from './ports.js';
import { scrubSecrets } from './scrub-secrets.js';
import type { TimerHandle, Timers } from './timers.js';

export type LeaderRole = 'leader' | 'standby' | 'stopped';

export interface LeaderElectionOptions {
  /** What is led, for logs: "discord". */
  name: string;
  lock: LeaderLock;
  /** The lock's lease; it is renewed every third of it. */
  ttlMs: number;
  /** Starts the leader's work. A throw is final (e.g. a refused token): this replica gives the lock up for good. */
  lead(): Promise<void>;
  /** Stops the leader's work (the lock was lost, or the replica stops). */
  resign(): Promise<void>;
  clock: Clock;
  timers: Timers;
  logger: Logger;
}

export class LeaderElection {
  private readonly o: LeaderElectionOptions;
  private readonly intervalMs: number;
  private current: LeaderRole = 'standby';
  /** Whether the last tick decided this replica should lead. */
  private wants = false;
  private renewedAt = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle;
  private ticking: Promise<void> = Promise.resolve();
  /** Role changes run one after the other. */
  private changes: Promise<void> = Promise.resolve();
  private stopped = false;
  private unreachable = false;
  /** Why leading failed for good, if it did. */
  private failure: unknown;

  constructor(options: LeaderElectionOptions) {
    this.o = options;
    this.intervalMs = Math.max(1, Math.floor(options.ttlMs / 3));
  }

  get role(): LeaderRole {
    return this.current;
  }

  /**
   * Starts competing; resolves after the first attempt to take the lock (and, when taken, the start of the work).
   * Throws what `lead` threw when that start failed; a later failure is logged.
   */
  async start(): Promise<void> {
    await this.tick();
    await this.changes;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops competing: resigns when leading and releases the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.o.timers.clearTimeout(this.timer);
    await this.ticking;
    await this.changes;
    if (this.current === 'leader') await this.stepDown('stopping');
    this.current = 'stopped';
    await this.release();
  }

  /**
   * Gives the lock up. why logged, not thrown: the lease runs out by itself, so a failed release only delays the
   * standby's take-over by up to a lease, and the log is where an operator sees why it waited.
   */
  private async release(): Promise<void> {
    try {
      await this.o.lock.release();
    } catch (err) {
      const reason = scrubSecrets(err instanceof Error ? err.message : String(err));
      this.o.logger.warn(
        { event: 'twin.leader_release_failed', what: this.o.name, reason },
        `the ${this.o.name} leader lock could not be released (${reason}); another replica takes over when its ` +
          `lease runs out, within ${formatWait(this.o.ttlMs)}`,
      );
    }
  }

  private tick(): Promise<void> {
    this.ticking = this.decide().finally(() => {
      if (this.stopped) return;
      this.timer = this.o.timers.setTimeout(() => void this.tick(), this.intervalMs);
      this.timer?.unref?.();
    });
    return this.ticking;
  }

  private async decide(): Promise<void> {
    const asked = this.o.clock.now();
    let held: boolean | undefined;
    try {
      held = await this.o.lock.hold();
      if (this.unreachable) {
        this.unreachable = false;
        this.o.logger.warn({ event: 'twin.leader_lock_back', what: this.o.name }, 'the leader lock is reachable again');
      }
    } catch (err) {
      if (!this.unreachable) {
        this.unreachable = true;
        const reason = scrubSecrets(err instanceof Error ? err.message : String(err));
        this.o.logger.warn(
          { event: 'twin.leader_lock_unreachable', what: this.o.name, role: this.current, reason },
          `the ${this.o.name} leader lock cannot be reached (${reason}); a leader steps down if it cannot renew in time`,
        );
      }
    }
    if (held) this.renewedAt = asked;
    // why: without an answer a leader keeps leading only while its lease outlasts the next attempt by half an
    // interval, time enough to disconnect before another replica may take the lock.
    const wants = held ?? (this.wants && this.o.clock.now() + this.intervalMs * 1.5 < this.renewedAt + this.o.ttlMs);
    if (wants === this.wants || this.stopped) return;
    this.wants = wants;
    this.changes = this.changes
      .then(() => (wants ? this.stepUp() : this.stepDown('lost the lock')))
      .catch((err: unknown) => {
        this.failure = err;
        const reason = scrubSecrets(err instanceof Error ? err.message : String(err));
        this.o.logger.error(
          { event: 'twin.leader_failed', what: this.o.name, reason },
          `this replica could not lead ${this.o.name} (${reason}); it gave the lock up and stopped competing`,
        );
      });
  }

  private async stepUp(): Promise<void> {
    if (!this.wants || this.stopped || this.current !== 'standby') return;
    this.o.logger.info(
      { event: 'twin.leader_elected', what: this.o.name },
      `this replica holds the ${this.o.name} lock: it connects`,
    );
    this.current = 'leader';
    try {
      await this.o.lead();
    } catch (err) {
      // why: a fault that stops this replica's start (a refused token) stops every replica's: no retry loop.
      this.current = 'stopped';
      this.stopped = true;
      this.wants = false;
      this.o.timers.clearTimeout(this.timer);
      await this.release();
      throw err;
    }
  }

  private async stepDown(why: string): Promise<void> {
    if (this.current !== 'leader') return;
    this.current = this.stopped ? 'stopped' : 'standby';
    this.o.logger.warn(
      { event: 'twin.leader_resigned', what: this.o.name, why },
      `this replica stops holding the ${this.o.name} connection (${why})`,
    );
    await this.o.resign();
  }
}
