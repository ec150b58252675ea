/**
 * The text after `/twin-usage`, read into what the admin asked for: a report (`` / `7d` / `report 30d`), a quota
 * change (`quota requests-per-day 100 usd-per-month 5`, `quota clear`), or a hint when the text is not one of
 * those. Syntax only: who may see reports or change quotas, and by how much, is the core's rule.
 */

import { DOLLAR_FLAGS, QUOTA_LIMITS, quotaLimitByFlag } from '../../core/quota-limits.js';
import type { QuotaChangeRequest, TenantQuota, UsageWindow } from '../../core/types.js';
import { parseWindow } from '../../core/usage-windows.js';
import { type OperatorCommand, parseOperatorCommand } from './operator-command.js';

export type UsageCommand =
  | { kind: 'report'; window: UsageWindow }
  | { kind: 'quota'; change: QuotaChangeRequest['change'] }
  | OperatorCommand;

export const REPORT_HINT =
  'Try /twin-usage, /twin-usage 7d or /twin-usage 30d for the report, or /twin-usage quota to change this workspace’s quota.';

export const QUOTA_HINT =
  'Try /twin-usage quota requests-per-day 100 usd-per-month 5, or /twin-usage quota clear to go back to the bot’s ' +
  `defaults. Limits: ${QUOTA_LIMITS.map((l) => l.flag).join(', ')} (whole numbers; dollars for ${DOLLAR_FLAGS.join(' and ')}).`;

/** A limit's value: digits (thousands separators allowed), dollars may have cents and a leading $. */
function limitValue(raw: string, whole: boolean): number | undefined {
  const text = raw.replace(/,/g, '');
  const pattern = whole ? /^\d+$/ : /^\$?(\d+(\.\d*)?|\.\d+)$/;
  if (!pattern.test(text)) return undefined;
  const value = Number(text.replace('$', ''));
  return Number.isSafeInteger(Math.ceil(value)) ? value : undefined;
}

function readQuota(words: string[]): UsageCommand {
  if (words.length === 1 && words[0] === 'clear') return { kind: 'quota', change: { clear: true } };
  const set: TenantQuota = {};
  if (words.length === 0 || words.length % 2 !== 0) return { kind: 'hint', text: QUOTA_HINT };
  for (let i = 0; i < words.length; i += 2) {
    const limit = quotaLimitByFlag(words[i] ?? '');
    const value = limit && limitValue(words[i + 1] ?? '', limit.unit === 'whole');
    if (!limit || value === undefined || set[limit.field] !== undefined) return { kind: 'hint', text: QUOTA_HINT };
    set[limit.field] = value;
  }
  return { kind: 'quota', change: { set } };
}

/** Reads the command text; `requests-per-day=100` and `requests-per-day:100` read like `requests-per-day 100`. */
export function parseUsageCommand(text: string): UsageCommand {
  const operator = parseOperatorCommand(text);
  if (operator) return operator;
  const words = text.trim().toLowerCase().replace(/[=:]/g, ' ').split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === 'quota') return readQuota(rest);
  const windowText = first === 'report' ? rest : words;
  const window = windowText.length <= 1 ? parseWindow(windowText[0]) : undefined;
  return window ? { kind: 'report', window } : { kind: 'hint', text: REPORT_HINT };
}
