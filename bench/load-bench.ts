/**
 * Issue 20's load scenario: the real `twinbot start` (compiled, Slack HTTP mode, its own process) beside a minimal
 * Bolt app (bench/load/minimal-bolt-app.ts: ack, one groq-sdk call, one chat.postMessage; also its own process), in
 * the same run, against the same fake Groq (no rate limit, 100 ms to the first token, then 12-character chunks every
 * 10 ms) and the same fake Slack, all on 127.0.0.1. Each phase sends distinct signed app_mention events (each
 * question names its id, so no answer-cache hit) at a fixed rate for PHASE_S seconds, then waits for the answers.
 *
 * Figures, per app and rate: ack p95 (the POST to /slack/events answered); final answer p50/p95 (the last write to
 * the question's channel, from the fake Slack's recorded calls, minus the send time) and its ratio to the minimal
 * app's; lost (no answer text shown before the drain limit) and partial only (some text, never the whole answer);
 * chat.update calls in the phase's workspace in the busiest 60 s window; model's first token to the first visible answer text
 * p50 (first token = the fake Groq's request arrival + its latency; first text = the first write showing the
 * answer's opening marker); CPU ms per question (/proc utime+stime over the phase and its drain); RSS after it.
 *
 * `npm run bench -- load [rate...] [--cpu-prof <dir>]` (default 20 40); with --cpu-prof, twinbot runs under
 * `node --cpu-prof` and leaves its profile in <dir> when it stops (open it in Chrome's DevTools).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seenText } from '../test/adapters/slack/slack-rig.js';
import { type ChatRequestBody, type FakeGroq, startFakeGroq } from '../test/fakes/groq/fake-groq-server.js';
import { type FakeSlack, startFakeSlack } from '../test/fakes/slack/fake-slack-server.js';
import { eventCallback } from '../test/fakes/slack/slack-payloads.js';
import { postSignedToApp } from '../test/fakes/slack/slack-signer.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const SECRET = 'bench-signing-secret';
const MODEL = 'openai/gpt-oss-20b';
const LATENCY_MS = 100;
const CHUNK_DELAY_MS = 10;
const CHUNK_CHARS = 12;
const PHASE_S = 5;
/** After the last question: how long answers may still arrive before the missing ones count as lost. */
const DRAIN_LIMIT_MS = 20_000;
/** The last write of an answer: no new write to the phase's channels for this long. */
const SETTLE_MS = 2_000;
const USERS = 200;
/** The account limits twinbot is told (a paid account far above the load), as GROQ_RPM/TPM/RPD/TPD. */
const ACCOUNT_LIMITS = { GROQ_RPM: '100000', GROQ_TPM: '100000000', GROQ_RPD: '10000000', GROQ_TPD: '1000000000' };
const CLK_TCK = 100;

type AppName = 'twinbot' | 'minimal';

const FILLER =
  'I have spent most of my career building backend systems, mostly in TypeScript and Go, and I care about ' +
  'making them observable and boring to run. At my last job I led the move of our billing pipeline to an ' +
  'event-driven design, which cut the nightly batch from four hours to twenty minutes and removed a whole ' +
  'class of double-charge bugs. I enjoy mentoring, writing design documents and pairing on hard problems.';

/** The writes that show answer text: posts and edits, and Slack's native streaming (issue 16). */
const ANSWER_WRITES = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.startStream',
  'chat.appendStream',
  'chat.stopStream',
]);

/** The answer text a write shows or adds: its blocks (or text), or the markdown it streams. */
function writtenText(params: Record<string, unknown>): string {
  return `${seenText(params)} ${typeof params.markdown_text === 'string' ? params.markdown_text : ''}`;
}

const qidOf = (text: string) => /\bq(\d{5})\b/.exec(text)?.[0];

/** The fake Groq's answer: an opening marker, ~430 characters, a closing marker (both name the question). */
function benchAnswer(body: ChatRequestBody): string {
  const users = body.messages.filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  const qid = qidOf(typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? ''));
  if (!qid) return `Sorry, no question id. ${FILLER}`;
  return `ANS-${qid} ${FILLER} END-${qid}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

interface Running {
  name: AppName;
  child: ChildProcess;
  eventsUrl: string;
  log: () => string;
  /** twinbot's `twin.usage` records so far: outcome (and failure code) by channel. */
  outcomes: Map<string, string>;
  stop(): Promise<void>;
}

async function startProcess(
  name: AppName,
  args: string[],
  env: Record<string, string>,
  ready: (out: string) => boolean,
  port: number,
  dir: string,
): Promise<Running> {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: String(port), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end();
  // why: keep only the tail; at 40 questions a second an info log grows fast.
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const outcomes = new Map<string, string>();
  let partialLine = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partialLine + d.toString()).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"event":"twin.usage"')) continue;
      try {
        const r = JSON.parse(line) as { channelId?: string; outcome?: string; failureCode?: string };
        if (r.channelId)
          outcomes.set(r.channelId, r.failureCode ? `${r.outcome} (${r.failureCode})` : String(r.outcome));
      } catch {}
    }
  });
  const t0 = Date.now();
  let seen = '';
  const watch = (d: Buffer) => {
    if (seen.length < 2_000_000) seen += d.toString();
  };
  child.stdout?.on('data', watch);
  child.stderr?.on('data', watch);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start:\n${out.slice(-3000)}`);
    if (Date.now() - t0 > 60_000) throw new Error(`${name} not ready in 60 s:\n${out.slice(-3000)}`);
    if (ready(seen)) break;
    await sleep(20);
  }
  child.stdout?.off('data', watch);
  child.stderr?.off('data', watch);
  return {
    name,
    child,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    log: () => out,
    outcomes,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        // why 30 s: a profiled run (--cpu-prof) writes its profile only once it has drained and exited.
        setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
      }),
  };
}

interface PhaseResult {
  app: AppName;
  rate: number;
  questions: number;
  ackP95: number;
  ackFailed: number;
  finalP50: number;
  finalP95: number;
  lost: number;
  partial: number;
  updatesMaxWindow: number;
  firstTextP50: number;
  cpuPerQuestion: number;
  rssAfter: number;
  drainMs: number;
  /** For twinbot: its own logged outcome of every question not final at the end of the drain. */
  unfinished: Record<string, number>;
}

let phaseCounter = 0;

async function runPhase(app: Running, rate: number, slack: FakeSlack, groq: FakeGroq): Promise<PhaseResult> {
  const phase = ++phaseCounter;
  const count = rate * PHASE_S;
  const callMark = slack.calls.length;
  const groqMark = groq.requests.length;
  const pid = app.child.pid as number;
  const cpu0 = cpuMs(pid);
  const qids: string[] = [];
  const channelOf = new Map<string, string>();
  const sentAt = new Map<string, number>();
  const ackMs: number[] = [];
  let ackFailed = 0;
  const base = phase * 1000;
  // why: a workspace's chat.update budget is a sliding minute; a fresh workspace per phase keeps phases apart.
  const teamId = `TLOAD${phase}`;
  const t0 = Date.now() + 50;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const qid = `q${String(base + i).padStart(5, '0')}`;
    const channel = `C${qid.toUpperCase()}`;
    qids.push(qid);
    channelOf.set(channel, qid);
    sends.push(
      (async () => {
        await sleep(Math.max(0, t0 + (i * 1000) / rate - Date.now()));
        const user = `U${String(i % USERS).padStart(5, '0')}`;
        const text = `<@UBOT> ${qid}: what did you build at your last job, and what would you do differently (${qid})?`;
        const typed = slack.addMessage({ channel, user, text });
        const callback = eventCallback({
          teamId,
          event: { type: 'app_mention', user, text, ts: typed.ts, channel },
        });
        const at = Date.now();
        sentAt.set(qid, at);
        try {
          const res = await postSignedToApp(app.eventsUrl, SECRET, callback, 'event');
          if (res.status === 200) ackMs.push(Date.now() - at);
          else ackFailed++;
        } catch {
          ackFailed++;
        }
      })(),
    );
  }
  await Promise.all(sends);
  const lastSend = Date.now();

  const phaseCalls = () =>
    slack.calls
      .slice(callMark)
      .filter((c) => ANSWER_WRITES.has(c.method) && c.ok)
      .filter((c) => channelOf.has(String(c.params.channel)));
  const answered = () => {
    const done = new Set<string>();
    for (const c of phaseCalls()) {
      const qid = channelOf.get(String(c.params.channel)) as string;
      if (writtenText(c.params).includes(`END-${qid}`)) done.add(qid);
    }
    return done;
  };
  while (Date.now() - lastSend < DRAIN_LIMIT_MS && answered().size < count) await sleep(100);
  // why: the final write can come after the whole answer first shows (a footer, the end of a live update).
  let writes = phaseCalls().length;
  let quietSince = Date.now();
  while (Date.now() - quietSince < SETTLE_MS && Date.now() - lastSend < DRAIN_LIMIT_MS + SETTLE_MS) {
    await sleep(100);
    const now = phaseCalls().length;
    if (now !== writes) {
      writes = now;
      quietSince = Date.now();
    }
  }
  const drainMs = Date.now() - lastSend;
  const cpuUsed = cpuMs(pid) - cpu0;
  const rssAfter = rssMb(pid);
  const unfinished: Record<string, number> = {};
  const finished = answered();
  for (const [channel, qid] of channelOf) {
    if (finished.has(qid)) continue;
    const outcome = app.outcomes.get(channel) ?? 'no outcome logged yet';
    unfinished[outcome] = (unfinished[outcome] ?? 0) + 1;
  }

  const calls = phaseCalls();
  const done = answered();
  const finalMs: number[] = [];
  const firstTextAt = new Map<string, number>();
  const lastWriteAt = new Map<string, number>();
  for (const c of calls) {
    const qid = channelOf.get(String(c.params.channel)) as string;
    const at = c.at ?? 0;
    lastWriteAt.set(qid, at);
    if (!firstTextAt.has(qid) && writtenText(c.params).includes(`ANS-${qid}`)) firstTextAt.set(qid, at);
  }
  for (const qid of done) finalMs.push((lastWriteAt.get(qid) as number) - (sentAt.get(qid) as number));

  const firstToken = new Map<string, number>();
  for (const r of groq.requests.slice(groqMark)) {
    if (r.status !== 200) continue;
    const qid = qidOf(benchAnswer(r.body));
    if (qid && qids.includes(qid) && !firstToken.has(qid)) firstToken.set(qid, r.at + LATENCY_MS);
  }
  const firstText: number[] = [];
  for (const [qid, at] of firstTextAt) {
    const token = firstToken.get(qid);
    if (token !== undefined) firstText.push(at - token);
  }

  const updates = calls.filter((c) => c.method === 'chat.update').map((c) => c.at ?? 0);
  let maxWindow = 0;
  for (let i = 0, j = 0; i < updates.length; i++) {
    while ((updates[i] as number) - (updates[j] as number) >= 60_000) j++;
    maxWindow = Math.max(maxWindow, i - j + 1);
  }

  return {
    app: app.name,
    rate,
    questions: count,
    ackP95: percentile(ackMs, 95),
    ackFailed,
    finalP50: percentile(finalMs, 50),
    finalP95: percentile(finalMs, 95),
    lost: count - new Set([...done, ...firstTextAt.keys()]).size,
    partial: [...firstTextAt.keys()].filter((q) => !done.has(q)).length,
    updatesMaxWindow: maxWindow,
    firstTextP50: percentile(firstText, 50),
    cpuPerQuestion: cpuUsed / count,
    rssAfter,
    drainMs,
    unfinished,
  };
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'n/a');

function table(results: PhaseResult[], idle: Record<AppName, number>): string {
  const lines = [
    '### Load: twinbot against a minimal Bolt app, same fake Groq and fake Slack, same run',
    '',
    `Distinct app_mention questions at each rate for ${PHASE_S} s; fake Groq: no rate limit, ${LATENCY_MS} ms to the ` +
      `first token, ${CHUNK_CHARS} characters every ${CHUNK_DELAY_MS} ms (~${FILLER.length + 20} characters an ` +
      `answer). One workspace per phase (a fresh team id, so one phase's chat.update budget does not carry into the next). 'Lost' (no answer text) and 'partial only' (the whole answer never shown) are counted when the drain limit ends the phase; chat.update counts the busiest 60 s, and a phase with its drain is shorter than that. Idle RSS before the first phase: twinbot ${idle.twinbot.toFixed(0)} MB, minimal ` +
      `${idle.minimal.toFixed(0)} MB. Targets (issue 20): final p95 <= 1.25x the minimal app at 40/s, lost 0, ` +
      'chat.update <= 50 a minute per workspace, first text <= 300 ms after the first token (p50).',
    '',
    '| rate | app | ack p95 | final p50 | final p95 | p95 vs minimal | lost (no text) / partial only | chat.update / workspace / min (max) | first token -> first text p50 | CPU ms / question | RSS after |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const minimal = results.find((m) => m.app === 'minimal' && m.rate === r.rate);
    const ratio = minimal && r.app === 'twinbot' ? `${(r.finalP95 / minimal.finalP95).toFixed(2)}x` : '1.00x';
    lines.push(
      `| ${r.rate}/s (${r.questions} q) | ${r.app} | ${ms(r.ackP95)}${r.ackFailed ? ` (${r.ackFailed} not acked)` : ''} | ` +
        `${ms(r.finalP50)} | ${ms(r.finalP95)} | ${ratio} | ${r.lost} / ${r.partial} | ` +
        `${r.updatesMaxWindow} | ${ms(r.firstTextP50)} | ` +
        `${r.cpuPerQuestion.toFixed(1)} | ${r.rssAfter.toFixed(0)} MB |`,
    );
  }
  lines.push(
    '',
    `Drain after the last question (until every answer was final and ${SETTLE_MS / 1000} s without writes, at most ` +
      `${(DRAIN_LIMIT_MS + SETTLE_MS) / 1000} s): ${results.map((r) => `${r.app}@${r.rate}/s ${(r.drainMs / 1000).toFixed(1)} s`).join(', ')}.`,
  );
  for (const r of results.filter((x) => Object.keys(x.unfinished).length > 0)) {
    const parts = Object.entries(r.unfinished).map(([k, n]) => `${n} ${k}`);
    lines.push(
      '',
      `${r.app} at ${r.rate}/s, questions not final when the drain ended, by its own log: ${parts.join(', ')}.`,
    );
  }
  return lines.join('\n');
}

export async function runLoadBench(args: string[]): Promise<string> {
  const profileAt = args.indexOf('--cpu-prof');
  const profileDir = profileAt >= 0 ? args[profileAt + 1] : undefined;
  const rateArgs = args.filter((_, i) => profileAt < 0 || (i !== profileAt && i !== profileAt + 1));
  const rates = rateArgs.length > 0 ? rateArgs.map(Number).filter((n) => n > 0) : [20, 40];
  const users: Record<string, { name: string }> = {};
  for (let i = 0; i < USERS; i++) users[`U${String(i).padStart(5, '0')}`] = { name: `user${i}` };
  const slack = await startFakeSlack({ users });
  const groq = await startFakeGroq({
    latencyMs: LATENCY_MS,
    chunkDelayMs: CHUNK_DELAY_MS,
    chunkChars: CHUNK_CHARS,
    answer: benchAnswer,
  });
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-load-'));
  const common = {
    GROQ_API_KEY: 'gsk_bench_key',
    GROQ_BASE_URL: groq.url,
    GROQ_MODEL: MODEL,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
  };
  const running: Running[] = [];
  try {
    const twinbot = await startProcess(
      'twinbot',
      [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(ROOT, 'bin/twinbot.js'), 'start'],
      {
        ...common,
        DATABASE_URL: `file:${join(dir, 'twin.db')}`,
        LOG_LEVEL: 'info',
        TWIN_USER_RATE: '1000/min, 100 at a time',
        // why: the fake Groq has no limit; unconfigured, twinbot budgets for the free tier and queues or refuses.
        ...ACCOUNT_LIMITS,
      },
      (out) => out.includes('"event":"twin.adapter_started"'),
      await freePort(),
      dir,
    );
    running.push(twinbot);
    const minimal = await startProcess(
      'minimal',
      ['--import', TSX, join(ROOT, 'bench/load/minimal-bolt-app.ts')],
      common,
      (out) => out.includes('ready'),
      await freePort(),
      dir,
    );
    running.push(minimal);
    await sleep(1_000);
    const idle = { twinbot: rssMb(twinbot.child.pid as number), minimal: rssMb(minimal.child.pid as number) };
    const results: PhaseResult[] = [];
    for (const rate of rates) {
      for (const app of [twinbot, minimal]) {
        process.stderr.write(`load: ${app.name} at ${rate}/s...\n`);
        const r = await runPhase(app, rate, slack, groq);
        results.push(r);
        if (app.child.exitCode !== null)
          throw new Error(`${app.name} exited during the run:\n${app.log().slice(-3000)}`);
      }
    }
    return table(results, idle);
  } finally {
    for (const r of running) await r.stop();
    await groq.close();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
