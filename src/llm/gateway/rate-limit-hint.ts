/**
 * Reads the limit out of the text of Groq's 429 ("... on tokens per minute (TPM): Limit 6000, Used 5000, Requested
 * 1500. Please try again in 5.2s."). Requests per minute are in no header, so this text is the only way to learn that
 * the account's real RPM is lower than configured.
 */
import type { BudgetDimension } from './model-budget.js';

export interface RateLimitHint {
  dimension: BudgetDimension;
  limit: number;
  used?: number;
  requested?: number;
}

const PATTERN = /\((RPM|TPM|RPD|TPD)\):\s*Limit\s+(\d+)(?:,\s*Used\s+(\d+))?(?:,\s*Requested\s+(\d+))?/i;

/** The limit a 429 message names, or `undefined` when the text does not say. */
export function rateLimitHint(message: string): RateLimitHint | undefined {
  const match = PATTERN.exec(message);
  if (!match) return undefined;
  const hint: RateLimitHint = {
    dimension: (match[1] as string).toLowerCase() as BudgetDimension,
    limit: Number(match[2]),
  };
  if (match[3] !== undefined) hint.used = Number(match[3]);
  if (match[4] !== undefined) hint.requested = Number(match[4]);
  return hint;
}
