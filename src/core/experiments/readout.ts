/**
 * The experiment readout (issue 17): per arm, what it served and what it cost, its helpful rate with a Wilson
 * interval, and a verdict naming the more helpful arm only when the difference is significant. A pure function of
 * per-arm figures, so the maths is tested on its own and any store (the ledger, and the feedback table for votes)
 * can feed it.
 */
import { differenceInterval, type Interval, twoProportionTest, wilsonInterval } from './proportions.js';

/** Percentiles of a duration in ms; absent where nothing was measured. */
export interface Spread {
  p50: number;
  p95: number;
}

/** What the ledger (and the feedback votes) say about one arm over the report's window. */
export interface ArmStats {
  arm: string;
  /** Every request assigned to the arm, refusals included. */
  requests: number;
  /** Replies with an answer (mode other than 'declined'), cache hits included. */
  answered: number;
  /** Replies saying the profile does not cover the question. */
  declined: number;
  /** Failed or interrupted requests. */
  failed: number;
  /** Refused before any work (empty question, flood guard, quota): not the arm's doing. */
  refused: number;
  /** Replies served from the answer cache. */
  cacheHits: number;
  /** Tokens the cache hits did not spend (what their original answers spent). */
  tokensSaved: number;
  /** Replies (answers and declines) the model wrote: not from the cache, not a greeting or a decline made without it. */
  modelReplies: number;
  /** Tokens and estimated dollars every request of the arm spent, failures included. */
  tokens: number;
  costUsd: number;
  /** From arrival to the final reply, over replies the model wrote. */
  latencyMs?: Spread;
  /** From arrival to the model's first token. */
  ttftMs?: Spread;
  /** Feedback on the arm's answers: helpful votes out of all votes. */
  votes: { helpful: number; total: number };
}

export interface ArmReadout extends ArmStats {
  helpfulRate?: number;
  /** 95% Wilson interval of the helpful rate. */
  helpfulInterval?: Interval;
  /** Cache hits out of replies delivered. */
  hitRate?: number;
  /** Per reply the model wrote: what the arm spent (failures included) over what it delivered. */
  tokensPerAnswer?: number;
  costPerAnswer?: number;
}

export interface Verdict {
  better: string;
  worse: string;
  betterRate: number;
  worseRate: number;
  /** 95% interval of the difference of the helpful rates (Newcombe). */
  difference: Interval;
  pValue: number;
  /** The better arm's cost per answer over the other's; absent when either is unknown or the other's is 0. */
  costRatio?: number;
  text: string;
}

export interface Readout {
  arms: ArmReadout[];
  verdict?: Verdict;
  /** The verdict's sentence, or why there is none. */
  summary: string;
}

/** The significance level of the verdict, before the correction for choosing the leader among several arms. */
export const ALPHA = 0.05;
/** The z-test's rule of thumb: at least this many expected votes of each kind per arm. */
export const MIN_EXPECTED_VOTES = 5;

const pct = (x: number) => `${Math.round(x * 100)}%`;
const points = (x: number) => `${Math.round(x * 100)}`;

export function readArms(stats: readonly ArmStats[]): Readout {
  const arms = stats.map(armReadout);
  const voted = arms.filter((a) => a.votes.total > 0).sort((a, b) => (b.helpfulRate ?? 0) - (a.helpfulRate ?? 0));
  if (voted.length < 2) {
    const summary =
      voted.length === 0
        ? 'No verdict: no helpful votes recorded for these arms yet.'
        : 'No verdict: only one arm has votes so far; the other arms need some before they can be compared.';
    return { arms, summary };
  }
  const [best, next] = voted as [ArmReadout, ArmReadout];
  const { helpful: x1, total: n1 } = best.votes;
  const { helpful: x2, total: n2 } = next.votes;
  const pooled = (x1 + x2) / (n1 + n2);
  const enough = [n1, n2].every((n) => n * pooled >= MIN_EXPECTED_VOTES && n * (1 - pooled) >= MIN_EXPECTED_VOTES);
  if (!enough) {
    const counts = voted.map((a) => `${a.arm} has ${a.votes.total}`).join(', ');
    return {
      arms,
      summary: `No verdict yet: too few votes to tell the arms apart (about ${MIN_EXPECTED_VOTES} of each kind per arm are needed; ${counts}).`,
    };
  }
  const test = twoProportionTest(x1, n1, x2, n2);
  const difference = differenceInterval(x1, n1, x2, n2);
  // why: the leader is picked after looking at every arm, so with k arms its test runs at alpha / (k - 1) (Bonferroni).
  const alpha = ALPHA / (voted.length - 1);
  const rates = `${pct(best.helpfulRate ?? 0)} vs ${pct(next.helpfulRate ?? 0)}`;
  const ci = `95% CI of the difference ${points(difference.low)} to ${points(difference.high)} points`;
  const p = formatP(test.pValue);
  if (!(test.pValue < alpha && difference.low > 0)) {
    return {
      arms,
      summary: `No verdict: arm ${best.arm} looks more helpful (${rates}) but the difference is not significant (${p}; ${ci}).`,
    };
  }
  const costRatio =
    best.costPerAnswer !== undefined && next.costPerAnswer !== undefined && next.costPerAnswer > 0
      ? best.costPerAnswer / next.costPerAnswer
      : undefined;
  const text = `Arm ${best.arm} is more helpful: ${rates} (${ci}, ${p})${costClause(best, next, costRatio)}.`;
  const verdict: Verdict = {
    better: best.arm,
    worse: next.arm,
    betterRate: best.helpfulRate ?? 0,
    worseRate: next.helpfulRate ?? 0,
    difference,
    pValue: test.pValue,
    costRatio,
    text,
  };
  return { arms, verdict, summary: text };
}

function armReadout(s: ArmStats): ArmReadout {
  const delivered = s.answered + s.declined;
  const out: ArmReadout = { ...s };
  if (s.votes.total > 0) {
    out.helpfulRate = s.votes.helpful / s.votes.total;
    out.helpfulInterval = wilsonInterval(s.votes.helpful, s.votes.total);
  }
  if (delivered > 0) out.hitRate = s.cacheHits / delivered;
  if (s.modelReplies > 0) {
    out.tokensPerAnswer = s.tokens / s.modelReplies;
    out.costPerAnswer = s.costUsd / s.modelReplies;
  }
  return out;
}

function costClause(best: ArmReadout, next: ArmReadout, ratio: number | undefined): string {
  if (ratio !== undefined) {
    const times = ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1);
    return ratio >= 1
      ? `; it costs ${times}x per answer`
      : `; it costs ${times}x as much per answer as arm ${next.arm}`;
  }
  if (best.costPerAnswer !== undefined && best.costPerAnswer > 0 && next.costPerAnswer === 0) {
    return `; it costs $${best.costPerAnswer.toPrecision(2)} per answer where arm ${next.arm} cost nothing`;
  }
  return '';
}

/** "p = 0.04", "p = 0.002", "p < 0.001". */
function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}
