/**
 * The twin: every platform's requests come here. `ask` turns a question into a stream of reply events and one
 * ledger record; `usage` gives an admin the report for their own tenant. All the rules live here (STYLE.md 2).
 */
import { addressesThePerson, looksLikeFollowUp } from './addressing.js';
import { AnswerCache } from './answer-cache.js';
import { AnswerFeedback } from './answer-feedback.js';
import { asTwinError, TwinError } from './errors.js';
import { answerVariant, armCallOptions } from './experiments/arm-call.js';
import { type ArmAssignment, assignArm, type Experiment } from './experiments/experiment.js';
import { extractiveAnswer, OFFLINE_NOTICE } from './extractive-answer.js';
import * as fail from './failure-messages.js';
import { FollowUpOffers } from './follow-up-offers.js';
import { followUpQuestions } from './follow-up-questions.js';
import { CORE_HISTORY_TURNS } from './history-rules.js';
import { checkQuestion, isGreeting, MAX_QUESTION_CHARS } from './input-rules.js';
import { LEAK_REPLACEMENT } from './leak-check.js';
import { type DashboardLinks, type DeskRequest, type DeskResult, OperatorDesk } from './operator-desk.js';
import type {
  Clock,
  CostEstimator,
  FeedbackStore,
  KeyValueStore,
  LlmClient,
  Logger,
  ProfileRetriever,
  UsageChartRenderer,
  UsageStore,
} from './ports.js';
import { systemClock } from './ports.js';
import { buildPrompt, NOT_IN_PROFILE } from './prompt.js';
import type { QuotaCheck, QuotaGuard } from './quota-guard.js';
import { RequestLedger } from './request-ledger.js';
import { sourcesOf, streamAnswer, type Tally } from './stream-answer.js';
import type { TenantKind } from './tenant.js';
import { systemTimers, type Timers } from './timers.js';
import { TwinReports } from './twin-reports.js';
import type {
  Answer,
  AskRequest,
  FeedbackRequest,
  FeedbackResult,
  FollowUpRequest,
  FollowUpResult,
  QuotaChangeRequest,
  QuotaChangeResult,
  ReplyEvent,
  RetrievedChunk,
  Turn,
  TwinProfile,
  UsageRecord,
  UsageRequest,
  UsageResult,
} from './types.js';
import { INTRODUCTION_TYPE } from './types.js';
import type { UserRate } from './user-rate-guard.js';
import { UserRateGuard } from './user-rate-guard.js';

export interface TwinServiceOptions {
  /** Every question gets its final reply within this (TWIN_DEADLINE_S). */
  deadlineMs: number;
  userRate: UserRate;
  /** Platform user ids that count as admins in any tenant (TWIN_ADMINS). */
  admins: readonly string[];
  /** Completion limit (GROQ_MAX_TOKENS); with the context window it sets the prompt budget. */
  maxTokens: number;
  /** The model's context window in tokens. */
  contextTokens?: number;
  topK?: number;
  /** Tokens (approximate) the retrieved chunks may take in one prompt; the best chunk always goes in. */
  chunkBudgetTokens?: number;
  /** Turns of history kept (the newest); default `CORE_HISTORY_TURNS` (core/history-rules.ts). */
  maxHistoryTurns?: number;
  maxQuestionChars?: number;
  /** How long an answer is reused (TWIN_CACHE_TTL_S); 0 turns the cache off. Default one hour. */
  cacheTtlMs?: number;
  /**
   * What decides an answer outside an experiment besides the profile and the question (model and temperature), so a
   * changed setting never reuses an answer cached before it. Default: the LLM's models, or `offline`.
   */
  answerSetting?: string;
}

const DESK_OFF: DeskResult = { kind: 'refused', message: 'Alerts and the dashboard are not set up on this bot.' };

export interface TwinServiceDeps {
  profile: TwinProfile;
  retriever: ProfileRetriever;
  /** Absent: offline mode, extractive answers. */
  llm?: LlmClient;
  usage: UsageStore;
  /** Where 👍/👎 on answers are kept; without it answers carry no feedback buttons' target and votes are refused. */
  feedback?: FeedbackStore;
  logger: Logger;
  clock?: Clock;
  /** Where the deadline and the shutdown's waits get their timers (STYLE.md 16). Default: Node's. */
  timers?: Timers;
  estimateCost?: CostEstimator;
  quota?: QuotaGuard;
  /** Draws the report's chart; without it reports are text (with a sparkline) only. */
  chart?: UsageChartRenderer;
  /** TWIN_EXPERIMENT: each request runs in the arm its tenant and user hash to, and the ledger records which. */
  experiment?: Experiment;
  /** The models a call preferring `model` may use, that model first (GROQ_FALLBACK_MODELS after it). */
  modelChain?: (model: string) => readonly string[];
  /** Where answers are cached across restarts and replicas; absent: this process's memory only. */
  cacheStore?: KeyValueStore;
  /** Where `/twin-usage alerts` keeps the tenants' alert channels, and the dashboard's links (issue 14). */
  desk?: { kv: KeyValueStore; links?: DashboardLinks };
  options: TwinServiceOptions;
}

/**
 * About 500 real tokens of evidence (the approximate counter over-counts English by about a quarter): four of the
 * workshop's 40-70-word chunks, or two or three long derived ones. With the instructions and the overview (about
 * 450) the prompt stays under 1 000 tokens, about 800 on average.
 */
const DEFAULT_CHUNK_BUDGET = 640;

/** Tokens kept free for the prompt; gpt-oss serves 131k, but a twin's prompt never needs more than a few thousand. */
const DEFAULT_PROMPT_BUDGET = 6_000;

export class TwinService {
  readonly profile: TwinProfile;
  private readonly deps: TwinServiceDeps;
  private readonly clock: Clock;
  private readonly timers: Timers;
  /** Called whenever the last answer in flight ends (close() waits on them). */
  private readonly idleWaiters = new Set<() => void>();
  private readonly guard: UserRateGuard;
  private readonly cache: AnswerCache;
  private readonly reports: TwinReports;
  private readonly desk?: OperatorDesk;
  private readonly votes?: AnswerFeedback;
  private readonly followUps: FollowUpOffers;
  private readonly inFlight = new Set<AbortController>();
  private readonly toldOffline = new Set<string>();
  private closing = false;

  constructor(deps: TwinServiceDeps) {
    this.deps = deps;
    this.profile = deps.profile;
    this.clock = deps.clock ?? systemClock;
    this.timers = deps.timers ?? systemTimers;
    this.guard = new UserRateGuard(deps.options.userRate, this.clock);
    this.cache = new AnswerCache({
      clock: this.clock,
      ttlMs: deps.options.cacheTtlMs ?? 3_600_000,
      store: deps.cacheStore,
      logger: deps.logger,
    });
    this.reports = new TwinReports({ ...deps, admins: deps.options.admins, clock: this.clock });
    this.desk = deps.desk && new OperatorDesk({ ...deps.desk, isAdmin: (r) => this.reports.isAdmin(r) });
    if (deps.feedback)
      this.votes = new AnswerFeedback({ store: deps.feedback, clock: this.clock, logger: deps.logger });
    this.followUps = new FollowUpOffers(this.clock);
  }

  /** True when answers can be voted on (a feedback store is wired): adapters show 👍/👎 only then. */
  get takesFeedback(): boolean {
    return this.votes !== undefined;
  }

  /** What decides an answer outside an experiment besides the profile and the question (cache keys). */
  private get answerSetting(): string {
    return this.deps.options.answerSetting ?? (this.deps.llm ? `llm:${this.deps.llm.models.join(',')}` : 'offline');
  }

  /** True when answers come from Groq; false in offline (extractive) mode. */
  get online(): boolean {
    return this.deps.llm !== undefined;
  }

  /** Answers one question. The stream always ends with exactly one `final` or `failure` event. */
  async *ask(request: AskRequest): AsyncGenerator<ReplyEvent> {
    // why: assigned before anything else, so every row of the request (refusals too) carries its arm.
    const assignment = this.deps.experiment
      ? assignArm(this.deps.experiment, request.tenantId, request.userId)
      : undefined;
    const ledger = new RequestLedger({ ...this.deps, clock: this.clock }, request, this.clock.now(), assignment);
    const { startedAt, tally } = ledger;
    const record = (outcome: UsageRecord['outcome'], extra: Partial<UsageRecord>) => ledger.record(outcome, extra);

    if (this.closing) {
      const f = fail.shuttingDown();
      await record('refused', { errorCode: f.code, failureCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }
    const max = this.deps.options.maxQuestionChars ?? MAX_QUESTION_CHARS;
    const checked = checkQuestion(request.question, max);
    if (!checked.ok) {
      const f =
        checked.code === 'empty_question'
          ? fail.emptyQuestion(this.profile.exampleQuestions[0])
          : fail.questionTooLong(checked.length, max);
      await record('refused', { errorCode: f.code, failureCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }
    const admitted = this.guard.admit(request.tenantId, request.userId);
    if (!admitted.ok) {
      const f = fail.userRateLimited(admitted.retryAfterMs);
      await record('refused', { errorCode: f.code, failureCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }
    // why: the row is written inside the quota step, so another replica's check of this tenant already counts it.
    let opened = false;
    const quota = await this.checkQuota(request.tenantId, request.tenant?.kind, async () => {
      opened = true;
      await ledger.open();
    });
    if (!quota.ok) {
      admitted.release();
      const f = fail.failure('over_quota', quota.message, quota.retryAfterMs);
      await record('refused', { errorCode: f.code, failureCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }

    // why: the row exists from admission on, so a crash mid-answer still leaves what the request spent (issue 19.9).
    if (!opened) await ledger.open();
    const progress = ledger.follow();
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = startedAt + this.deps.options.deadlineMs;
    const timer = this.timers.setTimeout(
      () => controller.abort(new TwinError('deadline', 'deadline passed')),
      this.deps.options.deadlineMs,
    );
    this.inFlight.add(controller);
    try {
      const answering = this.answer(
        checked.question,
        request,
        controller.signal,
        deadline,
        tally,
        record,
        assignment,
        ledger.id,
      );
      for await (const event of answering) {
        progress.saw(event);
        yield event;
      }
    } finally {
      progress.stop();
      this.timers.clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      this.inFlight.delete(controller);
      if (this.inFlight.size === 0) for (const idle of [...this.idleWaiters]) idle();
      admitted.release();
    }
  }

  private async *answer(
    question: string,
    request: AskRequest,
    signal: AbortSignal,
    deadline: number,
    tally: Tally,
    record: (outcome: UsageRecord['outcome'], extra: Partial<UsageRecord>) => Promise<void>,
    assignment: ArmAssignment | undefined,
    requestId: string,
  ): AsyncGenerator<ReplyEvent> {
    const profile = this.profile;
    const offers = this.followUps;
    const finish = async function* (answer: Answer, extra: Partial<UsageRecord> = {}): AsyncGenerator<ReplyEvent> {
      await record('answered', { mode: answer.mode, model: answer.model, ...extra });
      const usage = { promptTokens: tally.promptTokens, completionTokens: tally.completionTokens };
      const followUps = followUpQuestions({ question, sources: answer.sources, profile });
      offers.offer(requestId, request.tenantId, followUps);
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
      closing: () => this.closing,
      now: () => this.clock.now(),
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

  private async checkQuota(
    tenantId: string,
    kind: TenantKind | undefined,
    admit: () => Promise<void>,
  ): Promise<QuotaCheck> {
    const quota = this.deps.quota;
    if (!quota) return { ok: true };
    try {
      return quota.checkAndAdmit ? await quota.checkAndAdmit(tenantId, kind, admit) : await quota.check(tenantId, kind);
    } catch (err) {
      // why: a ledger hiccup must not stop answers; the request is still recorded and counted later.
      this.deps.logger.warn({ event: 'twin.quota_check_failed', err, tenant: tenantId }, 'quota check failed');
      return { ok: true };
    }
  }

  /** Records (or changes) a 👍/👎 on an answer of the asker's own tenant; refused for any other. */
  async feedback(request: FeedbackRequest): Promise<FeedbackResult> {
    if (!this.votes) return { kind: 'refused', message: 'This twin does not keep feedback.' };
    return this.votes.record(request);
  }

  /** The question behind a follow-up button, for the same ask path as a typed question; once per person. */
  takeFollowUp(request: FollowUpRequest): FollowUpResult {
    return this.followUps.take(request);
  }

  /** A tenant's usage report, for admins of that tenant only. */
  usage(request: UsageRequest): Promise<UsageResult> {
    return this.reports.usage(request);
  }

  /** Sets or clears the asker's own tenant's quota: admins only, and only operators may loosen past the defaults. */
  setQuota(request: QuotaChangeRequest): Promise<QuotaChangeResult> {
    return this.reports.setQuota(request);
  }

  /** `/twin-usage alerts`: the channel where the asker's tenant gets its quota alerts; admins only. */
  setAlertChannel(request: DeskRequest & { channelId: string }): Promise<DeskResult> {
    return this.desk ? this.desk.setAlertChannel(request) : Promise.resolve(DESK_OFF);
  }

  /** `/twin-usage dashboard`: a signed read-only link to the asker's own tenant's web dashboard; admins only. */
  dashboardLink(request: DeskRequest): Promise<DeskResult> {
    return this.desk ? this.desk.dashboardLink(request) : Promise.resolve(DESK_OFF);
  }

  /** Totals of one tenant since a moment, e.g. a console session, as one line for the person leaving. */
  sessionTotals(tenantId: string, since: number): Promise<string> {
    return this.reports.sessionTotals(tenantId, since);
  }

  /**
   * Stops taking questions, gives answers in flight `graceMs` to finish, then aborts the rest (their askers are
   * told the twin is restarting, and their records are written by `ask` itself).
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    if (graceMs > 0) await this.untilIdle(graceMs);
    for (const controller of this.inFlight) controller.abort(new TwinError('aborted', 'shutting down'));
    // Aborted answers write their records and final messages; a stream nobody reads any more cannot, so bound it.
    await this.untilIdle(5_000);
  }

  /** Resolves when no answer is in flight, or after `ms` on the timers port, whichever comes first. */
  private untilIdle(ms: number): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.timers.clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      const timer = this.timers.setTimeout(done, ms);
      this.idleWaiters.add(done);
    });
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }
}
