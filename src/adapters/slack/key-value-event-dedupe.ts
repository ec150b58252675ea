/**
 * Event dedupe on the KeyValueStore port: an event answered just before a restart is not answered again when Slack
 * retries it after the restart (its last retry comes about 5 minutes after the first try).
 */
import type { KeyValueStore } from '../../core/ports.js';
import type { EventDedupeStore } from './event-dedupe.js';

export class KeyValueEventDedupeStore implements EventDedupeStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs = 3_600_000,
  ) {}

  async seen(...ids: string[]): Promise<boolean> {
    return !(await this.kv.setIfAllAbsent('slack-events', ids, '1', this.ttlMs));
  }
}
