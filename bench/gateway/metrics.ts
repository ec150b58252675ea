/**
 * The gateway bench's figures: percentiles, the ideal makespan the limits allow, Jain's fairness index, and the
 * markdown table.
 */
import type { TenantClass } from './workload.js';

/** One question's fate in one run; times are ms since the scenario's start. */
export interface RequestRecord {
  tenantId: string;
  cls: TenantClass;
  submit: number;
  outcome: 'answered' | 'failed' | 'lost';
  /** Until the first text of the answer that was kept. */
  waitMs?: number;
  end?: number;
  /** End-to-end minus model time minus time queued or backing off; single-attempt answers only. */
  overheadMs?: number;
  /** Time inside the model call, single-attempt answers only. */
  modelMs?: number;
  code?: string;
}

export interface RunFigures {
  contender: string;
  answered: number;
  failed: number;
  lost: number;
  requestsSent: number;
  rateLimited: number;
  makespanMs: number;
  idealMs: number;
  /** The shortest answer the server gave, admission to end: how long it holds a reservation at least. */
  answerMs: number;
  waits: Partial<Record<TenantClass, { p50: number; p95: number }>>;
  jain: number;
  overhead: { p50: number; p99: number; n: number };
  failures: Record<string, number>;
}

/** Nearest-rank percentile; NaN for no data. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** One call as the server accounts it: the tokens that must be free to admit it, and the tokens it is charged. */
export interface ChargedCall {
  reserve: number;
  charge: number;
}

/** A call to replay through the ideal: not before `at` (ms), lower `rank` first, then in the given order. */
export interface IdealCall extends ChargedCall {
  at?: number;
  rank?: number;
}

/**
 * When each of `calls` could have been admitted by an account with these limits, enforced as the fake (like Groq)
 * enforces them: continuous buckets, full at start; a call needs 1 request and prompt + max completion tokens free,
 * holds them while it runs (`holdMs`: the shortest answer the server gave) and is then charged its real usage. Every call is
 * admitted as soon as it has arrived and fits, in rank order: the ideal the limits allow, in 1 ms steps.
 * why the hold: the server frees what a call did not use only when the answer ends, so no scheduler can spend those
 * tokens earlier; an ideal that charged the real usage at admission would count that as the contender's loss.
 */
export function idealAdmissions(
  limits: { rpm: number; tpm: number; rpd: number; tpd: number },
  windowMs: number,
  calls: IdealCall[],
  holdMs: number,
): number[] {
  const day = windowMs * 1_440;
  const buckets = [
    { cap: limits.rpm, rate: limits.rpm / windowMs, level: limits.rpm, tokens: false },
    { cap: limits.rpd, rate: limits.rpd / day, level: limits.rpd, tokens: false },
    { cap: limits.tpm, rate: limits.tpm / windowMs, level: limits.tpm, tokens: true },
    { cap: limits.tpd, rate: limits.tpd / day, level: limits.tpd, tokens: true },
  ];
  const waiting = calls.map((call, index) => ({ call, index })).sort((a, b) => (a.call.rank ?? 0) - (b.call.rank ?? 0));
  // why: every hold lasts holdMs, so refunds fall due in admission order and a FIFO is enough.
  const refunds: { at: number; tokens: number }[] = [];
  const admitted = new Array<number>(calls.length);
  for (let t = 0; waiting.length > 0; t += 1) {
    for (const b of buckets) b.level = Math.min(b.cap, b.level + b.rate);
    while (refunds.length > 0 && (refunds[0] as { at: number }).at <= t) {
      const refund = refunds.shift() as { tokens: number };
      for (const b of buckets) if (b.tokens) b.level = Math.min(b.cap, b.level + refund.tokens);
    }
    for (let i = 0; i < waiting.length; ) {
      const { call, index } = waiting[i] as { call: IdealCall; index: number };
      if ((call.at ?? 0) > t) {
        i += 1;
        continue;
      }
      if (!buckets.every((b) => b.level >= (b.tokens ? Math.min(call.reserve, b.cap) : 1))) break;
      for (const b of buckets) b.level -= b.tokens ? call.reserve : 1;
      refunds.push({ at: t + holdMs, tokens: call.reserve - call.charge });
      admitted[index] = t;
      waiting.splice(i, 1);
    }
  }
  return admitted;
}

/**
 * Jain's index (Σx)² / (n·Σx²) over tenants of the answers each started while every tenant still had questions
 * waiting: 1 when the contended capacity was shared equally, 1/n when one tenant got it all.
 */
export function jainIndex(records: RequestRecord[]): number {
  const tenants = [...new Set(records.map((r) => r.tenantId))];
  if (tenants.length < 2) return 1;
  const starts = new Map(
    tenants.map((t) => [
      t,
      records
        .filter((r) => r.tenantId === t && r.outcome === 'answered' && r.waitMs !== undefined)
        .map((r) => r.submit + (r.waitMs as number)),
    ]),
  );
  const served = tenants.filter((t) => (starts.get(t) as number[]).length > 0);
  if (served.length === 0) return Number.NaN;
  const from = Math.max(
    ...tenants.map((t) => Math.min(...records.filter((r) => r.tenantId === t).map((r) => r.submit))),
  );
  // why: a tenant that got nothing at all does not end the window; it counts as 0 within it.
  const until = Math.min(...served.map((t) => Math.max(...(starts.get(t) as number[]))));
  const x = tenants.map((t) => (starts.get(t) as number[]).filter((s) => s >= from && s <= until).length);
  const sum = x.reduce((a, b) => a + b, 0);
  const squares = x.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? Number.NaN : (sum * sum) / (tenants.length * squares);
}

export function figures(
  contender: string,
  records: RequestRecord[],
  server: { requests: number; rateLimited: number; charged: ChargedCall[]; answerMs: number },
  limits: { rpm: number; tpm: number; rpd: number; tpd: number },
  windowMs: number,
): RunFigures {
  const count = (o: RequestRecord['outcome']) => records.filter((r) => r.outcome === o).length;
  const ends = records.filter((r) => r.end !== undefined).map((r) => r.end as number);
  const waits: RunFigures['waits'] = {};
  for (const cls of [...new Set(records.map((r) => r.cls))]) {
    const w = records.filter((r) => r.cls === cls && r.waitMs !== undefined).map((r) => r.waitMs as number);
    waits[cls] = { p50: percentile(w, 50), p95: percentile(w, 95) };
  }
  // why: the ideal ends when the last admitted call could have finished, the shortest answer the server gave after
  // its admission; the same time is how long each call holds its reservation.
  const hold = Number.isNaN(server.answerMs) ? 0 : server.answerMs;
  const overhead = records.filter((r) => r.overheadMs !== undefined).map((r) => r.overheadMs as number);
  const failures: Record<string, number> = {};
  for (const r of records)
    if (r.outcome !== 'answered') failures[r.code ?? r.outcome] = (failures[r.code ?? r.outcome] ?? 0) + 1;
  return {
    contender,
    answered: count('answered'),
    failed: count('failed'),
    lost: count('lost'),
    requestsSent: server.requests,
    rateLimited: server.rateLimited,
    makespanMs: ends.length ? Math.max(...ends) : 0,
    idealMs: Math.max(0, ...idealAdmissions(limits, windowMs, server.charged, hold)) + hold,
    answerMs: server.answerMs,
    waits,
    jain: jainIndex(records),
    overhead: { p50: percentile(overhead, 50), p99: percentile(overhead, 99), n: overhead.length },
    failures,
  };
}

const s = (ms: number) => (Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(2));
const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(2));

/** One markdown table: a row per contender. */
export function table(rows: RunFigures[]): string {
  const classes = [...new Set(rows.flatMap((r) => Object.keys(r.waits)))] as TenantClass[];
  const head = [
    'contender',
    'answered',
    'failed',
    'lost',
    '429s (of requests sent)',
    'makespan s',
    'ideal s',
    'utilisation',
    ...classes.map((c) => `wait p50/p95 s (${c})`),
    'Jain',
    'overhead p50/p99 ms',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const util = r.makespanMs > 0 ? `${((100 * r.idealMs) / r.makespanMs).toFixed(1)}%` : '–';
    const share = r.requestsSent ? ` (${((100 * r.rateLimited) / r.requestsSent).toFixed(1)}%)` : '';
    lines.push(
      `| ${[
        r.contender,
        r.answered,
        r.failed,
        r.lost,
        `${r.rateLimited} of ${r.requestsSent}${share}`,
        s(r.makespanMs),
        s(r.idealMs),
        util,
        ...classes.map((c) => `${s(r.waits[c]?.p50 ?? Number.NaN)} / ${s(r.waits[c]?.p95 ?? Number.NaN)}`),
        Number.isNaN(r.jain) ? '–' : r.jain.toFixed(3),
        `${ms(r.overhead.p50)} / ${ms(r.overhead.p99)}`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
