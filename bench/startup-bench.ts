/**
 * Issue 20.5's start-up benchmark: the real `twinbot` in a child process, in the same run: compiled as it was at a
 * git ref (the baseline, `--baseline <ref>`, default `main`: extracted with `git archive` and built in a temporary
 * folder), compiled now (bin/twinbot.js -> dist/), and now through tsx (how it ran before issue 20; `--no-tsx` skips
 * it). Time from spawn to ready, the CPU the process used to get there (less sensitive than wall time to other work
 * on a shared machine), idle RSS 3 s after ready, and `twinbot help`. Modes: the console (offline, PORT for
 * /healthz) and Discord + Slack (HTTP mode) against the fakes of test/fakes on 127.0.0.1. Ready = GET /healthz
 * answers and every configured adapter logged `twin.adapter_started`. Median of 3 runs each (`--runs N`), the
 * versions taking turns. Builds dist/ first when it is stale.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeDiscord } from '../test/fakes/discord/fake-discord-server.js';
import { startFakeSlack } from '../test/fakes/slack/fake-slack-server.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const RUNS = 3;
const IDLE_WAIT_MS = 3_000;
const CLOCK_TICKS_PER_S = 100;

/** One way of running twinbot: the command line before `start` / `help`. */
export interface Runtime {
  label: string;
  argv: string[];
}

const compiledAt = (root: string, label: string): Runtime => ({ label, argv: [join(root, 'bin/twinbot.js')] });
const TSX_NOW: Runtime = { label: 'tsx, now', argv: ['--import', TSX, join(ROOT, 'src/cli/index.ts')] };
const COMPILED_NOW = compiledAt(ROOT, 'compiled, now (after)');

/** The code at `ref`, compiled in a temporary folder beside this checkout's node_modules; or why it is not. */
export function baselineAt(ref: string): { runtime: Runtime; dispose(): void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-startup-baseline-'));
  try {
    const paths = ['src', 'bin', 'profiles', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
    const tar = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', ref, ...paths], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(dir, 'bin/build.js')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return `the baseline ${ref} could not be built (${err instanceof Error ? err.message.split('\n')[0] : err})`;
  }
  return {
    runtime: compiledAt(dir, `compiled, ${ref} (before)`),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time (user + system) the process has used, in ms (Linux, 10 ms resolution). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  } catch {
    return false;
  }
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });

interface StartFigures {
  readyMs: number;
  cpuMs: number;
  rss: number;
}

/** One start: ms from spawn to ready, CPU used by then, and RSS once idle. */
async function startOnce(runtime: Runtime, env: Record<string, string>, adapters: number): Promise<StartFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-startup-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...runtime.argv, 'start'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      DATABASE_URL: `file:${join(dir, 'twin.db')}`,
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let started = 0;
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
    started = (log.match(/"event":"twin\.adapter_started"/g) ?? []).length;
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`twinbot exited early:\n${log.slice(-2000)}`);
      if (performance.now() - t0 > 60_000) throw new Error(`twinbot not ready in 60 s:\n${log.slice(-2000)}`);
      if (started >= adapters && (await healthy(port))) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - t0;
    const cpu = cpuMs(child.pid as number);
    await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
    return { readyMs, cpuMs: cpu, rss: rssMb(child.pid as number) };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function helpOnce(runtime: Runtime): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...runtime.argv, 'help'], { cwd: ROOT, stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export async function runStartupBench(args: string[] = []): Promise<string> {
  const runs = Number(option(args, '--runs') ?? RUNS);
  const ref = option(args, '--baseline') ?? 'main';
  // why: the first compiled start must not pay for the build; bin/twinbot.js builds when dist/ is stale.
  await helpOnce(COMPILED_NOW);
  const baseline = baselineAt(ref);
  if (typeof baseline === 'string') process.stderr.write(`startup bench: no baseline: ${baseline}\n`);
  const runtimes = [
    ...(typeof baseline === 'string' ? [] : [baseline.runtime]),
    COMPILED_NOW,
    ...(args.includes('--no-tsx') ? [] : [TSX_NOW]),
  ];
  const discord = await FakeDiscord.start();
  const slack = await startFakeSlack();
  const modes: { name: string; env: Record<string, string>; adapters: number }[] = [
    { name: 'console (offline)', env: {}, adapters: 0 },
    {
      name: 'Discord + Slack (HTTP)',
      env: {
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'bench-signing-secret',
        SLACK_API_URL: slack.apiUrl,
      },
      adapters: 2,
    },
  ];
  const lines = [
    '### Start-up: the baseline and now, same run',
    '',
    `Median of ${runs} starts, the versions taking turns; CPU is what the process used from spawn to ready; idle ` +
      `RSS ${IDLE_WAIT_MS / 1000} s after ready. Targets (for "now", compiled): ready < 1 s, help < 0.5 s, idle RSS ` +
      'with Discord and Slack < 120 MB.' +
      (typeof baseline === 'string' ? ` No baseline: ${baseline}.` : ''),
    '',
    `| what | ${runtimes.map((r) => r.label).join(' | ')} | target |`,
    `|---|${runtimes.map(() => '---|').join('')}---|`,
  ];
  const now = (xs: number[]) => xs[runtimes.indexOf(COMPILED_NOW)] as number;
  const row = (what: string, values: number[], unit: string, target: string) =>
    `| ${what} | ${values.map((v) => `${v.toFixed(0)} ${unit}`).join(' | ')} | ${target} |`;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  try {
    for (const mode of modes) {
      const figures = runtimes.map(() => [] as StartFigures[]);
      for (let i = 0; i < runs; i++) {
        for (const [k, runtime] of runtimes.entries()) {
          figures[k]?.push(await startOnce(runtime, mode.env, mode.adapters));
        }
      }
      const of = (pick: (f: StartFigures) => number) => figures.map((fs) => median(fs.map(pick)));
      const ready = of((f) => f.readyMs);
      const rss = of((f) => f.rss);
      lines.push(
        row(`${mode.name}: start to ready`, ready, 'ms', `< 1000 ms: ${verdict(now(ready) < 1000)}`),
        row(
          `${mode.name}: CPU to ready`,
          of((f) => f.cpuMs),
          'ms',
          '',
        ),
        row(`${mode.name}: idle RSS`, rss, 'MB', mode.adapters === 2 ? `< 120 MB: ${verdict(now(rss) < 120)}` : ''),
      );
    }
    const help = runtimes.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) for (const [k, r] of runtimes.entries()) help[k]?.push(await helpOnce(r));
    const helpMs = help.map(median);
    lines.push(row('twinbot help', helpMs, 'ms', `< 500 ms: ${verdict(now(helpMs) < 500)}`));
  } finally {
    await Promise.all([discord.close(), slack.close()]);
    if (typeof baseline !== 'string') baseline.dispose();
  }
  return lines.join('\n');
}
