/**
 * 👍/👎 on answers (issue 16.3): the rules, once for every platform. A vote counts only on a request of the tenant it
 * comes from (the store says whose a request is; a crafted id from another tenant is refused); one vote per person
 * per answer, changeable; after 👎 an optional short reason, bounded and scrubbed of anything that looks like a
 * secret before it is stored, since admins read it in reports.
 */
import type { Clock, FeedbackStore, Logger } from './ports.js';
import { scrubSecrets } from './scrub-secrets.js';
import type { FeedbackRequest, FeedbackResult } from './types.js';

/** why: a reason is a sentence for a report line, not an essay; Discord's short text input takes the same bound. */
export const MAX_REASON_CHARS = 300;

/** Request ids are the ledger's UUIDs; anything else is refused before the store is asked. */
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Token shapes people paste by mistake: Slack (xox?-, xapp-), Groq (gsk_), OpenAI-style (sk-), GitHub (ghp_ and
 * friends), bearer headers, and long unbroken runs of key-like characters.
 */
const TOKEN_SHAPES = [
  /\bxox[abposr]-[A-Za-z0-9-]{6,}/g,
  /\bxapp-[A-Za-z0-9-]{6,}/g,
  /\bgsk_[A-Za-z0-9]{10,}/g,
  /\bsk-[A-Za-z0-9_-]{10,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{10,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{10,}/gi,
  /\b[A-Za-z0-9+/_=-]*[0-9][A-Za-z0-9+/_=-]*[A-Za-z][A-Za-z0-9+/_=-]{30,}/g,
];

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** A reason as it may be stored: one line, secrets replaced, at most MAX_REASON_CHARS; undefined when empty. */
export function cleanReason(raw: string | undefined, secrets: readonly string[] = []): string | undefined {
  if (raw === undefined) return undefined;
  let text = scrubSecrets(raw.replace(CONTROL, ' '), secrets);
  for (const shape of TOKEN_SHAPES) text = text.replace(shape, '[redacted]');
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  return text.length <= MAX_REASON_CHARS ? text : `${text.slice(0, MAX_REASON_CHARS - 1).trimEnd()}…`;
}

export function isRequestId(value: string): boolean {
  return REQUEST_ID.test(value);
}

const GONE =
  "I can't find that answer any more, so I can't record your feedback on it. Thanks all the same; ask me again any time.";

export interface AnswerFeedbackDeps {
  store: FeedbackStore;
  clock: Clock;
  logger: Logger;
}

export class AnswerFeedback {
  constructor(private readonly deps: AnswerFeedbackDeps) {}

  /** Records (or changes) one person's vote; refusals are values, faults throw (the adapter says so). */
  async record(request: FeedbackRequest): Promise<FeedbackResult> {
    if (!isRequestId(request.requestId)) return { kind: 'refused', message: GONE };
    const owner = await this.deps.store.requestTenant(request.requestId);
    if (owner !== request.tenantId) {
      if (owner !== undefined) {
        this.deps.logger.warn(
          { event: 'twin.feedback_cross_tenant', tenant: request.tenantId, user: request.userId },
          'feedback on another tenant’s request refused',
        );
      }
      return { kind: 'refused', message: GONE };
    }
    const reason = request.vote === 'not_helpful' ? cleanReason(request.reason) : undefined;
    await this.deps.store.saveFeedback({
      requestId: request.requestId,
      tenantId: request.tenantId,
      platform: request.platform,
      userId: request.userId,
      vote: request.vote,
      ...(reason !== undefined && { reason }),
      at: this.deps.clock.now(),
    });
    this.deps.logger.info(
      {
        event: 'twin.feedback',
        tenant: request.tenantId,
        user: request.userId,
        requestId: request.requestId,
        vote: request.vote,
        reason: reason !== undefined,
      },
      'feedback recorded',
    );
    const text =
      request.vote === 'helpful'
        ? 'Thanks! Glad that helped.'
        : reason !== undefined
          ? 'Thanks for telling me what was missing. The people who run me will see it.'
          : 'Thanks for the feedback. If you like, tell me in a few words what was wrong.';
    return { kind: 'recorded', vote: request.vote, text };
  }
}
