/**
 * Remembers recent answers to the same question about the same profile version, so a question asked
 * ten times in a busy channel spends the Groq budget once. Follow-ups (with history) are never cached.
 */
import type { Clock } from './ports.js';
import type { Answer } from './types.js';

export class AnswerCache {
  private readonly entries = new Map<string, { answer: Answer; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 500,
  ) {}

  static key(profileVersion: string, question: string): string {
    const normal = question
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return `${profileVersion}\u0000${normal}`;
  }

  get(key: string): Answer | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.clock.now() - hit.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Refresh recency: Map keeps insertion order, so re-inserting makes it the newest.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.answer;
  }

  set(key: string, answer: Answer): void {
    this.entries.delete(key);
    this.entries.set(key, { answer, at: this.clock.now() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
