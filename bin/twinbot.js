#!/usr/bin/env node
// The `twinbot` command (and `npm start`, and the Procfile). It runs the compiled JavaScript in dist/ (issue 20.5:
// no TypeScript transpiling at start). When dist/ is missing or older than src/ (a fresh clone whose install did
// not build, a `git pull`), it builds once first. Without TypeScript installed (npm install --omit=dev), or when
// the sources do not compile, it runs them through tsx, as before.
import { build, distState } from './build.js';

const argv = process.argv.slice(2);
let state = distState();
if (state === 'stale') {
  const result = build();
  if (result === 'built') process.stderr.write('twinbot: built dist/ from src/ (once, after a change)\n');
  state = result === 'built' ? 'fresh' : result;
  if (state === 'failed') process.stderr.write('twinbot: the build failed (above); running the sources with tsx.\n');
}
if (state === 'fresh') {
  const { runCli } = await import('../dist/cli/index.js');
  runCli(argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import('../src/cli/index.ts');
  runCli(argv);
}
