/** Shared helpers for the usage ledger tests: records, seeded random ledgers, temp databases, a log sink. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/core/ports.js';
import type { UsageRecord } from '../../src/core/types.js';
import type { SqlClient } from '../../src/usage/sql-client.js';
import { seededRandom as seeded } from '../support/seeded-random.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** 2026-11-01T00:00:00Z, a UTC midnight. */
export const T0 = Date.UTC(2026, 10, 1);

let seq = 0;

export function makeRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  seq++;
  return {
    id: `r-${String(seq).padStart(6, '0')}`,
    at: T0,
    platform: 'discord',
    tenantId: 'discord:1',
    channelId: 'c1',
    userId: 'u1',
    command: 'ask-twin',
    model: 'openai/gpt-oss-20b',
    promptTokens: 100,
    completionTokens: 50,
    totalTokens: 150,
    latencyMs: 1200,
    queueMs: 10,
    attempts: 1,
    outcome: 'answered',
    costUsd: 0.0000225,
    mode: 'llm',
    ...overrides,
  };
}

/** Seeded, so "random" ledgers are the same on every run. */
export { seededRandom as seeded } from '../support/seeded-random.js';

const TENANTS = ['discord:1', 'discord:10', 'slack:T1', 'console:local'];
const MODELS = ['openai/gpt-oss-20b', 'openai/gpt-oss-120b', 'qwen/qwen3-32b'];
const FAILURES = ['timeout', 'llm_unavailable', 'busy'];
const REFUSALS = ['empty_question', 'user_rate_limited', 'over_quota'];

/** `n` varied records spread over `spanMs` from `start`, across similar tenant ids, users, models and outcomes. */
export function randomLedger(n: number, start: number, spanMs: number, seed = 7): UsageRecord[] {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: UsageRecord[] = [];
  // why: distinct times keep "the latest display name" unambiguous.
  const used = new Set<number>();
  const uniqueAt = () => {
    let at = start + Math.floor(rnd() * spanMs);
    while (used.has(at)) at++;
    used.add(at);
    return at;
  };
  for (let i = 0; i < n; i++) {
    const roll = rnd();
    const outcome = roll < 0.7 ? 'answered' : roll < 0.85 ? 'failed' : 'refused';
    const prompt = outcome === 'refused' ? 0 : Math.floor(rnd() * 2000);
    const completion = outcome === 'answered' ? Math.floor(rnd() * 500) : 0;
    const tenantId = pick(TENANTS);
    const user = Math.floor(rnd() * 6);
    const r = makeRecord({
      at: uniqueAt(),
      tenantId,
      platform: tenantId.startsWith('slack') ? 'slack' : tenantId.startsWith('console') ? 'console' : 'discord',
      channelId: `c${Math.floor(rnd() * 4)}`,
      userId: `u${user}`,
      userName: rnd() < 0.2 ? undefined : `User ${user}${rnd() < 0.1 ? ' (renamed)' : ''}`,
      model: outcome === 'refused' ? undefined : pick(MODELS),
      promptTokens: prompt,
      completionTokens: completion,
      totalTokens: prompt + completion,
      latencyMs: outcome === 'refused' ? 0 : Math.floor(rnd() * 20_000),
      queueMs: outcome === 'refused' ? 0 : Math.floor(rnd() * 3_000),
      attempts: outcome === 'refused' ? 0 : 1 + Math.floor(rnd() * 3),
      outcome,
      errorCode: outcome === 'failed' ? pick(FAILURES) : outcome === 'refused' ? pick(REFUSALS) : undefined,
      costUsd: outcome === 'refused' ? 0 : prompt * 7.5e-8 + completion * 3e-7,
      mode: outcome === 'answered' ? 'llm' : undefined,
    });
    if (r.userName === undefined) delete r.userName;
    if (r.model === undefined) delete r.model;
    if (r.errorCode === undefined) delete r.errorCode;
    if (r.mode === undefined) delete r.mode;
    out.push(r);
  }
  return out;
}

/** A fresh folder under the OS temp dir; `dispose` removes it. */
export async function tempDir(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'twinbot-usage-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A logger that keeps every entry, so tests read the log instead of mocking it. */
export function sinkLogger(): Logger & { entries: { level: string; obj: Record<string, unknown>; msg?: string }[] } {
  const entries: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  const logger = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

/**
 * A crash after the fact: the rows of `interrupted` (written open) become 'interrupted', as a later start marks
 * them, and then the first half of them is completed after all (their final record arrives late).
 */
export async function crashThenCompleteHalf(
  raw: SqlClient,
  store: { record(r: UsageRecord): Promise<void> },
  ledger: readonly UsageRecord[],
  interrupted: readonly string[],
): Promise<void> {
  await raw.execute({
    sql: `UPDATE usage_records SET outcome = 'interrupted', error_code = 'interrupted'
      WHERE id IN (${interrupted.map(() => '?').join(', ')})`,
    args: [...interrupted],
  });
  for (const id of interrupted.slice(0, interrupted.length / 2)) {
    const r = ledger.find((x) => x.id === id);
    if (r) await store.record(r);
  }
}
