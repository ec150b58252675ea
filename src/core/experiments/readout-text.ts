/** The readout as people read it in a terminal: one row per arm, then the cache's savings and the verdict. */
import type { Experiment } from './experiment.js';
import type { ArmReadout, Readout, Spread } from './readout.js';

const pct = (x: number | undefined) => (x === undefined ? '-' : `${Math.round(x * 100)}%`);
const ms = (s: Spread | undefined) => (s === undefined ? '-' : `${seconds(s.p50)} / ${seconds(s.p95)}`);
const seconds = (v: number) => (v < 1000 ? `${Math.round(v)}ms` : `${(v / 1000).toFixed(1)}s`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function helpful(a: ArmReadout): string {
  if (a.helpfulRate === undefined || a.helpfulInterval === undefined) return 'no votes';
  const { low, high } = a.helpfulInterval;
  return `${pct(a.helpfulRate)} (${pct(low)}-${pct(high)}, ${a.votes.total} votes)`;
}

function cost(usd: number | undefined): string {
  if (usd === undefined) return '-';
  return usd === 0 ? '$0' : `$${usd < 0.01 ? usd.toPrecision(2) : usd.toFixed(4)}`;
}

/** What the configured experiment says an arm is, e.g. "openai/gpt-oss-120b, t=0.3, brief". */
export function describeArm(experiment: Experiment | undefined, arm: string): string {
  const spec = experiment?.arms.find((a) => a.name === arm);
  if (!spec) return 'not in the current configuration';
  const parts = [spec.model ?? 'GROQ_MODEL'];
  if (spec.temperature !== undefined) parts.push(`t=${spec.temperature}`);
  if (spec.prompt) parts.push(spec.prompt.name);
  if (spec.tenants) parts.push(`tenants ${spec.tenants.join('|')}`);
  return parts.join(', ');
}

export function renderReadout(input: {
  experiment: string;
  days: number;
  readout: Readout;
  /** The experiment as configured now, to describe each arm. */
  configured?: Experiment;
}): string {
  const { readout } = input;
  const head = `Experiment "${input.experiment}", last ${input.days} day${input.days === 1 ? '' : 's'}`;
  if (readout.arms.length === 0) {
    return `${head}: no requests recorded in this experiment yet.\nArms are recorded from the first request after TWIN_EXPERIMENT is set.`;
  }
  const header = [
    'arm',
    'requests',
    'answered',
    'declined',
    'failed',
    'cache hits',
    'helpful (95% CI)',
    'latency p50/p95',
    'first token p50/p95',
    'tokens/answer',
    'cost/answer',
  ];
  const rows = readout.arms.map((a) => [
    a.arm,
    int(a.requests),
    int(a.answered),
    int(a.declined),
    int(a.failed),
    `${int(a.cacheHits)} (${pct(a.hitRate)})`,
    helpful(a),
    ms(a.latencyMs),
    ms(a.ttftMs),
    a.tokensPerAnswer === undefined ? '-' : int(a.tokensPerAnswer),
    cost(a.costPerAnswer),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const arms = readout.arms.map((a) => `  ${a.arm}: ${describeArm(input.configured, a.arm)}`);
  const saved = readout.arms.reduce((sum, a) => sum + a.tokensSaved, 0);
  const hits = readout.arms.reduce((sum, a) => sum + a.cacheHits, 0);
  return [
    `${head}`,
    ...arms,
    '',
    line(header),
    ...rows.map(line),
    '',
    `Answer cache: ${int(hits)} hit${hits === 1 ? '' : 's'}, ${int(saved)} tokens saved.`,
    readout.summary,
  ].join('\n');
}
