/**
 * The usage-report windows (STYLE.md 13), defined once: their names, lengths, buckets, the words that name them
 * and what people may type for them. The UsageWindow type, the parser, the report and chart labels, the Discord
 * choices, the CLI help and the Slack manifest's usage hint derive from this table.
 */

export interface UsageWindowSpec {
  readonly name: string;
  /** How far back the report reaches. */
  readonly ms: number;
  /** One chart bar: an hour for a day, a day otherwise. */
  readonly bucketMs: number;
  /** "last 24 hours": the report's heading and the Discord choice's name. */
  readonly words: string;
  /** Other words people type for it. */
  readonly aliases: readonly string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The first window is the default when none is given. */
export const USAGE_WINDOWS = [
  { name: '24h', ms: DAY, bucketMs: HOUR, words: 'last 24 hours', aliases: ['1d', 'day'] },
  { name: '7d', ms: 7 * DAY, bucketMs: DAY, words: 'last 7 days', aliases: ['week'] },
  { name: '30d', ms: 30 * DAY, bucketMs: DAY, words: 'last 30 days', aliases: ['month'] },
] as const satisfies readonly UsageWindowSpec[];

export type UsageWindow = (typeof USAGE_WINDOWS)[number]['name'];

export const DEFAULT_USAGE_WINDOW: UsageWindow = USAGE_WINDOWS[0].name;

/** The window names as people see them in help: `24h|7d|30d`. */
export const USAGE_WINDOW_NAMES = USAGE_WINDOWS.map((w) => w.name).join('|');

/** The table's row of a window. */
export function usageWindow(window: UsageWindow): UsageWindowSpec {
  return USAGE_WINDOWS.find((w) => w.name === window) as UsageWindowSpec;
}

/** A window from what people typed (its name or an alias); empty text is the default; anything else undefined. */
export function parseWindow(text: string | undefined): UsageWindow | undefined {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '') return DEFAULT_USAGE_WINDOW;
  return USAGE_WINDOWS.find((w) => w.name === t || (w.aliases as readonly string[]).includes(t))?.name;
}
