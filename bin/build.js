#!/usr/bin/env node
// `npm run build` (and `prepare`, after `npm install`): compiles src/ to dist/ with tsc, so production runs plain
// JavaScript instead of transpiling TypeScript on every start (issue 20.5). Also used by bin/twinbot.js to
// rebuild once when src/ changed after the last build.
//
//   node bin/build.js                build, or fail with tsc's errors
//   node bin/build.js --if-possible  build when TypeScript is installed; without it (npm install --omit=dev)
//                                    say so and exit 0: bin/twinbot.js then runs the sources through tsx
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
/** Left by a failed build, so a start does not retry it until a source changes again. */
const FAILED = join(DIST, '.failed');
/** What a build depends on besides src/. */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stampTime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * 'fresh' when dist/ holds a build at least as new as every source (a stat of each, a few ms); 'failed' when the
 * last build failed and no source changed since; else 'stale'.
 */
export function distState() {
  const built = stampTime(STAMP);
  const failed = stampTime(FAILED);
  if (built === undefined && failed === undefined) return 'stale';
  const inputs = INPUTS.map((f) => stampTime(join(ROOT, f)) ?? 0);
  const newest = Math.max(newestMtime(join(ROOT, 'src')), ...inputs);
  if (built !== undefined && newest <= built) return 'fresh';
  if (failed !== undefined && newest <= failed) return 'failed';
  return 'stale';
}

/** The tsc of the installed typescript package, or undefined when it is not installed. */
function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** Builds dist/; returns 'built', 'no-typescript' or 'failed' (tsc's errors went to stderr). */
export function build() {
  const tsc = tscPath();
  if (tsc === undefined) return 'no-typescript';
  // why: the stamp's time is taken before compiling, so a source saved during the build counts as newer.
  const started = new Date();
  rmSync(DIST, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    // why: stderr only: `echo question | npm start --silent` promises nothing but answers on stdout.
    stdio: ['ignore', 2, 2],
  });
  const ok = run.status === 0;
  if (!ok) rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  const stamp = ok ? STAMP : FAILED;
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
  return ok ? 'built' : 'failed';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifPossible = process.argv.includes('--if-possible');
  const result = build();
  if (result === 'no-typescript') {
    process.stderr.write('twinbot: TypeScript is not installed, so dist/ was not built; twinbot runs the sources.\n');
    process.exitCode = ifPossible ? 0 : 1;
  } else if (result === 'failed') {
    process.exitCode = 1;
  }
}
