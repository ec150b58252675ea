/**
 * The follow-up questions offered under recent answers, so a button can carry a short reference (request id and
 * index) instead of the question: Discord's custom_id holds 100 characters. Each person takes each suggestion once,
 * so a double click asks once. Offers last a day. With a shared store (the answer cache's: Redis, or the ledger's
 * database) a button works after a restart and on any replica; without one they live in this process's memory,
 * bounded, and an old button says it has expired.
 */
import type { Clock, KeyValueStore } from './ports.js';
import type { FollowUpRequest, FollowUpResult } from './types.js';

interface Offer {
  tenantId: string;
  questions: readonly string[];
}

interface MemoryOffer extends Offer {
  at: number;
  /** `${userId}\u0000${index}` of suggestions already taken. */
  taken: Set<string>;
}

export const FOLLOW_UP_TTL_MS = 24 * 3_600_000;
export const FOLLOW_UP_MAX_OFFERS = 20_000;
const OFFERS = 'follow-up-offers';
const TAKEN_NS = 'follow-up-taken';

const EXPIRED: FollowUpResult = {
  kind: 'refused',
  message: 'That suggestion has expired. Ask me the question directly and I will answer it.',
};
const TAKEN: FollowUpResult = {
  kind: 'refused',
  message: 'You already asked that one: the answer is on its way, or just above.',
};

export interface FollowUpOffersOptions {
  clock: Clock;
  /** Where offers and taken clicks are kept across restarts and replicas; absent: this process's memory. */
  store?: KeyValueStore;
  ttlMs?: number;
  /** The most offers kept in memory (without a store). */
  maxOffers?: number;
}

export class FollowUpOffers {
  // why: a Map keeps insertion order, so the oldest offers are the first ones dropped past the bound.
  private readonly offers = new Map<string, MemoryOffer>();
  private readonly clock: Clock;
  private readonly store: KeyValueStore | undefined;
  private readonly ttlMs: number;
  private readonly maxOffers: number;

  constructor(options: FollowUpOffersOptions) {
    this.clock = options.clock;
    this.store = options.store;
    this.ttlMs = options.ttlMs ?? FOLLOW_UP_TTL_MS;
    this.maxOffers = options.maxOffers ?? FOLLOW_UP_MAX_OFFERS;
  }

  async offer(requestId: string, tenantId: string, questions: readonly string[]): Promise<void> {
    if (questions.length === 0) return;
    if (this.store) {
      const offer: Offer = { tenantId, questions };
      await this.store.set(OFFERS, requestId, JSON.stringify(offer), this.ttlMs);
      return;
    }
    this.offers.set(requestId, { tenantId, questions, at: this.clock.now(), taken: new Set() });
    while (this.offers.size > this.maxOffers) {
      const oldest = this.offers.keys().next().value;
      if (oldest === undefined) break;
      this.offers.delete(oldest);
    }
  }

  /** The question behind a click, once per person; another tenant's request reads as expired. */
  async take(request: FollowUpRequest): Promise<FollowUpResult> {
    return this.store ? this.takeShared(this.store, request) : this.takeInMemory(request);
  }

  private async takeShared(store: KeyValueStore, request: FollowUpRequest): Promise<FollowUpResult> {
    const stored = await store.get(OFFERS, request.requestId);
    const offer = stored === undefined ? undefined : (JSON.parse(stored) as Offer);
    if (!offer || offer.tenantId !== request.tenantId) return EXPIRED;
    const question = offer.questions[request.index];
    if (question === undefined) return EXPIRED;
    // why: the claim is atomic in the store, so a double click that lands on two replicas still asks once.
    const first = await store.setIfAbsent(
      TAKEN_NS,
      `${request.requestId}\u0000${request.userId}\u0000${request.index}`,
      '1',
      this.ttlMs,
    );
    return first ? { kind: 'ask', question } : TAKEN;
  }

  private takeInMemory(request: FollowUpRequest): FollowUpResult {
    const offer = this.offers.get(request.requestId);
    if (!offer || offer.tenantId !== request.tenantId || this.clock.now() - offer.at > this.ttlMs) return EXPIRED;
    const question = offer.questions[request.index];
    if (question === undefined) return EXPIRED;
    const key = `${request.userId}\u0000${request.index}`;
    if (offer.taken.has(key)) return TAKEN;
    offer.taken.add(key);
    return { kind: 'ask', question };
  }

  /** Offers held in memory (0 with a store). */
  get size(): number {
    return this.offers.size;
  }
}
