/**
 * Slack's native streaming against the post-and-update path (issue 16.1, issue 20.2), in one run: the real
 * SlackAdapter (Bolt, HTTP mode) against the fake Slack, answering through the real groq-sdk against the fake Groq
 * (100 ms to the first token, then 12 characters every 25 ms, ~450-character answers in about a second), with the adapter's production
 * pacing (updates every 1 200 ms, appends every 500 ms).
 *
 * 1. One answer at a time (N mentions in a thread each): Web API calls per answer by method, and the time from the
 *    model's first token (the fake Groq's request arrival + its latency) to the first visible answer text (the first
 *    Slack call carrying the answer's opening marker) and to the final write.
 * 2. A burst in one workspace (B mentions at once) under a chat.update budget scaled down 1:10 from Tier 3 (5 edits
 *    per 6 s instead of 50 per 60 s, so the bench is short): final-answer p50/p95 from the question, and chat.update
 *    calls. The post-and-update path's final edits wait for the budget; streamed answers never take a turn.
 *
 * `npm run bench -- slack-stream [answers] [burst]` (default 10 and 10).
 */
import type { SlackAdapterOptions } from '../src/adapters/slack/slack-adapter.js';
import { type SlackRig, seenText, startSlackRig } from '../test/adapters/slack/slack-rig.js';
import type { ChatRequestBody } from '../test/fakes/groq/fake-groq-server.js';
import type { RecordedCall } from '../test/fakes/slack/fake-slack-server.js';

const LATENCY_MS = 100;
const CHUNK_DELAY_MS = 25;
const CHUNK_CHARS = 12;
const SCALED_TIER3 = { writes: 5, perMs: 6_000 };
const WRITES = [
  'assistant.threads.setStatus',
  'chat.postMessage',
  'chat.update',
  'chat.startStream',
  'chat.appendStream',
  'chat.stopStream',
  'chat.delete',
];

const FILLER =
  'I have spent most of my career building backend systems, mostly in TypeScript and Go, and I care about ' +
  'making them observable and boring to run. At my last job I led the move of our billing pipeline to an ' +
  'event-driven design, which cut the nightly batch from four hours to twenty minutes and removed a whole ' +
  'class of double-charge bugs. I enjoy mentoring, writing design documents and pairing on hard problems.';

const qidOf = (text: string) => /\bq\d{4}\b/.exec(text)?.[0];

function benchAnswer(body: ChatRequestBody): string {
  const last = body.messages.filter((m) => m.role === 'user').at(-1);
  const qid = qidOf(typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? ''));
  return `ANS-${qid ?? 'none'} ${FILLER} END-${qid ?? 'none'}`;
}

/** The answer text a write shows or adds: its blocks, or the markdown it streams. */
function writtenText(call: RecordedCall): string {
  const p = call.params;
  return `${seenText(p)} ${typeof p.markdown_text === 'string' ? p.markdown_text : ''}`;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

interface Timing {
  firstText: number[];
  final: number[];
  fromQuestion: number[];
}

/** Per question (each asked in a channel of its own): first token, first visible text, final write. */
function timings(
  rig: SlackRig,
  asked: Map<string, { channel: string; at: number }>,
  callMark: number,
  groqMark: number,
) {
  const out: Timing = { firstText: [], final: [], fromQuestion: [] };
  const calls = rig.fake.calls.slice(callMark).filter((c) => c.ok && WRITES.includes(c.method));
  for (const [qid, { channel, at }] of asked) {
    const request = rig.groq.requests.slice(groqMark).find((r) => qidOf(benchAnswer(r.body)) === qid);
    const mine = calls.filter((c) => (c.params.channel ?? c.params.channel_id) === channel);
    const first = mine.find((c) => writtenText(c).includes(`ANS-${qid}`));
    const last = mine.at(-1);
    if (!request || !first || !last) continue;
    const token = request.at + LATENCY_MS;
    out.firstText.push((first.at ?? 0) - token);
    out.final.push((last.at ?? 0) - token);
    out.fromQuestion.push((last.at ?? 0) - at);
  }
  return out;
}

interface PathResult {
  path: string;
  callsPerAnswer: Record<string, number>;
  sequential: Timing;
  /** Question to final write, every answer of both burst rounds. */
  burst: number[];
  burstFirstText: number[];
  burstUpdates: number;
}

function startRig(adapter: Partial<SlackAdapterOptions>, updateRate: { writes: number; perMs: number }) {
  return startSlackRig({
    mode: 'http',
    harness: {
      groq: { latencyMs: LATENCY_MS, chunkDelayMs: CHUNK_DELAY_MS, chunkChars: CHUNK_CHARS, answer: benchAnswer },
    },
    adapter: { updateIntervalMs: 1_200, updateRate, ...adapter },
  });
}

const question = (qid: string) => `${qid}: what did you build at your last job (${qid})?`;

/** One answer at a time: writes per answer by method, and the timings. */
async function runSequential(adapter: Partial<SlackAdapterOptions>, n: number) {
  const rig = await startRig(adapter, { writes: 50, perMs: 60_000 });
  try {
    // A warm-up answer, so the first measured one does not pay for lazy loading.
    await rig.mention(question('q9000'), { channel: 'CWARM' });
    const callMark = rig.fake.calls.length;
    const groqMark = rig.groq.requests.length;
    const asked = new Map<string, { channel: string; at: number }>();
    for (let i = 0; i < n; i++) {
      const qid = `q${1000 + i}`;
      const channel = `CSEQ${i}`;
      asked.set(qid, { channel, at: Date.now() });
      await rig.mention(question(qid), { channel });
    }
    const counts: Record<string, number> = {};
    for (const c of rig.fake.calls.slice(callMark)) {
      if (WRITES.includes(c.method)) counts[c.method] = (counts[c.method] ?? 0) + 1 / n;
    }
    return { counts, timing: timings(rig, asked, callMark, groqMark) };
  } finally {
    await rig.close();
  }
}

/** A burst in one workspace under the scaled budget: final-answer times and chat.update calls. */
async function runBurst(adapter: Partial<SlackAdapterOptions>, burst: number) {
  const rig = await startRig(adapter, SCALED_TIER3);
  try {
    await rig.mention(question('q9001'), { channel: 'CWARM' });
    // why: the warm-up's own edits would count against the burst's budget window.
    await new Promise((resolve) => setTimeout(resolve, SCALED_TIER3.perMs));
    const callMark = rig.fake.calls.length;
    const groqMark = rig.groq.requests.length;
    const asked = new Map<string, { channel: string; at: number }>();
    await Promise.all(
      Array.from({ length: burst }, (_, i) => {
        const qid = `q${2000 + i}`;
        const channel = `CBURST${i}`;
        asked.set(qid, { channel, at: Date.now() });
        return rig.mention(question(qid), { channel });
      }),
    );
    const updates = rig.fake.calls.slice(callMark).filter((c) => c.method === 'chat.update').length;
    return { timing: timings(rig, asked, callMark, groqMark), updates };
  } finally {
    await rig.close();
  }
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'n/a');

export async function runSlackStreamBench(args: string[]): Promise<string> {
  const n = Number(args[0] ?? 10);
  const burst = Number(args[1] ?? 10);
  const paths: [string, Partial<SlackAdapterOptions>][] = [
    ['native streaming', { nativeStreaming: true }],
    ['post and chat.update', { nativeStreaming: false }],
  ];
  const results: PathResult[] = [];
  for (const [path, adapter] of paths) {
    const seq = await runSequential(adapter, n);
    results.push({
      path,
      callsPerAnswer: seq.counts,
      sequential: seq.timing,
      burst: [],
      burstFirstText: [],
      burstUpdates: 0,
    });
  }
  // why: the machine is shared; bursts alternate between the paths (one round each way) so neither gets the quiet slot.
  for (const order of [
    [0, 1],
    [1, 0],
  ]) {
    for (const i of order) {
      const r = results[i] as PathResult;
      const b = await runBurst(paths[i]![1], burst);
      r.burst.push(...b.timing.fromQuestion);
      r.burstFirstText.push(...b.timing.firstText);
      r.burstUpdates += b.updates;
    }
  }
  const methods = WRITES.filter((m) => results.some((r) => (r.callsPerAnswer[m] ?? 0) > 0));
  const fmt = (x: number | undefined) => (x === undefined || x === 0 ? '0' : x.toFixed(1));
  return [
    '### Slack: native streaming against post-and-update, same run',
    '',
    `Real SlackAdapter (Bolt, HTTP mode) and fake Slack; fake Groq ${LATENCY_MS} ms to the first token, then ` +
      `${CHUNK_CHARS} characters every ${CHUNK_DELAY_MS} ms (~${FILLER.length + 20} characters an answer); updates ` +
      "every 1 200 ms, appends every 500 ms. Times from the model's first token.",
    '',
    `One answer at a time (${n} mentions), Web API writes per answer:`,
    '',
    `| path | ${methods.join(' | ')} | first token -> first text p50 | first token -> final p50 |`,
    `|---|${methods.map(() => '---').join('|')}|---|---|`,
    ...results.map(
      (r) =>
        `| ${r.path} | ${methods.map((m) => fmt(r.callsPerAnswer[m])).join(' | ')} | ` +
        `${ms(percentile(r.sequential.firstText, 50))} | ${ms(percentile(r.sequential.final, 50))} |`,
    ),
    '',
    `${burst} mentions at once in one workspace, twice per path (alternating), chat.update budget scaled 1:10 from ` +
      `Tier 3 (${SCALED_TIER3.writes} edits per ${SCALED_TIER3.perMs / 1000} s):`,
    '',
    '| path | question -> final p50 | question -> final p95 | first token -> first text p50 | chat.update calls |',
    '|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.path} | ${ms(percentile(r.burst, 50))} | ${ms(percentile(r.burst, 95))} | ` +
        `${ms(percentile(r.burstFirstText, 50))} | ${r.burstUpdates} |`,
    ),
  ].join('\n');
}
