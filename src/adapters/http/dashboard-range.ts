/** The dashboard's date range, kept in the URL as whole UTC days: `?from=2026-12-01&to=2026-12-07` (inclusive). */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The longest range one page reads. why: a year of hourly buckets or a scan of years of rows is not a page. */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 7;

export interface DashboardRange {
  /** YYYY-MM-DD, inclusive. */
  fromDay: string;
  toDay: string;
  /** [from, to) in epoch ms. */
  from: number;
  to: number;
  bucketMs: number;
}

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

function parseDay(text: string | null): number | undefined {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const t = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(t) && dayOf(t) === text ? t : undefined;
}

/** The range the URL asks for, or the last DEFAULT_RANGE_DAYS days; a problem names what to fix. */
export function readRange(params: URLSearchParams, now: number): DashboardRange | { problem: string } {
  const today = Date.parse(`${dayOf(now)}T00:00:00Z`);
  const rawFrom = params.get('from');
  const rawTo = params.get('to');
  const to = rawTo === null || rawTo === '' ? today : parseDay(rawTo);
  if (to === undefined) return { problem: 'The end date must look like 2026-12-31.' };
  const from = rawFrom === null || rawFrom === '' ? to - (DEFAULT_RANGE_DAYS - 1) * DAY_MS : parseDay(rawFrom);
  if (from === undefined) return { problem: 'The start date must look like 2026-12-01.' };
  if (from > to) return { problem: 'The start date comes after the end date.' };
  const days = (to - from) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) return { problem: `Pick at most ${MAX_RANGE_DAYS} days.` };
  return {
    fromDay: dayOf(from),
    toDay: dayOf(to),
    from,
    to: to + DAY_MS,
    bucketMs: days <= 2 ? HOUR_MS : DAY_MS,
  };
}
