/**
 * Issue 5's gateway benchmark: three ways of calling Groq (groq-sdk defaults, a plain bottleneck, twinbot's gateway)
 * against the fake Groq enforcing the same limits the way Groq does, in four scenarios, with time shrunk 60x.
 * Prints one markdown table per scenario and whether twinbot met each target.
 */

import { planAnswer } from '../test/fakes/groq/fake-groq-answer.js';
import { type ChatRequestBody, type FakeGroq, startFakeGroq } from '../test/fakes/groq/fake-groq-server.js';
import { countPromptTokens } from '../test/fakes/groq/groq-wire.js';
import { startTestRedis } from '../test/support/redis-server.js';
import {
  API_KEY,
  bottleneckContender,
  type Contender,
  naiveContender,
  requestBody,
  type SharedBudgetStats,
  twinbotContender,
} from './gateway/contenders.js';
import {
  type ChargedCall,
  figures,
  idealAdmissions,
  percentile,
  type RequestRecord,
  type RunFigures,
  table,
} from './gateway/metrics.js';
import {
  benchAnswer,
  FAKE_TIMING,
  LIMITS,
  MAX_TOKENS,
  MODEL,
  type Question,
  SCALE,
  type Scenario,
  scenarios,
  WINDOW_MS,
} from './gateway/workload.js';

/** A run with no answer for this long (all questions sent) declares what is still open lost. */
const IDLE_LIMIT_MS = 10 * WINDOW_MS;
/** Hard stop of one run. */
const RUN_LIMIT_MS = 150 * WINDOW_MS;
/** twinbot's per-question deadline: long enough that the bench measures admission, not refusals. */
const DEADLINE_MS = 140 * WINDOW_MS;

type ContenderKind = 'naive' | 'bottleneck' | 'twinbot' | 'twinbot-redis' | 'twinbot-x3-redis' | 'twinbot-x3-alone';
const CONTENDERS: ContenderKind[] = ['naive', 'bottleneck', 'twinbot'];
/** Run when a Redis is at hand (test/support/redis-server.ts): the shared budget, and 3 replicas with and without. */
const REDIS_CONTENDERS: ContenderKind[] = ['twinbot-redis', 'twinbot-x3-redis', 'twinbot-x3-alone'];

/** The Redis of this bench run, when there is one. */
let redisUrl: string | undefined;

function makeContender(
  kind: ContenderKind,
  url: string,
  scenario: Scenario,
): Contender & { shared?: SharedBudgetStats } {
  if (kind === 'naive') return naiveContender(url);
  if (kind === 'bottleneck') return bottleneckContender(url, scenario.configured);
  if (kind === 'twinbot') return twinbotContender(url, scenario.configured, DEADLINE_MS);
  const replicas = kind === 'twinbot-redis' ? 1 : 3;
  const shared = kind === 'twinbot-x3-alone' ? undefined : redisUrl;
  return twinbotContender(url, scenario.configured, DEADLINE_MS, { replicas, redisUrl: shared });
}

/** Sends every question at its time and collects what happened to it. */
async function drive(contender: Contender, questions: Question[]): Promise<RequestRecord[]> {
  const t0 = performance.now();
  const records: RequestRecord[] = [];
  const controllers = new Map<Question, AbortController>();
  const given = new Set<Question>();
  let lastProgress = t0;
  let sent = 0;
  const runs = questions.map(
    (q) =>
      new Promise<void>((resolve) => {
        setTimeout(async () => {
          const controller = new AbortController();
          controllers.set(q, controller);
          sent += 1;
          const submitAbs = performance.now();
          const result = await contender.ask(q, controller.signal);
          controllers.delete(q);
          const lost = given.has(q);
          const record: RequestRecord = {
            tenantId: q.tenantId,
            cls: q.cls,
            submit: submitAbs - t0,
            outcome: lost ? 'lost' : result.outcome,
            code: lost ? 'lost' : result.code,
          };
          if (!lost) {
            record.end = result.end - t0;
            if (result.outcome === 'answered' && result.firstText !== undefined) {
              record.waitMs = result.firstText - submitAbs;
            }
            if (result.outcome === 'answered' && result.attempts <= 1) {
              record.overheadMs = Math.max(0, result.end - submitAbs - result.modelMs - result.queueMs);
              record.modelMs = result.modelMs;
            }
            lastProgress = performance.now();
          }
          records.push(record);
          resolve();
        }, q.at);
      }),
  );
  const all = Promise.all(runs);
  let finished = false;
  void all.then(() => {
    finished = true;
  });
  while (!finished) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = performance.now();
    const idle = sent === questions.length && now - lastProgress > IDLE_LIMIT_MS;
    if (!finished && (idle || now - t0 > RUN_LIMIT_MS)) {
      for (const [q, controller] of controllers) {
        given.add(q);
        controller.abort();
      }
      break;
    }
  }
  await all;
  return records;
}

/** How the fake accounts one request: prompt + max completion reserved, the answer's real usage charged. */
function accounting(body: ChatRequestBody): ChargedCall {
  const prompt = countPromptTokens(body.messages);
  const max = body.max_completion_tokens ?? undefined;
  const plan = planAnswer(body, benchAnswer(body), prompt, max);
  return { reserve: prompt + (max ?? 0), charge: plan.usage.total_tokens };
}

/**
 * What the fake charged, call by call: the admitted requests. An answer the client closed before its end (a stall
 * the client gave up on) keeps its whole reservation, as the fake never settles it.
 */
function charged(fake: FakeGroq): ChargedCall[] {
  return fake.requests
    .filter((r) => r.status === 200)
    .map((r) => {
      const call = accounting(r.body);
      return r.clientClosed ? { reserve: call.reserve, charge: call.reserve } : call;
    });
}

/** The shortest complete answer the fake gave, from admission to its end: the model's own time. */
function shortestAnswerMs(fake: FakeGroq): number {
  const times = fake.requests
    .filter((r) => r.status === 200 && !r.clientClosed && r.endedAt !== undefined)
    .map((r) => (r.endedAt as number) - r.at);
  return times.length ? Math.min(...times) : Number.NaN;
}

/**
 * Runs a few questions through a contender against a throwaway fake before anything is measured. why: the first
 * calls of a process load and compile the HTTP client and the SDK (tens of ms each); a bot that has been running for
 * a while has paid that once, and a run with a 1 s "minute" would count it as lost capacity.
 */
async function warmUp(kind: ContenderKind): Promise<void> {
  const fake = await startFakeGroq({ windowMs: WINDOW_MS, apiKey: API_KEY, models: [MODEL], answer: benchAnswer });
  const contender = makeContender(kind, fake.url, scenarios()[0] as Scenario);
  try {
    const questions = (scenarios()[0] as Scenario).questions.slice(0, 16);
    await Promise.all(questions.map((q) => contender.ask(q, new AbortController().signal)));
  } finally {
    await contender.close();
    await fake.close();
  }
}

/**
 * The quiet tenants' p95 wait if the limits allowed nothing better: the questions of (b) replayed through the ideal
 * with every quiet question served first from the moment it arrives, plus the model's time to first byte.
 */
function quietFloorMs(scenario: Scenario, holdMs: number): number {
  const calls = scenario.questions.map((q) => ({
    // why: through JSON, the body as the fake receives it.
    ...accounting(JSON.parse(JSON.stringify(requestBody(q.messages))) as ChatRequestBody),
    at: q.at,
    rank: q.cls === 'quiet' ? 0 : 1,
  }));
  const admitted = idealAdmissions(LIMITS, WINDOW_MS, calls, holdMs);
  const waits = scenario.questions.flatMap((q, i) => (q.cls === 'quiet' ? [(admitted[i] as number) - q.at] : []));
  return percentile(waits, 95) + FAKE_TIMING.latencyMs;
}

async function runOnce(
  kind: ContenderKind,
  scenario: Scenario,
): Promise<{ figures: RunFigures; records: RequestRecord[]; shared?: SharedBudgetStats }> {
  const fake = await startFakeGroq({
    limits: LIMITS,
    windowMs: WINDOW_MS,
    apiKey: API_KEY,
    models: [MODEL],
    answer: benchAnswer,
    faults: scenario.faults,
    ...FAKE_TIMING,
  });
  const contender = makeContender(kind, fake.url, scenario);
  try {
    const records = await drive(contender, scenario.questions);
    const stats = fake.stats();
    const server = {
      requests: stats.requests,
      rateLimited: stats.rateLimited,
      charged: charged(fake),
      answerMs: shortestAnswerMs(fake),
    };
    return { figures: figures(contender.name, records, server, LIMITS, WINDOW_MS), records, shared: contender.shared };
  } finally {
    await contender.close();
    await fake.close();
  }
}

/** The shared budget's side of a run: admissions a second over the makespan, Redis round trips, take latency. */
function admissionRow(run: RunFigures, shared: SharedBudgetStats): string {
  const perSecond = run.makespanMs > 0 ? (shared.takes * 1000) / run.makespanMs : Number.NaN;
  const perRequest = run.requestsSent > 0 ? shared.roundTrips / run.requestsSent : Number.NaN;
  const p50 = percentile(shared.takeMs, 50);
  const p99 = percentile(shared.takeMs, 99);
  return `| ${run.contender} | ${perSecond.toFixed(1)} | ${perRequest.toFixed(2)} | ${p50.toFixed(2)} / ${p99.toFixed(2)} |`;
}

/** twinbot's targets from issue 5, checked against its row. */
function verdicts(scenario: Scenario, twin: RunFigures, records: RequestRecord[]): string[] {
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const share = twin.requestsSent ? twin.rateLimited / twin.requestsSent : 0;
  const util = twin.makespanMs > 0 ? twin.idealMs / twin.makespanMs : 0;
  const lines = [
    `0 lost: ${twin.lost} lost, ${mark(twin.lost === 0)}`,
    scenario.key === 'd'
      ? `429s <= 2% when misconfigured: ${(100 * share).toFixed(1)}%, ${mark(share <= 0.02)}`
      : `0 429s: ${twin.rateLimited}, ${mark(twin.rateLimited === 0)}`,
    `utilisation >= 95% of the binding limit: ${(100 * util).toFixed(1)}%, ${mark(util >= 0.95)}`,
    `overhead p99 < 5 ms: ${twin.overhead.p99.toFixed(2)} ms over ${twin.overhead.n} single-attempt answers, ${mark(twin.overhead.p99 < 5)}`,
  ];
  if (scenario.key === 'b') {
    const flood = records.filter((r) => r.cls === 'flood' && r.end !== undefined).map((r) => r.end as number);
    const floodMakespan = Math.max(...flood);
    const quietP95 = twin.waits.quiet?.p95 ?? Number.NaN;
    const ratio = quietP95 / floodMakespan;
    const floor = quietFloorMs(scenario, twin.answerMs);
    lines.push(
      `quiet p95 wait < 10% of the flood's makespan: ${(quietP95 / 1000).toFixed(2)} s of ${(floodMakespan / 1000).toFixed(2)} s = ${(100 * ratio).toFixed(1)}%, ${mark(ratio < 0.1)}`,
      `the least the limits allow for it (quiet questions first the moment they arrive): ${(floor / 1000).toFixed(2)} s = ${((100 * floor) / floodMakespan).toFixed(1)}% of the same makespan`,
    );
  }
  if (Object.keys(twin.failures).length) lines.push(`twinbot failures by code: ${JSON.stringify(twin.failures)}`);
  return lines.map((l) => `- ${l}`);
}

/** Runs the scenarios (all, or those whose key is listed) and returns the report in markdown. */
export async function runGatewayBench(keys: string[] = []): Promise<string> {
  const started = performance.now();
  const out: string[] = [
    '## Gateway benchmark (issue 5)',
    '',
    `Fake Groq on 127.0.0.1 enforcing ${LIMITS.rpm} RPM, ${LIMITS.tpm} TPM, ${LIMITS.rpd} RPD, ${LIMITS.tpd} TPD on ${MODEL} ` +
      `(continuous buckets, x-ratelimit headers, 429 bodies). Time scale: 1 window ("minute") = ${WINDOW_MS} ms, ` +
      `${SCALE}x faster than production; every wait and makespan below is in bench seconds (x${SCALE} for real time). ` +
      `Model time simulated: ${FAKE_TIMING.latencyMs} ms to first byte, ${FAKE_TIMING.chunkDelayMs} ms per chunk; ` +
      `max_completion_tokens ${MAX_TOKENS}. Ideal = the shortest makespan the limits allow for the work the server ` +
      'charged: the admitted calls replayed greedily through the same buckets, in 1 ms steps (full at start; a call ' +
      'needs prompt + max completion tokens free, holds them for the shortest answer the server gave, then is charged ' +
      'its real usage; a stalled answer keeps its whole reservation, as the fake settles only finished answers), plus ' +
      'that shortest answer for the last call; utilisation = ideal / makespan. Each contender first answers 16 ' +
      'questions on a throwaway fake, so the one-time cost of loading the HTTP client is not counted. ' +
      "Wait = time to the first text of the answer that was kept. Jain = Jain's index over tenants of the answers " +
      'started while every tenant still had questions waiting. Overhead = end-to-end minus time inside the model call ' +
      'minus time queued, for answers that took one attempt. twinbot: maxConcurrent 8, per-tenant queue 1000, ' +
      `deadline ${DEADLINE_MS / 1000} s; a question still open ${IDLE_LIMIT_MS / 1000} s after the last reply is lost.`,
  ];
  const redis = await startTestRedis().catch((err: Error) => ({ skip: err.message }));
  redisUrl = 'url' in redis ? redis.url : undefined;
  const kinds = redisUrl ? [...CONTENDERS, ...REDIS_CONTENDERS] : CONTENDERS;
  if (!redisUrl)
    out.push('', `Without Redis (${'skip' in redis ? redis.skip : ''}): the shared-budget rows are left out.`);
  try {
    for (const kind of kinds) await warmUp(kind);
    for (const scenario of scenarios().filter((s) => keys.length === 0 || keys.includes(s.key))) {
      const rows: RunFigures[] = [];
      const admissions: string[] = [];
      let twin: { figures: RunFigures; records: RequestRecord[] } | undefined;
      for (const kind of kinds) {
        const result = await runOnce(kind, scenario);
        rows.push(result.figures);
        if (kind === 'twinbot') twin = result;
        if (result.shared) admissions.push(admissionRow(result.figures, result.shared));
      }
      out.push('', `### ${scenario.title}`, '', table(rows));
      if (admissions.length > 0) {
        out.push(
          '',
          '| contender | takes/s (admitted or told to wait) | Redis round trips per request sent | added admission latency (take) p50 / p99 ms |',
          '|---|---|---|---|',
          ...admissions,
        );
      }
      if (twin) out.push('', 'twinbot targets:', ...verdicts(scenario, twin.figures, twin.records));
    }
  } finally {
    if ('stop' in redis) await redis.stop();
  }
  out.push('', `Bench wall time: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  return out.join('\n');
}
