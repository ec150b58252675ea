/**
 * The quota vocabulary (STYLE.md 13): every limit a tenant's quota can hold, defined once. The TenantQuota type,
 * the guard's lines, the labels, the configuration (TWIN_QUOTA_*), the CLI flags and help, the Discord options,
 * the Slack parser, the store columns and `.env.example` all derive from this table; a test checks the docs.
 */

/** What a limit counts: questions, tokens, or estimated US dollars. */
export type QuotaMeasure = 'requests' | 'tokens' | 'usd';
/** The period a limit covers: a UTC day or a UTC calendar month. */
export type QuotaPeriod = 'day' | 'month';

export interface QuotaLimitSpec {
  /** The TenantQuota field. */
  readonly field: string;
  readonly measure: QuotaMeasure;
  readonly period: QuotaPeriod;
  /** The name people type: the CLI flag (`--requests-per-day`), the Discord option, the Slack word. */
  readonly flag: string;
  /** The environment variable of the operator's default for every tenant. */
  readonly env: string;
  /** The limit in words ("requests per day"). */
  readonly label: string;
  /** The unit the value is written in: whole counts, or dollars with cents. */
  readonly unit: 'whole' | 'dollars';
  /** The column in the usage store's quota tables. */
  readonly column: string;
  /** The Discord option's description (at most 100 characters). */
  readonly description: string;
}

/** In the order the guard checks them and people read them: counts by day, by month, then dollars. */
export const QUOTA_LIMITS = [
  limit('requestsPerDay', 'requests', 'day', 'Most questions per day (UTC) for this server'),
  limit('tokensPerDay', 'tokens', 'day', 'Most tokens per day (UTC)'),
  limit('requestsPerMonth', 'requests', 'month', 'Most questions per calendar month (UTC)'),
  limit('tokensPerMonth', 'tokens', 'month', 'Most tokens per calendar month (UTC)'),
  limit('usdPerDay', 'usd', 'day', 'Most estimated spend per day (UTC), in US dollars'),
  limit('usdPerMonth', 'usd', 'month', 'Most estimated spend per calendar month (UTC), in US dollars'),
] as const;

/** A quota field: `requestsPerDay`, ..., `usdPerMonth`. */
export type QuotaField = (typeof QUOTA_LIMITS)[number]['field'];

/** The table's row of a field. */
export function quotaLimit(field: QuotaField): QuotaLimitSpec {
  return QUOTA_LIMITS.find((l) => l.field === field) as QuotaLimitSpec;
}

/** The limit named by a flag (`requests-per-day`), or undefined. */
export function quotaLimitByFlag(flag: string): (typeof QUOTA_LIMITS)[number] | undefined {
  return QUOTA_LIMITS.find((l) => l.flag === flag);
}

/** The limits in words, keyed by field ("requests per day"). */
export const QUOTA_LABELS = Object.fromEntries(QUOTA_LIMITS.map((l) => [l.field, l.label])) as Record<
  QuotaField,
  string
>;

/** Dollar limits take cents; the others count whole requests or tokens. */
export function isDollarField(field: QuotaField): boolean {
  return quotaLimit(field).unit === 'dollars';
}

/** The flags of the dollar limits, for the hints that say which limits take cents. */
export const DOLLAR_FLAGS = QUOTA_LIMITS.filter((l) => l.unit === 'dollars').map((l) => l.flag);

function limit<F extends string, M extends QuotaMeasure, P extends QuotaPeriod>(
  field: F,
  measure: M,
  period: P,
  description: string,
) {
  const words = measure === 'usd' ? 'dollars' : measure;
  const snake = `${measure}_per_${period}`;
  return {
    field,
    measure,
    period,
    flag: snake.replaceAll('_', '-'),
    env: `TWIN_QUOTA_${snake.toUpperCase()}`,
    label: `${words} per ${period}`,
    unit: measure === 'usd' ? 'dollars' : 'whole',
    column: snake,
    description,
  } as const satisfies QuotaLimitSpec;
}
