/**
 * From parsed JSON to the `TwinProfile` the core uses: validate, chunk, hash, version, example questions.
 * Pure: no file access, so tests and other callers can hand it an object.
 */
import type { TwinProfile } from '../core/types.js';
import { profileVersion } from './chunk-hash.js';
import { chunkProfile } from './chunk-profile.js';
import { exampleQuestions } from './example-questions.js';
import { FieldReader } from './field-reader.js';
import { ProfileError } from './profile-error.js';
import { buildOverview } from './profile-overview.js';
import { readWorkshopProfile } from './read-workshop-profile.js';

export interface ProfileOptions {
  /** Let the twin share salary facts. Default false: they are left out of the chunks. */
  shareSalary?: boolean;
  /** Let the twin share contact details. Default true. */
  shareContact?: boolean;
  /** Let the twin share phone numbers written anywhere in the profile. Default false. */
  sharePhone?: boolean;
  /** Chunks longer than this many characters are split. Default 1 500. */
  maxChunkChars?: number;
}

export interface ProfileLoadResult {
  profile: TwinProfile;
  /** Doubts that did not stop loading (a misspelt section, an empty chunk); log them as warnings. */
  warnings: string[];
  /** What the settings left out on purpose (salary or contact chunks); log them as information. */
  notices: string[];
}

/**
 * Validates and chunks a parsed profile. `source` names it in messages (usually the file path).
 * Throws a `ProfileError` (a `TwinError` with code `profile`) listing every problem found.
 */
export function parseProfile(json: unknown, source: string, options: ProfileOptions = {}): ProfileLoadResult {
  const reader = new FieldReader();
  const model = readWorkshopProfile(reader, json);
  const chunked = model ? chunkProfile(model, options) : undefined;
  const problems = [...reader.problems, ...(chunked?.problems ?? [])];
  if (!model || !chunked || problems.length > 0) throw new ProfileError(source, problems);
  return {
    profile: {
      name: model.personal.name,
      title: model.personal.title,
      version: profileVersion(chunked.chunks),
      chunks: chunked.chunks,
      exampleQuestions: exampleQuestions(model, chunked.chunks),
      overview: buildOverview(model, chunked.chunks),
    },
    warnings: [...reader.warnings, ...chunked.warnings],
    notices: chunked.notices,
  };
}
