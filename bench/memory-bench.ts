/**
 * Issue 20.5's memory check: the real `twinbot start` (compiled, Slack HTTP mode, its own process, run with
 * --expose-gc and bench/memory/gc-probe.mjs) answers 10 000 distinct questions fed as fast as it takes them (a fixed
 * number in flight, each done once its whole answer is on Slack; the fake Groq answers in a few ms), each from its own channel, the workspaces and users
 * taking turns. At idle and after 1 000, 5 000 and 10 000 answers it reports RSS and the V8 heap as they are, then
 * after two forced full collections: memory that survives a collection and grows with the questions is a leak.
 *
 * `npm run bench -- memory [questions] [--baseline <ref>]` (default 10 000; the baseline, the code at a git ref
 * compiled in a temporary folder, runs the same questions in the same run).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seenText } from '../test/adapters/slack/slack-rig.js';
import { startFakeGroq } from '../test/fakes/groq/fake-groq-server.js';
import { startFakeSlack } from '../test/fakes/slack/fake-slack-server.js';
import { eventCallback } from '../test/fakes/slack/slack-payloads.js';
import { postSignedToApp } from '../test/fakes/slack/slack-signer.js';
import { baselineAt, freePort } from './startup-bench.js';

const ROOT = new URL('..', import.meta.url).pathname;
const PROBE = join(ROOT, 'bench/memory/gc-probe.mjs');
const SECRET = 'bench-signing-secret';
const IN_FLIGHT = 24;
const WORKSPACES = 400;
const USERS = 200;
const DEFAULT_QUESTIONS = 10_000;
const ACCOUNT_LIMITS = { GROQ_RPM: '1000000', GROQ_TPM: '1000000000', GROQ_RPD: '100000000', GROQ_TPD: '10000000000' };
const LAST_WORDS = 'four hours to twenty minutes.';
const ANSWER =
  'I spent most of my career on backend systems in TypeScript and Go. At my last job I led the move of our ' +
  'billing pipeline to an event-driven design, which cut the nightly batch from four hours to twenty minutes.';

interface Usage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

interface Sample {
  label: string;
  before: Usage;
  after: Usage;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

function measure(child: ChildProcess): Promise<{ before: Usage; after: Usage }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bot did not answer the memory probe')), 30_000);
    child.once('message', (m: { before: Usage; after: Usage; gc: boolean }) => {
      clearTimeout(timer);
      if (!m.gc) reject(new Error('the bot runs without --expose-gc'));
      else resolve(m);
    });
    child.send('measure');
  });
}

async function runVersion(label: string, bin: string, questions: number): Promise<Sample[]> {
  const users: Record<string, { name: string }> = {};
  for (let i = 0; i < USERS; i++) users[`U${String(i).padStart(5, '0')}`] = { name: `user${i}` };
  const slack = await startFakeSlack({ users });
  const groq = await startFakeGroq({ latencyMs: 5, chunkDelayMs: 1, chunkChars: 60, answer: () => ANSWER });
  const dir = mkdtempSync(join(tmpdir(), 'twinbot-memory-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--expose-gc', '--import', PROBE, bin, 'start'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, 'twin.db')}`,
      LOG_LEVEL: 'info',
      GROQ_API_KEY: 'gsk_bench_key',
      GROQ_BASE_URL: groq.url,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      TWIN_USER_RATE: '100000/min, 100 at a time',
      ...ACCOUNT_LIMITS,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  // why: a question is done when its whole answer is on Slack (or it ended without one, by the log), not merely
  // answered: final writes waiting for a workspace's chat.update budget are work in progress, not a leak.
  const unanswered = new Set<string>();
  const shown = new Set<string>();
  let scanned = 0;
  const done = (channel: string) => {
    for (; scanned < slack.calls.length; scanned++) {
      const c = slack.calls[scanned];
      if (!c?.ok) continue;
      // why: a streamed answer is whole once its stream stops; a posted one once a write shows its last words.
      const posted = c.method === 'chat.postMessage' || c.method === 'chat.update';
      if (c.method === 'chat.stopStream' || (posted && seenText(c.params).includes(LAST_WORDS)))
        shown.add(String(c.params.channel));
    }
    return shown.has(channel) || unanswered.has(channel);
  };
  const outcomes: Record<string, number> = {};
  let started = false;
  let tail = '';
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"event":"twin.adapter_started"')) started = true;
      if (!line.includes('"event":"twin.usage"')) {
        tail = `${tail}${line}\n`.slice(-4000);
        continue;
      }
      const r = JSON.parse(line) as { channelId?: string; outcome?: string };
      if (r.channelId && r.outcome !== 'answered') unanswered.add(r.channelId);
      outcomes[String(r.outcome)] = (outcomes[String(r.outcome)] ?? 0) + 1;
    }
  });
  const samples: Sample[] = [];
  const t0 = Date.now();
  try {
    while (!started) {
      if (child.exitCode !== null) throw new Error(`twinbot exited at start:\n${tail}`);
      if (Date.now() - t0 > 60_000) throw new Error(`twinbot not ready in 60 s:\n${tail}`);
      await sleep(20);
    }
    await sleep(1_000);
    const sample = async (name: string) =>
      samples.push({ label: name, ...(await measure(child)), seconds: (Date.now() - t0) / 1000 });
    await sample('idle');
    const checkpoints = [1_000, 5_000, 10_000, questions].filter((n, i, all) => n <= questions && all.indexOf(n) === i);
    let sent = 0;
    const ask = async (i: number) => {
      const qid = `m${i}`;
      const channel = `CMEM${i}`;
      const user = `U${String(i % USERS).padStart(5, '0')}`;
      const text = `<@UBOT> ${qid}: what did you build at your last job (${qid})?`;
      const typed = slack.addMessage({ channel, user, text });
      const callback = eventCallback({
        teamId: `TMEM${i % WORKSPACES}`,
        event: { type: 'app_mention', user, text, ts: typed.ts, channel },
      });
      const res = await postSignedToApp(`http://127.0.0.1:${port}/slack/events`, SECRET, callback, 'event');
      if (res.status !== 200) throw new Error(`question ${qid} was not acked: HTTP ${res.status}`);
      while (!done(channel)) {
        if (child.exitCode !== null) throw new Error(`twinbot exited:\n${tail}`);
        await sleep(5);
      }
    };
    for (const checkpoint of checkpoints) {
      const workers = Array.from({ length: IN_FLIGHT }, async () => {
        while (sent < checkpoint) await ask(sent++);
      });
      await Promise.all(workers);
      process.stderr.write(`memory: ${label}: ${checkpoint} answered\n`);
      await sleep(500);
      await sample(`after ${checkpoint.toLocaleString('en')}`);
    }
    const outcomeText = Object.entries(outcomes)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    process.stderr.write(`memory: ${label}: outcomes ${outcomeText}\n`);
    return samples;
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    await groq.close();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runMemoryBench(args: string[]): Promise<string> {
  const at = args.indexOf('--baseline');
  const ref = at >= 0 ? args[at + 1] : undefined;
  const questions = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--baseline') ?? DEFAULT_QUESTIONS);
  const versions: { label: string; bin: string; dispose?: () => void }[] = [];
  if (ref) {
    const baseline = baselineAt(ref);
    if (typeof baseline === 'string') process.stderr.write(`memory bench: no baseline: ${baseline}\n`);
    else versions.push({ label: baseline.runtime.label, bin: baseline.runtime.argv[0] as string, ...baseline });
  }
  versions.push({ label: 'compiled, now', bin: join(ROOT, 'bin/twinbot.js') });
  const lines = [
    `### Memory: ${questions.toLocaleString('en')} questions, with forced GC`,
    '',
    `twinbot (Slack HTTP mode) answering distinct questions, ${IN_FLIGHT} in flight, each from its own channel, ` +
      `${WORKSPACES} workspaces and ${USERS} users taking turns, against a fake Groq answering in a few ms. ` +
      '"as is" is process.memoryUsage() when asked; "after GC" after two forced full collections (--expose-gc).',
    '',
    '| version | point | time | RSS as is | RSS after GC | heap used as is | heap used after GC | external after GC |',
    '|---|---|---|---|---|---|---|---|',
  ];
  try {
    for (const v of versions) {
      for (const s of await runVersion(v.label, v.bin, questions)) {
        lines.push(
          `| ${v.label} | ${s.label} | ${s.seconds.toFixed(0)} s | ${mb(s.before.rss)} MB | ${mb(s.after.rss)} MB | ` +
            `${mb(s.before.heapUsed)} MB | ${mb(s.after.heapUsed)} MB | ${mb(s.after.external)} MB |`,
        );
      }
    }
  } finally {
    for (const v of versions) v.dispose?.();
  }
  return lines.join('\n');
}
