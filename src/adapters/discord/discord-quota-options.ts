/**
 * The options of `/twin-usage quota` and how they read into a quota change. One table drives both the command's
 * definition (discord-commands.ts) and the reading, so the two cannot drift apart. Syntax only: whether the
 * change is allowed is the core's rule (TwinService.setQuota).
 */
import { DOLLAR_FLAGS, QUOTA_LIMITS, type QuotaField } from '../../core/quota-limits.js';
import type { QuotaChangeRequest, TenantQuota } from '../../core/types.js';

export interface QuotaOption {
  /** The option's name in Discord (lower case, hyphens). */
  name: string;
  field: QuotaField;
  /** Discord's option type: whole numbers for counts, any number for dollars. */
  kind: 'integer' | 'number';
  description: string;
}

/** One option per limit of the core's table (core/quota-limits.ts). */
export const QUOTA_OPTIONS: readonly QuotaOption[] = QUOTA_LIMITS.map((l) => ({
  name: l.flag,
  field: l.field,
  kind: l.unit === 'dollars' ? 'number' : 'integer',
  description: l.description,
}));

export const CLEAR_OPTION = 'clear';

/**
 * What to say when `/twin-usage quota` is given nothing to do. why no digits: a member who is not an admin may
 * see it too, and nothing shown to them carries numbers (DESIGN.md).
 */
export const QUOTA_HINT =
  `Give at least one limit: ${QUOTA_OPTIONS.map((o) => o.name).join(', ')} ` +
  `(whole numbers; dollars for ${DOLLAR_FLAGS.join(' and ')}), or \`clear: True\` on its own to go back to the bot’s defaults.`;

/** The subset of discord.js's option resolver this reads (its `interaction.options` satisfies it). */
export interface QuotaOptionReader {
  getInteger(name: string): number | null;
  getNumber(name: string): number | null;
  getBoolean(name: string): boolean | null;
}

/** A change to pass to the core, or the hint when the options say nothing usable. */
export type QuotaCommand = { change: QuotaChangeRequest['change'] } | { hint: string };

/** Reads `/twin-usage quota` options: limits to set, or `clear` alone; anything else gets the hint. */
export function readQuotaCommand(options: QuotaOptionReader): QuotaCommand {
  const set: TenantQuota = {};
  for (const option of QUOTA_OPTIONS) {
    const value = option.kind === 'integer' ? options.getInteger(option.name) : options.getNumber(option.name);
    if (value !== null) set[option.field] = value;
  }
  const clear = options.getBoolean(CLEAR_OPTION) === true;
  const limits = Object.keys(set).length;
  if (clear && limits === 0) return { change: { clear: true } };
  if (!clear && limits > 0) return { change: { set } };
  return { hint: QUOTA_HINT };
}
