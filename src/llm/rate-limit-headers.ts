/**
 * Groq's `x-ratelimit-*` response headers (FACTS.md "Groq"): the `requests` trio is per DAY, the `tokens` trio is per
 * MINUTE, and the resets are Go durations ("2m59.56s", "7.66s", "500ms").
 */
import type { RateLimitSnapshot } from '../core/ports.js';

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  μs: 0.001,
  ns: 0.000_001,
};

// why: "ms" must be tried before "m" and "s", hence the alternation order.
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|μs|ns|h|m|s)/y;

/**
 * Parses a Go `time.Duration` string ("1h2m", "2m59.56s", "7.66s", "500ms", "0s", "0") into milliseconds.
 * Returns `undefined` for anything Go would reject (empty, negative, missing unit).
 */
export function parseGoDuration(s: string): number | undefined {
  const text = s.trim();
  if (text === '0') return 0;
  if (text === '') return undefined;
  let total = 0;
  let index = 0;
  TERM.lastIndex = 0;
  while (index < text.length) {
    TERM.lastIndex = index;
    const match = TERM.exec(text);
    if (!match) return undefined;
    const unit = UNIT_MS[match[2] as string];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    index = TERM.lastIndex;
  }
  // why: float sums like 59.56 * 1000 leave 59559.99999; microsecond precision is plenty.
  return Math.round(total * 1000) / 1000;
}

/** A duration header: a Go duration, or (leniently, for proxies) a bare number of seconds. */
function parseDurationHeader(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const go = parseGoDuration(value);
  if (go !== undefined) return go;
  const seconds = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function headerReader(headers: Headers | Record<string, string>): (name: string) => string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    const h = headers as Headers;
    return (name) => h.get(name) ?? undefined;
  }
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(headers as Record<string, string>)) lower.set(key.toLowerCase(), value);
  return (name) => lower.get(name);
}

/**
 * Reads Groq's rate-limit headers into a snapshot. Absent or malformed headers leave their field out, so an empty
 * object means "the server said nothing".
 */
export function parseRateLimitHeaders(headers: Headers | Record<string, string>): RateLimitSnapshot {
  const get = headerReader(headers);
  const snapshot: RateLimitSnapshot = {};
  const fields: [keyof RateLimitSnapshot, number | undefined][] = [
    ['requestsLimit', parseCount(get('x-ratelimit-limit-requests'))],
    ['requestsRemaining', parseCount(get('x-ratelimit-remaining-requests'))],
    ['requestsResetMs', parseDurationHeader(get('x-ratelimit-reset-requests'))],
    ['tokensLimit', parseCount(get('x-ratelimit-limit-tokens'))],
    ['tokensRemaining', parseCount(get('x-ratelimit-remaining-tokens'))],
    ['tokensResetMs', parseDurationHeader(get('x-ratelimit-reset-tokens'))],
  ];
  for (const [key, value] of fields) if (value !== undefined) snapshot[key] = value;
  return snapshot;
}
