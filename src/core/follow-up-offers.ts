/**
 * The follow-up questions offered under recent answers, so a button can carry a short reference (request id and
 * index) instead of the question: Discord's custom_id holds 100 characters. Bounded in size and time, in memory:
 * after a restart, or on another replica, an old button says it has expired and the person asks directly.
 * Each person takes each suggestion once, so a double click asks once.
 */
import type { Clock } from './ports.js';
import type { FollowUpRequest, FollowUpResult } from './types.js';

interface Offer {
  tenantId: string;
  questions: readonly string[];
  at: number;
  /** `${userId}\u0000${index}` of suggestions already taken. */
  taken: Set<string>;
}

export const FOLLOW_UP_TTL_MS = 24 * 3_600_000;
export const FOLLOW_UP_MAX_OFFERS = 20_000;

const EXPIRED: FollowUpResult = {
  kind: 'refused',
  message: 'That suggestion has expired. Ask me the question directly and I will answer it.',
};
const TAKEN: FollowUpResult = {
  kind: 'refused',
  message: 'You already asked that one: the answer is on its way, or just above.',
};

export class FollowUpOffers {
  // why: a Map keeps insertion order, so the oldest offers are the first ones dropped past the bound.
  private readonly offers = new Map<string, Offer>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = FOLLOW_UP_TTL_MS,
    private readonly maxOffers = FOLLOW_UP_MAX_OFFERS,
  ) {}

  offer(requestId: string, tenantId: string, questions: readonly string[]): void {
    if (questions.length === 0) return;
    this.offers.set(requestId, { tenantId, questions, at: this.clock.now(), taken: new Set() });
    while (this.offers.size > this.maxOffers) {
      const oldest = this.offers.keys().next().value;
      if (oldest === undefined) break;
      this.offers.delete(oldest);
    }
  }

  /** The question behind a click, once per person; another tenant's request reads as expired. */
  take(request: FollowUpRequest): FollowUpResult {
    const offer = this.offers.get(request.requestId);
    if (!offer || offer.tenantId !== request.tenantId || this.clock.now() - offer.at > this.ttlMs) return EXPIRED;
    const question = offer.questions[request.index];
    if (question === undefined) return EXPIRED;
    const key = `${request.userId}\u0000${request.index}`;
    if (offer.taken.has(key)) return TAKEN;
    offer.taken.add(key);
    return { kind: 'ask', question };
  }

  get size(): number {
    return this.offers.size;
  }
}
