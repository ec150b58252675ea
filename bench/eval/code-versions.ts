/**
 * The code an eval measures: this checkout, and a baseline (the code as it was at a git ref) loaded side by side in
 * the same process, so every table prints today's figures beside the baseline's from the same run. The baseline is
 * extracted with `git archive` into a temporary folder that borrows this checkout's node_modules.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The last commit before issue 12 (answers to the questions people really ask): today's behaviour, for comparison. */
export const DEFAULT_BASELINE_REF = '9da8c51';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CodeVersion {
  label: string;
  /** Folder holding src/ of this version. */
  root: string;
  dispose(): void;
}

export function currentVersion(): CodeVersion {
  return { label: 'now', root: ROOT, dispose() {} };
}

/** The code at `ref` (`paths` of it: src/ and package.json unless told), or a sentence saying why it is not available (a shallow clone, no git). */
export function baselineVersion(ref: string, paths: readonly string[] = ['src', 'package.json']): CodeVersion | string {
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-baseline-'));
  try {
    const tar = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', ref, ...paths], {
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return `the baseline ${ref} could not be extracted (${reason})`;
  }
  return {
    label: `baseline ${ref}`,
    root: `${dir}/`,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
