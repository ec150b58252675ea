/** Reads a profile file (shared/PROFILE.md format) from disk: size limit, JSON errors with line and column. */
import { readFile, stat } from 'node:fs/promises';
import { parseJson } from './parse-json.js';
import { type ProfileLoadResult, type ProfileOptions, parseProfile } from './parse-profile.js';
import { ProfileError } from './profile-error.js';

/** 2 MB: a rich profile is 10-50 kB; anything near this limit is a wrong file, not a profile. */
export const DEFAULT_MAX_PROFILE_BYTES = 2 * 1024 * 1024;

export interface LoadProfileOptions extends ProfileOptions {
  /** Larger files are refused before reading. Default 2 MB. */
  maxBytes?: number;
}

/** "10.4 MB", "2 MB", "512 kB", "900 bytes". */
export function formatSize(bytes: number): string {
  const oneDecimal = (n: number) => String(Number(n.toFixed(1)));
  if (bytes >= 1024 * 1024) return `${oneDecimal(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${oneDecimal(bytes / 1024)} kB`;
  return `${bytes} bytes`;
}

function fileFault(path: string, message: string, cause?: unknown): ProfileError {
  return new ProfileError(path, [message], { message, cause });
}

function readFault(path: string, err: unknown): ProfileError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return fileFault(path, `${path} was not found`, err);
  if (code === 'EACCES' || code === 'EPERM') return fileFault(path, `${path} cannot be read (permission denied)`, err);
  if (code === 'EISDIR') return fileFault(path, `${path} is a directory, not a profile file`, err);
  const reason = err instanceof Error ? err.message : String(err);
  return fileFault(path, `${path} cannot be read: ${reason}`, err);
}

/**
 * Loads, validates and chunks the profile at `path` (named as given in every message).
 * Throws a `ProfileError` (`TwinError` code `profile`): not found, too large, not JSON, or every invalid field.
 */
export async function loadProfile(path: string, options: LoadProfileOptions = {}): Promise<ProfileLoadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PROFILE_BYTES;
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.size > maxBytes) {
      throw fileFault(path, `${path} is ${formatSize(info.size)}; a profile may be at most ${formatSize(maxBytes)}`);
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw err instanceof ProfileError ? err : readFault(path, err);
  }
  return parseProfile(parseJson(text, path), path, options);
}
