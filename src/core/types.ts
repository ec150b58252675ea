/**
 * The words of twinbot (see shared/DESIGN.md): tenant, profile, chunk, request, reply.
 * Nothing here knows about a vendor or a platform SDK.
 */
import type { QuotaField } from './quota-limits.js';
import type { Tenant } from './tenant.js';
import type { UsageWindow } from './usage-windows.js';

/** `api`: the OpenAI-compatible HTTP API; `mcp`: the MCP server (stdio or Streamable HTTP). */
export type Platform = 'discord' | 'slack' | 'console' | 'api' | 'mcp';

/** How a request reached the twin; recorded in the ledger as `command`. */
export type AskCommand = 'ask-twin' | 'mention' | 'thread' | 'dm' | 'console' | 'cli' | 'chat-completions' | 'ask_twin';

/** One retrievable piece of the profile. `text` is first-person prose. */
export interface Chunk {
  id: string;
  title: string;
  type: string;
  text: string;
  metadata: {
    category: string;
    tags: string[];
    /** Where in the profile it came from, e.g. ["experience", "0"] or ["content_chunks", "chunk_003"]. */
    section: string[];
  };
  /** sha256 hex of title + text + metadata; drives incremental sync. */
  hash: string;
}

/** The loaded profile as the core sees it. */
export interface TwinProfile {
  /** personal.name */
  name: string;
  title?: string;
  /** Hash over every chunk hash: changes whenever any retrievable text changes. */
  version: string;
  chunks: Chunk[];
  /** A few questions this profile can answer, for banners and hints. */
  exampleQuestions: string[];
  /** Who the person is at a glance, built from the whole profile (issue 12): it goes into every prompt. */
  overview: ProfileOverview;
}

/**
 * The person's table of contents: name, title, place, summary, current role, earlier roles, projects, education and
 * the titles of the profile's chunks. A few hundred tokens at most, for any profile in the schema.
 */
export interface ProfileOverview {
  /** Labelled lines ("Current role: ..."), the static part of every prompt. */
  text: string;
  /** First-person introduction ("I'm ..., ... Right now I'm ..."), the offline answer to "tell me about yourself". */
  introduction: string;
}

export interface RetrievedChunk {
  chunk: Chunk;
  /** Retriever-specific relevance; higher is better. Only comparable within one retriever. */
  score: number;
  /**
   * Below the retriever's minimum score: a candidate for the model to judge (RetrieveOptions.includeWeak), never
   * an answer on its own.
   */
  weak?: boolean;
  /** Why the chunk was picked, for `twinbot search`, the eval and the decision to ask the model. */
  reasons?: MatchReason[];
}

/** The question type that asks for an introduction ("tell me about yourself"); offline it is answered from the overview. */
export const INTRODUCTION_TYPE = 'introduction';

/**
 * Why a chunk matched: the kind of question it answers (`type`: "current role", "STAR story"), a named thing of the
 * profile the question mentions (a project, an employer), the question's own words, or a semantic match (Upstash).
 */
export type MatchReason =
  | { kind: 'type'; type: string; label: string }
  | { kind: 'named'; name: string }
  | { kind: 'words'; words: string[] }
  | { kind: 'semantic' };

/** One earlier exchange, oldest first, used as conversation history. */
export interface Turn {
  role: 'user' | 'twin';
  text: string;
}

export interface AskRequest {
  platform: Platform;
  /** `discord:<guildId>`, `slack:<teamId>`, `console:local`; a DM uses the platform user's own tenant. */
  tenantId: string;
  /** The tenant as a value, built by the adapter (its `key` is `tenantId`); absent from older callers. */
  tenant?: Tenant;
  /** Slack Enterprise Grid id, kept beside the tenant. */
  enterpriseId?: string;
  channelId: string;
  userId: string;
  /** Display name where the adapter knows it (for reports). */
  userName?: string;
  command: AskCommand;
  question: string;
  /** Prior turns, oldest first; the service bounds it. */
  history?: Turn[];
  /** Aborted when the platform can no longer show the answer (shutdown, interaction expired). */
  signal?: AbortSignal;
}

export interface Source {
  chunkId: string;
  title: string;
  score: number;
}

export interface Answer {
  text: string;
  sources: Source[];
  /** 'llm' when Groq wrote it; 'extractive' in offline mode; 'declined' when the profile does not cover it. */
  mode: 'llm' | 'extractive' | 'declined';
  model?: string;
  /** A one-time note for the person, e.g. that the twin runs without a language model. */
  notice?: string;
  /** Tokens this request spent at the model (all attempts), as the ledger records them; set on the final event. */
  usage?: { promptTokens: number; completionTokens: number };
  /** The ledger row of the request that got this answer: what a 👍/👎 is recorded against. Set on the final event. */
  requestId?: string;
  /** Up to three questions to ask next, drawn from the profile (follow-up-questions.ts). Set on the final event. */
  followUps?: string[];
}

/**
 * Why a request ended without an answer. The core writes `message`; adapters show it as it is
 * (escaped for their platform).
 */
export type FailureCode =
  | 'empty_question'
  | 'question_too_long'
  | 'user_rate_limited'
  | 'busy'
  | 'over_quota'
  | 'llm_unavailable'
  | 'misconfigured'
  | 'timeout'
  | 'shutting_down'
  | 'internal';

export interface Failure {
  code: FailureCode;
  message: string;
  /** When trying again makes sense. */
  retryAfterMs?: number;
}

/**
 * What `TwinService.ask` yields, in order: any number of `status` (progress, never failure words),
 * `delta` (answer text as it streams) and `reset` (the text so far is void: clear it), then exactly
 * one `final` or `failure`, which ends the stream.
 */
export type ReplyEvent =
  | { type: 'status'; phase: 'thinking' | 'queued' | 'retrieving'; text: string; position?: number }
  | { type: 'delta'; text: string }
  | { type: 'reset' }
  | { type: 'final'; answer: Answer }
  | { type: 'failure'; failure: Failure };

export type { UsageWindow };

export interface UsageRequest {
  platform: Platform;
  tenantId: string;
  userId: string;
  /** The platform's own admin fact (Discord ManageGuild/Administrator, Slack admin/owner), read by the adapter. */
  isPlatformAdmin: boolean;
  window: UsageWindow;
}

/**
 * How a request ended. 'interrupted': the process died while answering (the row written at admission was never
 * completed); it spent what was recorded so far, so reports count it with the failures and quotas count it.
 */
export type Outcome = 'answered' | 'failed' | 'refused' | 'interrupted';

/** One request in the ledger (DESIGN.md: one record per request, attempts inside). */
export interface UsageRecord {
  id: string;
  /** Epoch ms when the request arrived. */
  at: number;
  platform: Platform;
  tenantId: string;
  enterpriseId?: string;
  channelId: string;
  userId: string;
  userName?: string;
  command: AskCommand;
  /** Model that produced the answer, or the last one tried. */
  model?: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** From arrival to the final reply. */
  latencyMs: number;
  /** Time spent waiting for an LLM slot. */
  queueMs: number;
  attempts: number;
  outcome: Outcome;
  /**
   * The underlying cause of a failed or refused request: the fault's TwinError code ('upstream', 'rate_limited')
   * when there was one, else the FailureCode itself.
   */
  errorCode?: string;
  /** The failure the person was shown (FailureCode: 'llm_unavailable', 'busy', ...), beside its cause. */
  failureCode?: FailureCode;
  costUsd: number;
  mode?: Answer['mode'];
  /** The experiment (TWIN_EXPERIMENT) and arm the request ran in; absent when none applied. */
  experiment?: string;
  arm?: string;
  /** From arrival to the model's first token; absent when no model streamed (cache hit, offline, a refusal). */
  ttftMs?: number;
  /** Answered from the answer cache: no model call, zero tokens and zero cost. */
  cached?: boolean;
  /** On a cache hit: the tokens the original answer spent, which this request did not. */
  savedTokens?: number;
}

export interface CountBy {
  key: string;
  label?: string;
  count: number;
}

/** One tenant's requests over a window, by outcome, with its tokens and cost (the dashboard's by-tenant table). */
export interface TenantUsage {
  tenantId: string;
  requests: number;
  answered: number;
  /** Failed and interrupted. */
  failed: number;
  refused: number;
  tokens: number;
  costUsd: number;
}

export interface ModelUsage {
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** A summary of ledger rows for one tenant (or all, for operators) over [from, to). */
export interface UsageSummary {
  tenantId?: string;
  from: number;
  to: number;
  requests: number;
  answered: number;
  failed: number;
  refused: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  avgLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  p50QueueMs: number;
  p95QueueMs: number;
  /** answered / (answered + failed); refusals (empty question, flood guard) are not the twin failing. */
  successRate: number;
  byModel: ModelUsage[];
  topFailures: CountBy[];
  topUsers: CountBy[];
  topChannels: CountBy[];
  /** Requests and tokens per bucket (hour for 24h, day otherwise), oldest first. */
  series: { start: number; requests: number; tokens: number }[];
}

/** A rendered usage-over-time picture, attached to the report where the platform can show one. */
export interface UsageChart {
  png: Uint8Array;
  filename: string;
  /** Alt text: what the picture shows, in words. */
  alt: string;
  width: number;
  height: number;
}

/** An admin's change to their own tenant's quota (`/twin-usage` options). */
export interface QuotaChangeRequest {
  platform: Platform;
  tenantId: string;
  userId: string;
  isPlatformAdmin: boolean;
  change: { set: TenantQuota } | { clear: true };
}

export type QuotaChangeResult = { kind: 'updated'; text: string } | { kind: 'refused'; message: string };

export type UsageResult =
  | {
      kind: 'report';
      summary: UsageSummary;
      window: UsageWindow;
      text: string;
      chart?: UsageChart;
      /** Votes in the window, when the twin keeps feedback. */
      feedback?: FeedbackSummary;
    }
  | { kind: 'refused'; message: string };

/**
 * A tenant's quota (issue 8), one optional number per limit of the QUOTA_LIMITS table (quota-limits.ts; dollar
 * limits are estimated US dollars). Days are UTC days, months UTC calendar months. Refused requests spend nothing;
 * answered and failed ones count.
 */
export type TenantQuota = { [F in QuotaField]?: number };

/**
 * Who set a quota limit. The operator (TWIN_ADMINS, the `twinbot quota` command, the console) pays for the Groq
 * account and bounds everyone; a tenant's own admins may only tighten below the operator's limit.
 */
export type QuotaSetter = 'operator' | 'tenant_admin';

/** What a tenant spent since a moment. */
export interface QuotaUsage {
  requests: number;
  tokens: number;
  costUsd: number;
}

/** A person's verdict on one answer: 👍 or 👎. */
export type Vote = 'helpful' | 'not_helpful';

/** A 👍/👎 (and, after 👎, an optional short reason) on one answer, as an adapter read it from a click. */
export interface FeedbackRequest {
  platform: Platform;
  /** The tenant the click came from; the vote counts only when the answer's request belongs to it. */
  tenantId: string;
  userId: string;
  /** The answer's `requestId`, as the button carried it: untrusted until the store confirms its tenant. */
  requestId: string;
  vote: Vote;
  /** Only with 'not_helpful'; bounded and scrubbed of secrets by the core. */
  reason?: string;
}

export type FeedbackResult = { kind: 'recorded'; vote: Vote; text: string } | { kind: 'refused'; message: string };

/** One person's vote as stored: one row per (request, user), changeable. */
export interface FeedbackEntry {
  requestId: string;
  tenantId: string;
  platform: Platform;
  userId: string;
  vote: Vote;
  /** Absent keeps a reason given earlier (a second 👎 click); a 👍 always clears it. */
  reason?: string;
  /** Epoch ms of the latest change. */
  at: number;
}

/** Votes given in a window (by the time of the vote), for one tenant or all. */
export interface FeedbackSummary {
  votes: number;
  helpful: number;
  notHelpful: number;
  /** The newest 👎 reasons first, a few at most. */
  recentReasons: { at: number; reason: string }[];
}

/** A follow-up button's click: which suggestion of which answer, by whom. */
export interface FollowUpRequest {
  tenantId: string;
  userId: string;
  requestId: string;
  index: number;
}

export type FollowUpResult = { kind: 'ask'; question: string } | { kind: 'refused'; message: string };
