/** Runs the real `twinbot` command in a child process, as a user would, with a clean environment. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = new URL('../../src/cli/index.ts', import.meta.url).pathname;
// why: --import resolves from the working directory, which is a temp folder without node_modules.
const TSX = import.meta.resolve('tsx');

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process exits. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
  stderr(): string;
}

/** The JSON log records the run wrote to stderr so far (pino writes one per line; other lines are skipped). */
export function logRecords(run: CliRun): Record<string, unknown>[] {
  return run
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const workdirs: string[] = [];
process.on('exit', () => {
  for (const dir of workdirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh working directory (so no developer .env is read) with a ledger of its own; removed when the test exits. */
export function tempWorkdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-cli-'));
  workdirs.push(dir);
  return dir;
}

export function startCli(args: string[], env: Record<string, string>, cwd: string): CliRun {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      DATABASE_URL: `file:${join(cwd, 'twin.db')}`,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child);
}

function collect(child: ChildProcess): CliRun {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

/**
 * Starts the command on a pseudo-terminal, as a person at a terminal runs it: util-linux `script` gives it a tty,
 * and what is written to stdin is typed there (so "\x03" is a Ctrl-C the terminal turns into SIGINT).
 */
export function startCliInTerminal(args: string[], env: Record<string, string>, cwd: string): CliRun {
  // why: exec, so the shell `script` starts is replaced and the Ctrl-C reaches only the command.
  const command = `exec ${[process.execPath, '--import', TSX, CLI, ...args].map((a) => `'${a}'`).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      TERM: 'dumb',
      DATABASE_URL: `file:${join(cwd, 'twin.db')}`,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child);
}

/** Runs to the end with the given stdin. */
export async function runCli(args: string[], env: Record<string, string>, cwd: string, input = '') {
  const run = startCli(args, env, cwd);
  run.child.stdin!.end(input);
  return run.done;
}
