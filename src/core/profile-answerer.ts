/**
 * The answering pipeline of one admitted question (TwinService.ask admits it, keeps its ledger row and deadline):
 * a greeting, a cached answer, the profile's passages retrieved, a decline when they do not cover the question,
 * passages offline, or the model's streamed answer; then the follow-up suggestions offered under it.
 */
import { addressesThePerson, looksLikeFollowUp } from './addressing.js';
import { AnswerCache } from './answer-cache.js';
import { asTwinError } from './errors.js';
import { answerVariant, armCallOptions } from './experiments/arm-call.js';
import type { ArmAssignment } from './experiments/experiment.js';
import { extractiveAnswer, OFFLINE_NOTICE } from './extractive-answer.js';
import * as fail from './failure-messages.js';
import type { FollowUpOffers } from './follow-up-offers.js';
import { followUpQuestions } from './follow-up-questions.js';
import { CORE_HISTORY_TURNS } from './history-rules.js';
import { isGreeting } from './input-rules.js';
import { LEAK_REPLACEMENT } from './leak-check.js';
import type { Clock, KeyValueStore, LlmClient, Logger, ProfileRetriever } from './ports.js';
import { buildPrompt, NOT_IN_PROFILE } from './prompt.js';
import { sourcesOf, streamAnswer, type Tally } from './stream-answer.js';
import type { Answer, AskRequest, ReplyEvent, RetrievedChunk, Turn, TwinProfile, UsageRecord } from './types.js';
import { INTRODUCTION_TYPE } from './types.js';

/** The settings that shape an answer (part of TwinServiceOptions). */
export interface AnswerOptions {
  /** Every question gets its final reply within this (TWIN_DEADLINE_S). */
  deadlineMs: number;
  /** Completion limit (GROQ_MAX_TOKENS); with the context window it sets the prompt budget. */
  maxTokens: number;
  /** The model's context window in tokens. */
  contextTokens?: number;
  topK?: number;
  /** Tokens (approximate) the retrieved chunks may take in one prompt; the best chunk always goes in. */
  chunkBudgetTokens?: number;
  /** Turns of history kept (the newest); default `CORE_HISTORY_TURNS` (core/history-rules.ts). */
  maxHistoryTurns?: number;
  /** How long an answer is reused (TWIN_CACHE_TTL_S); 0 turns the cache off. Default one hour. */
  cacheTtlMs?: number;
  /**
   * What decides an answer outside an experiment besides the profile and the question (model and temperature), so a
   * changed setting never reuses an answer cached before it. Default: the LLM's models, or `offline`.
   */
  answerSetting?: string;
}

export interface ProfileAnswererDeps {
  profile: TwinProfile;
  retriever: ProfileRetriever;
  /** Absent: offline mode, extractive answers. */
  llm?: LlmClient;
  logger: Logger;
  clock: Clock;
  options: AnswerOptions;
  /** The models a call preferring `model` may use, that model first (GROQ_FALLBACK_MODELS after it). */
  modelChain?: (model: string) => readonly string[];
  /** Where answers are cached across restarts and replicas; absent: this process's memory only. */
  cacheStore?: KeyValueStore;
  /** Where an answer's follow-up suggestions are kept for their buttons (TwinService.takeFollowUp reads them). */
  offers: FollowUpOffers;
  /** True once the service is shutting down: a stream cut then is told as a restart. */
  closing: () => boolean;
}

/** One admitted question, with what the admission set up around it. */
export interface AnswerTurn {
  /** The question as checked (trimmed). */
  question: string;
  request: AskRequest;
  signal: AbortSignal;
  /** Epoch ms by which the final reply is due. */
  deadline: number;
  /** What the request spends, filled in as the answer is made. */
  tally: Tally;
  /** Writes the request's one final ledger record. */
  record: (outcome: UsageRecord['outcome'], extra: Partial<UsageRecord>) => Promise<void>;
  assignment: ArmAssignment | undefined;
  requestId: string;
}

/**
 * About 500 real tokens of evidence (the approximate counter over-counts English by about a quarter): four of the
 * workshop's 40-70-word chunks, or two or three long derived ones. With the instructions and the overview (about
 * 450) the prompt stays under 1 000 tokens, about 800 on average.
 */
const DEFAULT_CHUNK_BUDGET = 640;

/** Tokens kept free for the prompt; gpt-oss serves 131k, but a twin's prompt never needs more than a few thousand. */
const DEFAULT_PROMPT_BUDGET = 6_000;

export class ProfileAnswerer {
  private readonly profile: TwinProfile;
  private readonly cache: AnswerCache;
  private readonly toldOffline = new Set<string>();

  constructor(private readonly deps: ProfileAnswererDeps) {
    this.profile = deps.profile;
    this.cache = new AnswerCache({
      clock: deps.clock,
      ttlMs: deps.options.cacheTtlMs ?? 3_600_000,
      store: deps.cacheStore,
      logger: deps.logger,
    });
  }

  /** What decides an answer outside an experiment besides the profile and the question (cache keys). */
  private get answerSetting(): string {
    return this.deps.options.answerSetting ?? (this.deps.llm ? `llm:${this.deps.llm.models.join(',')}` : 'offline');
  }

  /** One admitted question's answer: a greeting, a cached answer, a decline, passages offline, or the model's. */
  async *answer(turn: AnswerTurn): AsyncGenerator<ReplyEvent> {
    const { question, request, signal, deadline, tally, record, assignment, requestId } = turn;
    const profile = this.profile;
    const offers = this.deps.offers;
    const finish = async function* (answer: Answer, extra: Partial<UsageRecord> = {}): AsyncGenerator<ReplyEvent> {
      await record('answered', { mode: answer.mode, model: answer.model, ...extra });
      const usage = { promptTokens: tally.promptTokens, completionTokens: tally.completionTokens };
      const followUps = followUpQuestions({ question, sources: answer.sources, profile });
      await offers.offer(requestId, request.tenantId, followUps);
      yield { type: 'final', answer: { ...answer, usage, requestId, followUps } };
    };
    yield { type: 'status', phase: 'thinking', text: 'Thinking…' };

    if (isGreeting(question)) {
      yield* finish(this.greeting());
      return;
    }
    const history = (request.history ?? []).slice(-(this.deps.options.maxHistoryTurns ?? CORE_HISTORY_TURNS));
    // why: a follow-up's answer depends on this tenant's conversation, so only questions on their own are cached.
    const cacheKey =
      history.length === 0 && this.cache.enabled
        ? AnswerCache.key({
            profileVersion: this.profile.version,
            variant: answerVariant(this.answerSetting, assignment),
            question,
          })
        : undefined;
    const cached = cacheKey ? await this.cache.get(cacheKey) : undefined;
    if (cached) {
      if (cached.answer.model) tally.model = cached.answer.model;
      yield { type: 'delta', text: cached.answer.text };
      yield* finish(cached.answer, { cached: true, savedTokens: cached.tokens });
      return;
    }

    const llm = this.deps.llm;
    let chunks: RetrievedChunk[];
    try {
      chunks = await this.retrieve(question, history, llm !== undefined, signal);
    } catch (err) {
      const e = asTwinError(err, 'retrieval');
      this.deps.logger.error({ event: 'twin.retrieval_failed', err: e, code: e.code }, 'retrieval failed');
      const f = fail.failure(
        'internal',
        "I couldn't look through my profile just now. Please try again in a moment.",
        30_000,
      );
      await record('failed', { errorCode: f.code, failureCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }

    // Who decides to decline (issue 12): offline, the strict threshold (only strong chunks answer); with a model,
    // the model, shown the best candidates and the overview, unless the question is plainly not about the person.
    const strong = chunks.filter((c) => !c.weak);
    // why: in a conversation every message is to the twin, even "which ones?" without a "you".
    const addressed = history.length > 0 || addressesThePerson(question, this.profile.name);
    const declineNow = llm ? strong.length === 0 && !addressed : strong.length === 0;
    if (declineNow) {
      const answer: Answer = { text: NOT_IN_PROFILE, sources: [], mode: 'declined' };
      yield { type: 'delta', text: answer.text };
      yield* finish(this.withOfflineNotice(answer, request));
      return;
    }

    if (!llm) {
      const answer = this.withOfflineNotice(this.offlineAnswer(strong), request);
      yield { type: 'delta', text: answer.text };
      if (cacheKey) await this.cache.set(cacheKey, { answer, tokens: 0 });
      yield* finish(answer);
      return;
    }

    const options = this.deps.options;
    const prompt = buildPrompt({
      personName: this.profile.name,
      personTitle: this.profile.title,
      overview: this.profile.overview.text,
      chunks,
      question,
      history,
      budgetTokens: Math.min(DEFAULT_PROMPT_BUDGET, (options.contextTokens ?? 131_072) - options.maxTokens),
      chunkBudgetTokens: options.chunkBudgetTokens ?? DEFAULT_CHUNK_BUDGET,
      style: assignment?.arm.prompt?.text,
    });
    const outcome = yield* streamAnswer({
      llm,
      prompt,
      call: {
        tenantId: request.tenantId,
        maxTokens: options.maxTokens,
        deadline,
        signal,
        ...armCallOptions(assignment, this.deps.modelChain),
      },
      tally,
      logger: this.deps.logger,
      deadlineMs: options.deadlineMs,
      closing: this.deps.closing,
      now: () => this.deps.clock.now(),
    });
    if ('failure' in outcome) {
      await record('failed', { errorCode: outcome.errorCode, failureCode: outcome.failure.code });
      yield { type: 'failure', failure: outcome.failure };
      return;
    }
    if (cacheKey && outcome.answer.text !== LEAK_REPLACEMENT) {
      await this.cache.set(cacheKey, { answer: outcome.answer, tokens: tally.promptTokens + tally.completionTokens });
    }
    yield* finish(outcome.answer);
  }

  /**
   * The chunks for a question: strong ones, and with a model also the best weak candidates. A follow-up ("and before
   * that?", "tell me more") carries little topic of its own, so it is searched together with the previous question
   * too, its own matches first.
   */
  private async retrieve(
    question: string,
    history: Turn[],
    includeWeak: boolean,
    signal: AbortSignal,
  ): Promise<RetrievedChunk[]> {
    const topK = this.deps.options.topK ?? 4;
    const own = await this.deps.retriever.retrieve(question, { topK, signal, includeWeak });
    const lastUser = [...history].reverse().find((t) => t.role === 'user')?.text;
    if (!lastUser || !looksLikeFollowUp(question)) return own;
    const context = await this.deps.retriever.retrieve(`${lastUser}\n${question}`, { topK, signal, includeWeak });
    const merged = [...own.filter((c) => !c.weak), ...context.filter((c) => !c.weak), ...own, ...context];
    const seen = new Set<string>();
    return merged.filter((c) => !seen.has(c.chunk.id) && seen.add(c.chunk.id)).slice(0, topK);
  }

  /** Without a model: "tell me about yourself" from the overview's introduction, anything else from passages. */
  private offlineAnswer(chunks: RetrievedChunk[]): Answer {
    const top = chunks[0];
    if (top?.reasons?.some((r) => r.kind === 'type' && r.type === INTRODUCTION_TYPE)) {
      return { text: this.profile.overview.introduction, sources: sourcesOf([top]), mode: 'extractive' };
    }
    const { text, used } = extractiveAnswer(chunks);
    return { text, sources: sourcesOf(used), mode: 'extractive' };
  }

  private greeting(): Answer {
    const who = this.profile.title ? `${this.profile.name}, ${this.profile.title}` : this.profile.name;
    const examples = this.profile.exampleQuestions.slice(0, 3).map((q) => `“${q}”`);
    const tail = examples.length > 0 ? ` You could ask me ${examples.join(', ')}.` : '';
    return {
      text: `Hi! I'm the digital twin of ${who}. Ask me about my experience, skills, projects, education or goals.${tail}`,
      sources: [],
      mode: 'extractive',
    };
  }

  /** In offline mode, the first answer in each channel says why answers are passages. */
  private withOfflineNotice(answer: Answer, request: AskRequest): Answer {
    if (this.deps.llm) return answer;
    const key = `${request.tenantId}\u0000${request.channelId}`;
    if (this.toldOffline.has(key)) return answer;
    this.toldOffline.add(key);
    return { ...answer, notice: OFFLINE_NOTICE };
  }
}
