/**
 * `npm run eval -- --arms '<spec>'`: the eval sets answered by every arm of an experiment, before anyone sees them.
 * Each set runs through the app as `twinbot start` builds it (its profile, the retriever, the Groq gateway with every
 * arm's model and budget), one question per arm from a person the arm's hash owns, so each question reaches every
 * arm by the real path and the ledger records it as in production. Per arm it prints how the model handled the
 * questions (on-profile answered or declined, off-profile declined, failures) and, from the ledger, latency, time to
 * first token, tokens and cost per answer. `--answers` prints every answer under its question, arm by arm.
 *
 * The spec is TWIN_EXPERIMENT's (README "Experiments"); `name=` may be left out here. Every arm answers every
 * question: tenant limits are ignored, and the answer cache is off.
 */
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { assignArm, type Experiment } from '../../src/core/experiments/experiment.js';
import { type ArmReadout, readArms } from '../../src/core/experiments/readout.js';
import type { Logger } from '../../src/core/ports.js';
import type { AskRequest, ReplyEvent } from '../../src/core/types.js';
import { buildApp } from '../../src/main.js';
import type { QuestionSet } from './answer-eval.js';

export interface ArmEvalOptions {
  spec: string;
  sets: QuestionSet[];
  /** The environment to read (GROQ_API_KEY, GROQ_BASE_URL, limits, Upstash); the eval sets its own ledger. */
  env: Record<string, string | undefined>;
  /** Where profile paths and prompt files are found. */
  root: string;
  /** Questions per set and per kind (on-profile, off-profile); default all. */
  limit?: number;
  logger: Logger;
}

export interface ArmSetResult {
  set: string;
  arm: string;
  model: string;
  questions: number;
  answered: number;
  declined: number;
  offProfile: number;
  offDeclined: number;
  failed: number;
  readout?: ArmReadout;
  answers: { q: string; text: string }[];
}

const TENANT = 'console:local';

/** Evaluates every arm on every set; throws a sentence when Groq is not configured or the spec is wrong. */
export async function evaluateArms(options: ArmEvalOptions): Promise<ArmSetResult[]> {
  const spec = /^\s*name\s*=/.test(options.spec) ? options.spec : `name=eval;${options.spec}`;
  const results: ArmSetResult[] = [];
  for (const set of options.sets) {
    const config = loadConfig(
      {
        ...options.env,
        TWIN_PROFILE: set.profile,
        TWIN_EXPERIMENT: spec,
        TWIN_EXPERIMENT_FILE: undefined,
        DATABASE_URL: ':memory:',
        TWIN_CACHE_TTL_S: '0',
        TWIN_USER_RATE: '100000/min, 100 at a time',
        TWIN_DEADLINE_S: options.env.TWIN_DEADLINE_S ?? '120',
      },
      options.root,
    );
    if (!config.groq.apiKey) {
      throw new Error('comparing arms needs a model: set GROQ_API_KEY (the arms are answered through Groq)');
    }
    results.push(...(await evaluateSet(config, set, options)));
  }
  return results;
}

async function evaluateSet(config: Config, set: QuestionSet, options: ArmEvalOptions): Promise<ArmSetResult[]> {
  const experiment: Experiment = {
    ...(config.experiment as Experiment),
    arms: (config.experiment as Experiment).arms.map(({ tenants: _tenants, ...arm }) => arm),
  };
  const app = await buildApp({ ...config, experiment }, options.logger);
  const started = Date.now();
  try {
    const results: ArmSetResult[] = [];
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const questions = set.questions.slice(0, limit);
    const offProfile = set.offProfile.slice(0, limit);
    for (const arm of experiment.arms) {
      const result: ArmSetResult = {
        set: set.name,
        arm: arm.name,
        model: arm.model ?? config.groq.model,
        questions: questions.length,
        answered: 0,
        declined: 0,
        offProfile: offProfile.length,
        offDeclined: 0,
        failed: 0,
        answers: [],
      };
      let n = 0;
      for (const { q, history } of questions) {
        const reply = await ask(app.twin, request(experiment, arm.name, n++, q, history));
        result.answers.push({ q, text: reply.text });
        if (reply.kind === 'failure') result.failed++;
        else if (reply.kind === 'declined') result.declined++;
        else result.answered++;
      }
      for (const q of offProfile) {
        const reply = await ask(app.twin, request(experiment, arm.name, n++, q));
        result.answers.push({ q, text: reply.text });
        if (reply.kind === 'failure') result.failed++;
        else if (reply.kind === 'declined') result.offDeclined++;
      }
      results.push(result);
    }
    const stats = await app.usage.armStats({ experiment: experiment.name, from: started, to: Date.now() + 1 });
    const readout = readArms(stats);
    for (const r of results) r.readout = readout.arms.find((a) => a.arm === r.arm);
    return results;
  } finally {
    await app.twin.close(0);
    await app.close();
  }
}

/** The question as a person in `arm` asks it: the first user id whose hash lands in that arm. */
function request(experiment: Experiment, arm: string, n: number, question: string, history: string[] = []): AskRequest {
  let userId = '';
  for (let i = 0; ; i++) {
    userId = `eval-${n}-${i}`;
    if (assignArm(experiment, TENANT, userId)?.arm.name === arm) break;
  }
  return {
    platform: 'console',
    tenantId: TENANT,
    channelId: `eval-${n}`,
    userId,
    command: 'cli',
    question,
    // why: the eval has no real earlier answers; a short neutral one keeps history costs alike in every arm.
    history: history.flatMap((text) => [
      { role: 'user' as const, text },
      { role: 'twin' as const, text: 'I answered that from my profile.' },
    ]),
  };
}

async function ask(
  twin: { ask(r: AskRequest): AsyncIterable<ReplyEvent> },
  r: AskRequest,
): Promise<{ kind: 'answer' | 'declined' | 'failure'; text: string }> {
  let last: ReplyEvent | undefined;
  for await (const e of twin.ask(r)) last = e;
  if (last?.type === 'final')
    return { kind: last.answer.mode === 'declined' ? 'declined' : 'answer', text: last.answer.text };
  return { kind: 'failure', text: last?.type === 'failure' ? last.failure.message : 'no reply' };
}

const pct = (n: number, of: number) => (of === 0 ? '-' : `${Math.round((n / of) * 100)}% (${n}/${of})`);
const spread = (s: { p50: number; p95: number } | undefined) =>
  s ? `${(s.p50 / 1000).toFixed(2)} s / ${(s.p95 / 1000).toFixed(2)} s` : '-';

/** One table row per set and arm; with `answers`, every answer under its question. */
export function armEvalTable(results: ArmSetResult[], answers = false): string {
  const lines = [
    'Arms on the eval sets (through the Groq gateway; every arm answers every question)',
    '',
    '| set | arm | model | on-profile answered | on-profile declined | off-profile declined | failed | latency p50 / p95 | first token p50 / p95 | tokens/answer | cost/answer |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.set} | ${r.arm} | ${r.model} | ${pct(r.answered, r.questions)} | ${pct(r.declined, r.questions)} | ${pct(r.offDeclined, r.offProfile)} | ${r.failed} | ${spread(r.readout?.latencyMs)} | ${spread(r.readout?.ttftMs)} | ${r.readout?.tokensPerAnswer === undefined ? '-' : Math.round(r.readout.tokensPerAnswer)} | ${r.readout?.costPerAnswer === undefined ? '-' : `$${r.readout.costPerAnswer.toPrecision(2)}`} |`,
    ),
  ];
  if (answers) {
    const sets = [...new Set(results.map((r) => r.set))];
    for (const set of sets) {
      const arms = results.filter((r) => r.set === set);
      lines.push('', `Answers on ${set}:`);
      for (const [i, { q }] of (arms[0]?.answers ?? []).entries()) {
        lines.push('', `  ${q}`);
        for (const r of arms) lines.push(`    [${r.arm}] ${r.answers[i]?.text.replace(/\s+/g, ' ') ?? ''}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `--arms '<spec>' [--limit N] [--answers]`, on the four eval sets; the rest of `npm run eval` is skipped. */
export async function runArmEval(argv: string[], sets: QuestionSet[], root: string): Promise<void> {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const spec = value('--arms');
  if (!spec || spec.startsWith('--'))
    throw new Error("--arms needs a spec, e.g. --arms 'model=openai/gpt-oss-20b;model=openai/gpt-oss-120b'");
  const limitRaw = value('--limit');
  const limit = limitRaw === undefined ? undefined : Number(limitRaw);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new Error(`--limit must be a whole number above 0, got "${limitRaw}"`);
  const { loadDotEnv } = await import('../../src/config.js');
  loadDotEnv(root);
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
  const results = await evaluateArms({ spec, sets, env: process.env, root, limit, logger: silent });
  process.stdout.write(armEvalTable(results, argv.includes('--answers')));
}
