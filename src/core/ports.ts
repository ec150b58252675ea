/**
 * Ports: one per outside service, named for its role (STYLE.md 1). Implementations live in
 * llm/, retrieval/, usage/ and are wired in main.ts; the core sees only these shapes.
 */
import type {
  FeedbackEntry,
  FeedbackSummary,
  QuotaSetter,
  QuotaUsage,
  RetrievedChunk,
  TenantQuota,
  UsageChart,
  UsageRecord,
  UsageSummary,
  UsageWindow,
} from './types.js';

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmCall {
  /** Whose budget and queue this call uses. */
  tenantId: string;
  messages: LlmMessage[];
  /** The model to use. The gateway sets it per attempt; a bare client falls back to its configured model. */
  model?: string;
  /**
   * The models this call may use, preferred first (an experiment arm's model and its fallbacks); the gateway keeps
   * its budgets and breakers per model as for any call. Absent: the gateway's own models, in their order.
   */
  models?: readonly string[];
  /** Sampling temperature (an experiment arm's); the client's configured GROQ_TEMPERATURE when absent. */
  temperature?: number;
  /** Completion limit; the client's configured GROQ_MAX_TOKENS when absent. */
  maxTokens?: number;
  /** Epoch ms by which the whole call (queue, retries, stream) must be over. */
  deadline: number;
  signal?: AbortSignal;
}

/** What the account's server said about its limits on one response (Groq's x-ratelimit-* headers). */
export interface RateLimitSnapshot {
  /** Requests per day. */
  requestsLimit?: number;
  requestsRemaining?: number;
  requestsResetMs?: number;
  /** Tokens per minute. */
  tokensLimit?: number;
  tokensRemaining?: number;
  tokensResetMs?: number;
}

/**
 * What an LLM call yields. A call ends with `done` or throws a `TwinError`.
 * `restart` means the text streamed so far is void (a retry after text was shown).
 */
export type LlmEvent =
  | { type: 'queued'; position: number }
  | { type: 'attempt'; model: string; attempt: number; queueMs: number }
  | { type: 'delta'; text: string }
  | { type: 'restart' }
  | { type: 'limits'; model: string; limits: RateLimitSnapshot }
  | { type: 'usage'; model: string; promptTokens: number; completionTokens: number }
  | { type: 'done'; model: string; finishReason?: string };

/** A chat model behind a network (Groq), or the gateway in front of it. */
export interface LlmClient {
  stream(call: LlmCall): AsyncIterable<LlmEvent>;
  /** Models the client will use, first the preferred one. */
  readonly models: readonly string[];
  close?(): Promise<void>;
}

export interface RetrieveOptions {
  topK: number;
  signal?: AbortSignal;
  /**
   * Also return the best candidates below the minimum score, marked `weak`, up to `topK` in all. With a model
   * configured the twin lets the model judge them; offline only strong chunks answer.
   */
  includeWeak?: boolean;
}

/**
 * Finds the chunks of the profile that answer a question. Results are best first; without `includeWeak` every
 * result is above the minimum score.
 */
export interface ProfileRetriever {
  /** For logs and the eval table, e.g. "embedded", "upstash". */
  readonly name: string;
  retrieve(question: string, options: RetrieveOptions): Promise<RetrievedChunk[]>;
}

export interface UsageQuery {
  /** Absent: every tenant (operators only). */
  tenantId?: string;
  /** [from, to) in epoch ms. */
  from: number;
  to: number;
  /** Width of the series buckets. */
  bucketMs: number;
}

/**
 * Parts of a usage summary a reader can do without (the dashboard shows neither people nor queue times): each is
 * a read of its own, and left out it comes back empty (0, []) rather than costing a query.
 */
export type SummaryPart = 'latency' | 'queue' | 'users' | 'channels';

/** The usage ledger: one record per request, kept across restarts. */
export interface UsageStore {
  /**
   * Writes (or updates) the row of an admitted request still being answered, so that a crash cannot lose what it
   * spent: the row counts for quotas at once, and a later start marks it 'interrupted' if `record` never comes.
   */
  open(record: Omit<UsageRecord, 'outcome' | 'errorCode' | 'mode'>): Promise<void>;
  /** Adds a request's final record, or completes the row `open` wrote under the same id. */
  record(record: UsageRecord): Promise<void>;
  summarize(query: UsageQuery): Promise<UsageSummary>;
  close(): Promise<void>;
}

export interface FeedbackQuery {
  /** Absent: every tenant (operators only). */
  tenantId?: string;
  /** [from, to) in epoch ms, by the time of the vote. */
  from: number;
  to: number;
  /** How many of the newest 👎 reasons to return. */
  reasons: number;
}

/**
 * 👍/👎 on answers, kept in the ledger's database beside the requests they judge: one row per person per answer,
 * changeable, kept across restarts.
 */
export interface FeedbackStore {
  /** The tenant of a request in the ledger; undefined when there is no such request (or it was rolled up). */
  requestTenant(requestId: string): Promise<string | undefined>;
  /** Stores (or changes) one person's vote on one answer. */
  saveFeedback(entry: FeedbackEntry): Promise<void>;
  summarizeFeedback(query: FeedbackQuery): Promise<FeedbackSummary>;
}

/** Draws a usage summary's series (requests and tokens over time) as a PNG. */
export interface UsageChartRenderer {
  render(summary: UsageSummary, window: UsageWindow, title: string): Promise<UsageChart>;
}

/**
 * Where per-tenant quota overrides live, and what a tenant spent (the usage ledger). A tenant has up to two
 * overrides, kept apart by who set them (the operator's, and its own admins' tightening); `setBy` defaults to
 * 'operator'.
 */
export interface QuotaStore {
  getQuota(tenantId: string, setBy?: QuotaSetter): Promise<TenantQuota | undefined>;
  /** Replaces the tenant's override set by `setBy`. */
  setQuota(tenantId: string, quota: TenantQuota, setBy?: QuotaSetter): Promise<void>;
  /** Removes the override set by `setBy`; true when there was one. */
  clearQuota(tenantId: string, setBy?: QuotaSetter): Promise<boolean>;
  usedSince(tenantId: string, from: number): Promise<QuotaUsage>;
  /**
   * Runs `work` (a quota check and the write of the request it admits) while no other admission of the same
   * tenant runs, in this process or in any replica sharing the store, so N replicas cannot each admit the last
   * request of a limit. Absent: no such guarantee.
   */
  admitting?<T>(tenantId: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Small durable state for adapters (Slack installations, event ids already answered), kept in the same database
 * as the ledger. Values are strings (JSON where structured); entries with a TTL vanish once it passes.
 */
export interface KeyValueStore {
  get(namespace: string, key: string): Promise<string | undefined>;
  set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void>;
  /** Stores the value only when the key is absent or expired; true when this call stored it. Atomic. */
  setIfAbsent(namespace: string, key: string, value: string, ttlMs?: number): Promise<boolean>;
  /**
   * Stores the value under every key only when none of them is present (expired ones count as absent); true when
   * this call stored them. All or nothing, atomic across processes: a losing call leaves no key behind.
   */
  setIfAllAbsent(namespace: string, keys: readonly string[], value: string, ttlMs?: number): Promise<boolean>;
  delete(namespace: string, key: string): Promise<boolean>;
  /** Deletes every key of a namespace starting with the prefix; returns how many. */
  deletePrefix(namespace: string, prefix: string): Promise<number>;
}

/** What GET /healthz reports, whichever server answers it (the health server, or Slack's HTTP receiver). */
export interface HealthState {
  /**
   * 'ok' while answering; 'degraded' while answering with a fault an operator should see (usage records waiting
   * for the database); 'stopping' during shutdown (a 503 tells the balancer to drain).
   */
  status(): 'ok' | 'degraded' | 'stopping';
  /** Whether a balancer should send requests here (200) or not (503). Absent: every status but 'stopping'. */
  serving?(): boolean;
  details?(): Record<string, unknown>;
}

/** The HTTP status GET /healthz answers with, the same on every server that serves it. */
export function healthHttpStatus(health: HealthState): 200 | 503 {
  const serving = health.serving ? health.serving() : health.status() !== 'stopping';
  return serving ? 200 : 503;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The structured logger shape the core needs; pino satisfies it. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Estimated USD cost of one call; from the dated price table in usage/. */
export type CostEstimator = (model: string, promptTokens: number, completionTokens: number) => number;

/**
 * A connection to Redis as the shared stores use it (budgets, key-value state, the Discord leader lock): one raw
 * command and its raw reply. Rejects at once, or after a short timeout, while Redis cannot be reached.
 */
export interface RedisCommands {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * A lock one process at a time holds across replicas, for a time-limited lease (the Discord gateway's leader).
 * A holder that stops renewing loses it when the lease runs out, so a dead replica is replaced.
 */
export interface LeaderLock {
  /** Takes the lock when free, or extends it when this process holds it; true when this process holds it now. */
  hold(): Promise<boolean>;
  /** Gives the lock up if this process holds it, so another can take over at once. */
  release(): Promise<void>;
}
