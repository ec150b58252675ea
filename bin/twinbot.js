#!/usr/bin/env node
// The installed `twinbot` command: TypeScript runs through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/index.ts');
runCli(process.argv.slice(2));
