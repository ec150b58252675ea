/**
 * Groq-like limit enforcement for the fake: per model, continuously refilling buckets for requests and tokens per
 * minute and per day. A request is charged 1 request + (prompt + max completion) tokens at admission; the token charge
 * is corrected to the real usage when the answer ends ('settle' accounting) unless 'reserve' accounting is chosen.
 */
import { formatGoDuration } from './groq-wire.js';

export interface FakeGroqLimits {
  rpm?: number;
  rpd?: number;
  tpm?: number;
  tpd?: number;
}

type Dimension = 'RPM' | 'RPD' | 'TPM' | 'TPD';

const LABEL: Record<Dimension, string> = {
  RPM: 'requests per minute (RPM)',
  RPD: 'requests per day (RPD)',
  TPM: 'tokens per minute (TPM)',
  TPD: 'tokens per day (TPD)',
};

/** Shown in headers when a limit is not configured: large enough never to bind. */
const HEADER_DEFAULT_RPD = 1_000_000;
const HEADER_DEFAULT_TPM = 10_000_000;

/**
 * A continuous token bucket: full at start, refills `capacity` per `periodMs`, may go negative on a late charge.
 * why: written apart from src/llm/gateway/model-budget.ts on purpose: the fake stands for Groq, and sharing the
 * gateway's code would let a bug in it agree with itself in every test and benchmark.
 */
class Bucket {
  private level: number;
  private updated: number;

  constructor(
    readonly capacity: number,
    private readonly periodMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.updated = now;
  }

  available(now: number): number {
    if (now > this.updated) {
      this.level = Math.min(this.capacity, this.level + ((now - this.updated) * this.capacity) / this.periodMs);
      this.updated = now;
    }
    return this.level;
  }

  /** Ms until `amount` is available. */
  waitMs(amount: number, now: number): number {
    const missing = amount - this.available(now);
    return missing <= 0 ? 0 : (missing * this.periodMs) / this.capacity;
  }

  /** Ms until the bucket is full again (Groq's reset headers). */
  resetMs(now: number): number {
    return ((this.capacity - this.available(now)) * this.periodMs) / this.capacity;
  }

  add(amount: number, now: number): void {
    this.level = Math.min(this.capacity, this.available(now) + amount);
  }
}

export type Admission =
  | { ok: true; reservedTokens: number }
  | { ok: false; status: 413 | 429; type: 'requests' | 'tokens'; message: string; retryAfterMs?: number };

interface ModelBuckets {
  RPM?: Bucket;
  RPD: Bucket;
  TPM: Bucket;
  TPD?: Bucket;
}

export class FakeRateLimits {
  private readonly byModel = new Map<string, ModelBuckets>();

  constructor(
    private readonly limits: FakeGroqLimits,
    private readonly windowMs: number,
  ) {}

  private buckets(model: string, now: number): ModelBuckets {
    let buckets = this.byModel.get(model);
    if (!buckets) {
      const day = this.windowMs * 1_440;
      const { rpm, rpd, tpm, tpd } = this.limits;
      buckets = {
        RPM: rpm ? new Bucket(rpm, this.windowMs, now) : undefined,
        RPD: new Bucket(rpd || HEADER_DEFAULT_RPD, day, now),
        TPM: new Bucket(tpm || HEADER_DEFAULT_TPM, this.windowMs, now),
        TPD: tpd ? new Bucket(tpd, day, now) : undefined,
      };
      this.byModel.set(model, buckets);
    }
    return buckets;
  }

  /** Charges the request when every bucket has room; otherwise says which limit binds and for how long. */
  admit(model: string, tokens: number, now: number): Admission {
    const b = this.buckets(model, now);
    if (tokens > b.TPM.capacity) {
      return {
        ok: false,
        status: 413,
        type: 'tokens',
        message:
          `Request too large for model \`${model}\` in organization \`org_fake\` service tier \`on_demand\` on ` +
          `${LABEL.TPM}: Limit ${b.TPM.capacity}, Requested ${tokens}, please reduce your message size and try again. ` +
          'Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing',
      };
    }
    const checks: [Dimension, Bucket | undefined, number][] = [
      ['RPM', b.RPM, 1],
      ['RPD', b.RPD, 1],
      ['TPM', b.TPM, tokens],
      ['TPD', b.TPD, tokens],
    ];
    let worst: { dim: Dimension; bucket: Bucket; cost: number; wait: number } | undefined;
    for (const [dim, bucket, cost] of checks) {
      if (!bucket) continue;
      const wait = bucket.waitMs(cost, now);
      if (wait > 0 && (!worst || wait > worst.wait)) worst = { dim, bucket, cost, wait };
    }
    if (worst) {
      const used = Math.ceil(worst.bucket.capacity - worst.bucket.available(now));
      return {
        ok: false,
        status: 429,
        type: worst.dim.startsWith('R') ? 'requests' : 'tokens',
        retryAfterMs: worst.wait,
        message:
          `Rate limit reached for model \`${model}\` in organization \`org_fake\` service tier \`on_demand\` on ` +
          `${LABEL[worst.dim]}: Limit ${worst.bucket.capacity}, Used ${used}, Requested ${worst.cost}. ` +
          `Please try again in ${formatGoDuration(worst.wait)}. ` +
          'Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing',
      };
    }
    for (const [, bucket, cost] of checks) bucket?.add(-cost, now);
    return { ok: true, reservedTokens: tokens };
  }

  /** Corrects a token charge by `delta` (negative = refund unused reservation). */
  adjustTokens(model: string, delta: number, now: number): void {
    const b = this.buckets(model, now);
    b.TPM.add(-delta, now);
    b.TPD?.add(-delta, now);
  }

  /** Groq's six headers: requests = per day, tokens = per minute. */
  headers(model: string, now: number): Record<string, string> {
    const b = this.buckets(model, now);
    return {
      'x-ratelimit-limit-requests': String(b.RPD.capacity),
      'x-ratelimit-limit-tokens': String(b.TPM.capacity),
      'x-ratelimit-remaining-requests': String(Math.max(0, Math.floor(b.RPD.available(now)))),
      'x-ratelimit-remaining-tokens': String(Math.max(0, Math.floor(b.TPM.available(now)))),
      'x-ratelimit-reset-requests': formatGoDuration(b.RPD.resetMs(now)),
      'x-ratelimit-reset-tokens': formatGoDuration(b.TPM.resetMs(now)),
    };
  }

  /** What is left in each bucket now (Infinity where no limit is enforced). */
  remaining(model: string, now: number): { rpm: number; rpd: number; tpm: number; tpd: number } {
    const b = this.buckets(model, now);
    return {
      rpm: b.RPM ? b.RPM.available(now) : Number.POSITIVE_INFINITY,
      rpd: this.limits.rpd ? b.RPD.available(now) : Number.POSITIVE_INFINITY,
      tpm: this.limits.tpm ? b.TPM.available(now) : Number.POSITIVE_INFINITY,
      tpd: b.TPD ? b.TPD.available(now) : Number.POSITIVE_INFINITY,
    };
  }

  reset(): void {
    this.byModel.clear();
  }
}
