/**
 * The threads the twin answered in, so that replies there count as follow-ups. In one process a TtlSet is enough;
 * with several replicas behind a load balancer the reply may reach another replica, so the set lives in the shared
 * KeyValueStore (Redis), with a local copy that answers for the threads this replica started itself.
 */
import type { KeyValueStore, Logger } from '../../core/ports.js';
import { TtlSet } from './ttl-set.js';

/** How long a thread the twin answered in keeps counting as the twin's. */
export const THREAD_MEMORY_MS = 7 * 86_400_000;

export interface AnsweredThreads {
  add(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
}

export class MemoryAnsweredThreads implements AnsweredThreads {
  private readonly set = new TtlSet(THREAD_MEMORY_MS, 100_000);

  async add(key: string): Promise<void> {
    this.set.add(key);
  }

  async has(key: string): Promise<boolean> {
    return this.set.has(key);
  }
}

export class KeyValueAnsweredThreads implements AnsweredThreads {
  private readonly local = new MemoryAnsweredThreads();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly log: Logger,
  ) {}

  async add(key: string): Promise<void> {
    await this.local.add(key);
    try {
      await this.kv.set('slack-threads', key, '1', THREAD_MEMORY_MS);
    } catch (err) {
      // why: the answer matters more than the follow-up memory; other replicas just miss this thread's replies.
      this.log.warn({ event: 'slack.threads_failed', err }, 'could not share an answered thread; answering anyway');
    }
  }

  async has(key: string): Promise<boolean> {
    if (await this.local.has(key)) return true;
    try {
      return (await this.kv.get('slack-threads', key)) !== undefined;
    } catch (err) {
      this.log.warn({ event: 'slack.threads_failed', err }, 'could not read the answered threads');
      return false;
    }
  }
}
