import { TwinError } from '../core/errors.js';

/** Joins problems into one message naming the file: every problem is listed, so one edit can fix them all. */
export function formatProblems(source: string, problems: readonly string[]): string {
  if (problems.length === 1) return `${source}: ${problems[0]}`;
  return `${source} has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

/**
 * A profile that cannot be used: `TwinError` with code `profile`, plus the file and the individual problems
 * (each starting with the field's path, e.g. `experience[2].team_size_managed must be a number, got "lots"`).
 */
export class ProfileError extends TwinError {
  readonly source: string;
  readonly problems: readonly string[];

  /** `message` overrides the formatted list, for faults of the file itself (not found, too large, not JSON). */
  constructor(source: string, problems: readonly string[], options: { message?: string; cause?: unknown } = {}) {
    super('profile', options.message ?? formatProblems(source, problems), { cause: options.cause });
    this.source = source;
    this.problems = problems;
  }
}
