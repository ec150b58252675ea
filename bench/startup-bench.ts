/**
 * Issue 20.5's start-up benchmark: the real `twinbot` in a child process, through tsx (how it ran before) and
 * compiled (bin/twinbot.js -> dist/), in the same run: time from spawn to ready, idle RSS 3 s after ready, and
 * `twinbot help`. Modes: the console (offline, PORT for /healthz) and Discord + Slack (HTTP mode) against the
 * fakes of test/fakes on 127.0.0.1. Ready = GET /healthz answers and every configured adapter logged
 * `twin.adapter_started`. Median of 3 runs each. Builds dist/ first when it is stale.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeDiscord } from '../test/fakes/discord/fake-discord-server.js';
import { startFakeSlack } from '../test/fakes/slack/fake-slack-server.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const RUNS = 3;
const IDLE_WAIT_MS = 3_000;

type Runtime = 'tsx' | 'compiled';
const command = (runtime: Runtime, args: string[]) =>
  runtime === 'tsx'
    ? ['--import', TSX, join(ROOT, 'src/cli/index.ts'), ...args]
    : [join(ROOT, 'bin/twinbot.js'), ...args];

function freePort(): Promise<number> {
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

/** One start: ms from spawn to ready, and RSS once idle. */
async function startOnce(
  runtime: Runtime,
  env: Record<string, string>,
  adapters: number,
): Promise<{ readyMs: number; rss: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-startup-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, command(runtime, ['start']), {
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
    await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
    return { readyMs, rss: rssMb(child.pid as number) };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function helpOnce(runtime: Runtime): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, command(runtime, ['help']), { cwd: ROOT, stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function runStartupBench(): Promise<string> {
  // why: the first compiled start must not pay for the build; bin/twinbot.js builds when dist/ is stale.
  await helpOnce('compiled');
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
    '### Start-up: tsx (before) and compiled (after), same run',
    '',
    `Median of ${RUNS} starts; idle RSS ${IDLE_WAIT_MS / 1000} s after ready; targets: ready < 1 s, help < 0.5 s, ` +
      'idle RSS with Discord and Slack < 120 MB.',
    '',
    '| what | tsx (before) | compiled (after) | target |',
    '|---|---|---|---|',
  ];
  try {
    for (const mode of modes) {
      const figures: Record<Runtime, { readyMs: number; rss: number }[]> = { tsx: [], compiled: [] };
      for (let i = 0; i < RUNS; i++) {
        for (const runtime of ['tsx', 'compiled'] as const) {
          figures[runtime].push(await startOnce(runtime, mode.env, mode.adapters));
        }
      }
      const ready = (r: Runtime) => median(figures[r].map((f) => f.readyMs));
      const rss = (r: Runtime) => median(figures[r].map((f) => f.rss));
      lines.push(
        `| ${mode.name}: start to ready | ${ready('tsx').toFixed(0)} ms | ${ready('compiled').toFixed(0)} ms | ` +
          `< 1000 ms: ${ready('compiled') < 1000 ? 'met' : 'NOT met'} |`,
        `| ${mode.name}: idle RSS | ${rss('tsx').toFixed(0)} MB | ${rss('compiled').toFixed(0)} MB | ` +
          `${mode.adapters === 2 ? `< 120 MB: ${rss('compiled') < 120 ? 'met' : 'NOT met'}` : ''} |`,
      );
    }
    const help: Record<Runtime, number[]> = { tsx: [], compiled: [] };
    for (let i = 0; i < RUNS; i++) for (const r of ['tsx', 'compiled'] as const) help[r].push(await helpOnce(r));
    lines.push(
      `| twinbot help | ${median(help.tsx).toFixed(0)} ms | ${median(help.compiled).toFixed(0)} ms | ` +
        `< 500 ms: ${median(help.compiled) < 500 ? 'met' : 'NOT met'} |`,
    );
  } finally {
    await Promise.all([discord.close(), slack.close()]);
  }
  return lines.join('\n');
}
