/**
 * The twin: every platform's requests come here. `ask` turns a question into a stream of reply events and one
 * ledger record; `usage` gives an admin the report for their own tenant. All the rules live here (STYLE.md 2).
 */
import { randomUUID } from 'node:crypto';
import { AnswerCache } from './answer-cache.js';
import { asTwinError, TwinError } from './errors.js';
import { extractiveAnswer, OFFLINE_NOTICE } from './extractive-answer.js';
import * as fail from './failure-messages.js';
import { checkQuestion, isGreeting, MAX_QUESTION_CHARS } from './input-rules.js';
import type {
  Clock,
  CostEstimator,
  LlmClient,
  Logger,
  ProfileRetriever,
  UsageChartRenderer,
  UsageStore,
} from './ports.js';
import { systemClock } from './ports.js';
import type { TokenCounter } from './prompt.js';
import { approxTokens, buildPrompt, LEAK_REPLACEMENT, looksLikeLeakedInstructions, NOT_IN_PROFILE } from './prompt.js';
import { quotaChangeProblem } from './quota-change.js';
import type { QuotaCheck, QuotaGuard } from './quota-guard.js';
import type {
  Answer,
  AskRequest,
  Failure,
  QuotaChangeRequest,
  QuotaChangeResult,
  ReplyEvent,
  RetrievedChunk,
  TwinProfile,
  UsageRecord,
  UsageRequest,
  UsageResult,
  UsageSummary,
} from './types.js';
import { renderSessionTotals, renderUsageText, WINDOW_MS } from './usage-report.js';
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
  maxHistoryTurns?: number;
  maxQuestionChars?: number;
}

export interface TwinServiceDeps {
  profile: TwinProfile;
  retriever: ProfileRetriever;
  /** Absent: offline mode, extractive answers. */
  llm?: LlmClient;
  usage: UsageStore;
  logger: Logger;
  clock?: Clock;
  estimateCost?: CostEstimator;
  countTokens?: TokenCounter;
  quota?: QuotaGuard;
  /** Draws the report's chart; without it reports are text (with a sparkline) only. */
  chart?: UsageChartRenderer;
  options: TwinServiceOptions;
}

/** Tokens kept free for the prompt; gpt-oss serves 131k, but a twin's prompt never needs more than a few thousand. */
const DEFAULT_PROMPT_BUDGET = 6_000;
/** why: the first words of a reply are checked for leaked instructions before anyone sees them. */
const HOLD_BACK_CHARS = 160;

interface Tally {
  model?: string;
  promptTokens: number;
  completionTokens: number;
  attempts: number;
  queueMs: number;
}

export class TwinService {
  readonly profile: TwinProfile;
  private readonly deps: TwinServiceDeps;
  private readonly clock: Clock;
  private readonly guard: UserRateGuard;
  private readonly cache: AnswerCache;
  private readonly inFlight = new Set<AbortController>();
  private readonly toldOffline = new Set<string>();
  private closing = false;

  constructor(deps: TwinServiceDeps) {
    this.deps = deps;
    this.profile = deps.profile;
    this.clock = deps.clock ?? systemClock;
    this.guard = new UserRateGuard(deps.options.userRate, this.clock);
    this.cache = new AnswerCache(this.clock);
  }

  /** True when answers come from Groq; false in offline (extractive) mode. */
  get online(): boolean {
    return this.deps.llm !== undefined;
  }

  /** Answers one question. The stream always ends with exactly one `final` or `failure` event. */
  async *ask(request: AskRequest): AsyncGenerator<ReplyEvent> {
    const startedAt = this.clock.now();
    const tally: Tally = { promptTokens: 0, completionTokens: 0, attempts: 0, queueMs: 0 };
    const record = (outcome: UsageRecord['outcome'], extra: Partial<UsageRecord>) =>
      this.record(request, startedAt, tally, outcome, extra);

    if (this.closing) {
      const f = fail.shuttingDown();
      await record('refused', { errorCode: f.code });
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
      await record('refused', { errorCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }
    const admitted = this.guard.admit(request.tenantId, request.userId);
    if (!admitted.ok) {
      const f = fail.userRateLimited(admitted.retryAfterMs);
      await record('refused', { errorCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }
    const quota = await this.checkQuota(request.tenantId);
    if (!quota.ok) {
      admitted.release();
      const f = fail.failure('over_quota', quota.message, quota.retryAfterMs);
      await record('refused', { errorCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }

    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = startedAt + this.deps.options.deadlineMs;
    const timer = setTimeout(
      () => controller.abort(new TwinError('deadline', 'deadline passed')),
      this.deps.options.deadlineMs,
    );
    this.inFlight.add(controller);
    try {
      yield* this.answer(checked.question, request, controller.signal, deadline, tally, record);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      this.inFlight.delete(controller);
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
  ): AsyncGenerator<ReplyEvent> {
    const finish = async function* (answer: Answer): AsyncGenerator<ReplyEvent> {
      await record('answered', { mode: answer.mode, model: answer.model });
      yield { type: 'final', answer };
    };
    yield { type: 'status', phase: 'thinking', text: 'Thinking…' };

    if (isGreeting(question)) {
      yield* finish(this.greeting());
      return;
    }
    const history = (request.history ?? []).slice(-(this.deps.options.maxHistoryTurns ?? 6));
    const cacheKey = history.length === 0 ? AnswerCache.key(this.profile.version, question) : undefined;
    const cached = cacheKey ? this.cache.get(cacheKey) : undefined;
    if (cached) {
      if (cached.model) tally.model = cached.model;
      yield { type: 'delta', text: cached.text };
      yield* finish(cached);
      return;
    }

    let chunks: RetrievedChunk[];
    try {
      const topK = this.deps.options.topK ?? 4;
      chunks = await this.deps.retriever.retrieve(question, { topK, signal });
      // A follow-up like "tell me more" carries no topic of its own: only then search with the previous question.
      const lastUser = [...history].reverse().find((t) => t.role === 'user')?.text;
      if (chunks.length === 0 && lastUser) {
        chunks = await this.deps.retriever.retrieve(`${lastUser}\n${question}`, { topK, signal });
      }
    } catch (err) {
      const e = asTwinError(err, 'retrieval');
      this.deps.logger.error({ event: 'twin.retrieval_failed', err: e, code: e.code }, 'retrieval failed');
      const f = fail.failure(
        'internal',
        "I couldn't look through my profile just now. Please try again in a moment.",
        30_000,
      );
      await record('failed', { errorCode: f.code });
      yield { type: 'failure', failure: f };
      return;
    }

    if (chunks.length === 0) {
      const answer: Answer = { text: NOT_IN_PROFILE, sources: [], mode: 'declined' };
      yield { type: 'delta', text: answer.text };
      yield* finish(this.withOfflineNotice(answer, request));
      return;
    }

    const llm = this.deps.llm;
    if (!llm) {
      const { text, used } = extractiveAnswer(chunks);
      const answer = this.withOfflineNotice({ text, sources: sourcesOf(used), mode: 'extractive' }, request);
      yield { type: 'delta', text };
      if (cacheKey) this.cache.set(cacheKey, { ...answer, notice: undefined });
      yield* finish(answer);
      return;
    }

    const outcome = yield* this.generate(llm, question, history, chunks, request, signal, deadline, tally);
    if ('failure' in outcome) {
      await record('failed', { errorCode: outcome.errorCode });
      yield { type: 'failure', failure: outcome.failure };
      return;
    }
    if (cacheKey && outcome.answer.text !== LEAK_REPLACEMENT) this.cache.set(cacheKey, outcome.answer);
    yield* finish(outcome.answer);
  }

  /** Streams an answer from the LLM, holding back the first words until they pass the leak check. */
  private async *generate(
    llm: LlmClient,
    question: string,
    history: NonNullable<AskRequest['history']>,
    chunks: RetrievedChunk[],
    request: AskRequest,
    signal: AbortSignal,
    deadline: number,
    tally: Tally,
  ): AsyncGenerator<ReplyEvent, { answer: Answer } | { failure: Failure; errorCode: string }> {
    const options = this.deps.options;
    const budget = Math.min(DEFAULT_PROMPT_BUDGET, (options.contextTokens ?? 131_072) - options.maxTokens);
    const prompt = buildPrompt({
      personName: this.profile.name,
      personTitle: this.profile.title,
      chunks,
      question,
      history,
      budgetTokens: budget,
      countTokens: this.deps.countTokens ?? approxTokens,
    });
    let text = '';
    let shown = 0;
    let leaked = false;
    let lastPosition = 0;
    try {
      for await (const event of llm.stream({
        tenantId: request.tenantId,
        messages: prompt.messages,
        maxTokens: options.maxTokens,
        deadline,
        signal,
      })) {
        switch (event.type) {
          case 'queued':
            if (event.position !== lastPosition && event.position > 1) {
              yield {
                type: 'status',
                phase: 'queued',
                position: event.position,
                text: `You're number ${event.position} in line…`,
              };
            }
            lastPosition = event.position;
            break;
          case 'attempt':
            tally.attempts = event.attempt;
            tally.model = event.model;
            tally.queueMs = event.queueMs;
            if (lastPosition > 1) yield { type: 'status', phase: 'thinking', text: 'Thinking…' };
            lastPosition = 0;
            break;
          case 'usage':
            tally.model = event.model;
            tally.promptTokens += event.promptTokens;
            tally.completionTokens += event.completionTokens;
            break;
          case 'restart':
            if (shown > 0) yield { type: 'reset' };
            text = '';
            shown = 0;
            break;
          case 'delta':
            if (leaked) break;
            text += event.text;
            if (looksLikeLeakedInstructions(text)) {
              leaked = true;
              if (shown > 0) yield { type: 'reset' };
              shown = 0;
            } else if (text.length >= HOLD_BACK_CHARS) {
              yield { type: 'delta', text: text.slice(shown) };
              shown = text.length;
            }
            break;
          case 'done':
            tally.model = event.model;
            break;
          case 'limits':
            break;
        }
      }
    } catch (err) {
      const reason = signal.aborted ? signal.reason : undefined;
      const e = asTwinError(reason instanceof TwinError ? reason : err, 'internal');
      if (e.code === 'internal') this.deps.logger.error({ event: 'twin.bug', err }, 'unexpected error while answering');
      if (tally.attempts === 0) tally.attempts = 1;
      const f = this.closing && e.code === 'aborted' ? fail.shuttingDown() : fail.fromError(e, options.deadlineMs);
      return { failure: f, errorCode: e.code };
    }
    if (tally.attempts === 0) tally.attempts = 1;
    if (leaked) {
      this.deps.logger.warn({ event: 'twin.leak_replaced', tenant: request.tenantId }, 'reply repeated instructions');
      yield { type: 'delta', text: LEAK_REPLACEMENT };
      return { answer: { text: LEAK_REPLACEMENT, sources: [], mode: 'llm', model: tally.model } };
    }
    const finalText = text.trim() === '' ? NOT_IN_PROFILE : text;
    if (shown < finalText.length) yield { type: 'delta', text: finalText.slice(shown) };
    const declined = finalText.trim() === NOT_IN_PROFILE;
    return {
      answer: {
        text: finalText,
        sources: declined ? [] : sourcesOf(prompt.usedChunks),
        mode: declined ? 'declined' : 'llm',
        model: tally.model,
      },
    };
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

  private async checkQuota(tenantId: string): Promise<QuotaCheck> {
    if (!this.deps.quota) return { ok: true };
    try {
      return await this.deps.quota.check(tenantId);
    } catch (err) {
      // why: a ledger hiccup must not stop answers; the request is still recorded and counted later.
      this.deps.logger.warn({ event: 'twin.quota_check_failed', err, tenant: tenantId }, 'quota check failed');
      return { ok: true };
    }
  }

  /** Writes the one ledger record of a request before its final event is delivered. */
  private async record(
    request: AskRequest,
    startedAt: number,
    tally: Tally,
    outcome: UsageRecord['outcome'],
    extra: Partial<UsageRecord>,
  ): Promise<void> {
    const model = extra.model ?? tally.model;
    const costUsd =
      model && this.deps.estimateCost ? this.deps.estimateCost(model, tally.promptTokens, tally.completionTokens) : 0;
    const rec: UsageRecord = {
      id: randomUUID(),
      at: startedAt,
      platform: request.platform,
      tenantId: request.tenantId,
      enterpriseId: request.enterpriseId,
      channelId: request.channelId,
      userId: request.userId,
      userName: request.userName,
      command: request.command,
      model,
      promptTokens: tally.promptTokens,
      completionTokens: tally.completionTokens,
      totalTokens: tally.promptTokens + tally.completionTokens,
      latencyMs: this.clock.now() - startedAt,
      queueMs: tally.queueMs,
      attempts: tally.attempts,
      outcome,
      errorCode: extra.errorCode,
      costUsd,
      mode: extra.mode,
    };
    this.deps.logger.info({ event: 'twin.usage', ...rec }, `request ${outcome}`);
    try {
      await this.deps.usage.record(rec);
    } catch (err) {
      // The store keeps its own retry buffer; the log line above is the record of last resort.
      this.deps.logger.error({ event: 'twin.usage_write_failed', err, id: rec.id }, 'usage record not written');
    }
  }

  private isOperator(userId: string): boolean {
    return this.deps.options.admins.includes(userId);
  }

  private isAdmin(request: { platform: string; userId: string; isPlatformAdmin: boolean }): boolean {
    return request.isPlatformAdmin || this.isOperator(request.userId) || request.platform === 'console';
  }

  /** Sets or clears the asker's own tenant's quota: admins only, and only operators may loosen past the defaults. */
  async setQuota(request: QuotaChangeRequest): Promise<QuotaChangeResult> {
    if (!this.isAdmin(request)) {
      return { kind: 'refused', message: 'Quotas can be changed by the admins of this server or workspace.' };
    }
    const quota = this.deps.quota;
    if (!quota) return { kind: 'refused', message: 'Quotas are not enabled on this bot.' };
    if ('set' in request.change) {
      const problem = this.isOperator(request.userId)
        ? undefined
        : quotaChangeProblem(request.change.set, quota.defaults);
      if (problem) return { kind: 'refused', message: problem };
      await quota.set(request.tenantId, request.change.set);
    } else {
      await quota.clear(request.tenantId);
    }
    const line = await quota.describe(request.tenantId);
    this.deps.logger.info(
      { event: 'twin.quota_changed', tenant: request.tenantId, user: request.userId, change: request.change },
      'quota changed',
    );
    return { kind: 'updated', text: `Quota updated. ${line ?? ''}`.trim() };
  }

  /** A tenant's usage report, for admins of that tenant only. */
  async usage(request: UsageRequest): Promise<UsageResult> {
    if (!this.isAdmin(request)) {
      return {
        kind: 'refused',
        message:
          'Usage reports are for the admins of this server or workspace. Ask one of them to run /twin-usage for you.',
      };
    }
    const to = this.clock.now();
    const span = WINDOW_MS[request.window];
    const bucketMs = request.window === '24h' ? 3_600_000 : 86_400_000;
    const summary = await this.deps.usage.summarize({ tenantId: request.tenantId, from: to - span, to, bucketMs });
    const scope = scopeLabel(request);
    let text = renderUsageText(summary, request.window, scope);
    if (this.deps.quota) {
      const line = await this.deps.quota.describe(request.tenantId).catch(() => undefined);
      if (line) text += `\n${line}`;
    }
    const chart = await this.renderChart(summary, request, scope);
    return chart
      ? { kind: 'report', summary, window: request.window, text, chart }
      : { kind: 'report', summary, window: request.window, text };
  }

  /** A chart when there is something to draw; a failure to draw costs the picture, never the report. */
  private async renderChart(summary: UsageSummary, request: UsageRequest, scope: string) {
    if (!this.deps.chart || summary.requests === 0) return undefined;
    try {
      return await this.deps.chart.render(summary, request.window, `Twin usage for ${scope}`);
    } catch (err) {
      this.deps.logger.warn({ event: 'twin.chart_failed', err }, 'usage chart could not be drawn');
      return undefined;
    }
  }

  /** Totals of one tenant since a moment, e.g. a console session, as one line for the person leaving. */
  async sessionTotals(tenantId: string, since: number): Promise<string> {
    const summary = await this.deps.usage.summarize({
      tenantId,
      from: since,
      to: this.clock.now() + 1,
      bucketMs: 3_600_000,
    });
    return renderSessionTotals(summary);
  }

  /**
   * Stops taking questions, gives answers in flight `graceMs` to finish, then aborts the rest (their askers are
   * told the twin is restarting, and their records are written by `ask` itself).
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    // why: real time, not the injected clock: the grace period is wall-clock time the host gives us.
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const until = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < until) await sleep(25);
    for (const controller of this.inFlight) controller.abort(new TwinError('aborted', 'shutting down'));
    // Aborted answers write their records and final messages; a stream nobody reads any more cannot, so bound it.
    const settleUntil = Date.now() + 5_000;
    while (this.inFlight.size > 0 && Date.now() < settleUntil) await sleep(10);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }
}

function sourcesOf(chunks: RetrievedChunk[]) {
  return chunks.map((r) => ({ chunkId: r.chunk.id, title: r.chunk.title, score: r.score }));
}

function scopeLabel(request: UsageRequest): string {
  switch (request.platform) {
    case 'discord':
      return 'this server';
    case 'slack':
      return 'this workspace';
    default:
      return 'this console';
  }
}
