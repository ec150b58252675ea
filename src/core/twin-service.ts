/**
 * The twin: every platform's requests come here. `ask` admits a question (shutdown, input rules, the user's rate,
 * the tenant's quota), keeps its ledger row, deadline and abort, and streams the answer ProfileAnswerer makes
 * (profile-answerer.ts) as reply events ending in one ledger record; the other entry points (feedback, follow-ups,
 * reports, quotas, the operator's desk) hand over to their own modules. All the rules live in core (STYLE.md 2).
 */
import { AnswerFeedback } from './answer-feedback.js';
import { TwinError } from './errors.js';
import { assignArm, type Experiment } from './experiments/experiment.js';
import * as fail from './failure-messages.js';
import { FollowUpOffers } from './follow-up-offers.js';
import { checkQuestion, MAX_QUESTION_CHARS } from './input-rules.js';
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
import { type AnswerOptions, ProfileAnswerer } from './profile-answerer.js';
import type { QuotaCheck, QuotaGuard } from './quota-guard.js';
import { RequestLedger } from './request-ledger.js';
import type { TenantKind } from './tenant.js';
import { systemTimers, type Timers } from './timers.js';
import { TwinReports } from './twin-reports.js';
import type {
  AskRequest,
  FeedbackRequest,
  FeedbackResult,
  FollowUpRequest,
  FollowUpResult,
  QuotaChangeRequest,
  QuotaChangeResult,
  ReplyEvent,
  TwinProfile,
  UsageRecord,
  UsageRequest,
  UsageResult,
} from './types.js';
import type { UserRate } from './user-rate-guard.js';
import { UserRateGuard } from './user-rate-guard.js';

export interface TwinServiceOptions extends AnswerOptions {
  userRate: UserRate;
  /** Platform user ids that count as admins in any tenant (TWIN_ADMINS). */
  admins: readonly string[];
  maxQuestionChars?: number;
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
  /** Where answers are cached, and follow-up suggestions kept, across restarts and replicas; absent: this memory. */
  cacheStore?: KeyValueStore;
  /** Where `/twin-usage alerts` keeps the tenants' alert channels, and the dashboard's links (issue 14). */
  desk?: { kv: KeyValueStore; links?: DashboardLinks };
  options: TwinServiceOptions;
}

export class TwinService {
  readonly profile: TwinProfile;
  private readonly deps: TwinServiceDeps;
  private readonly clock: Clock;
  private readonly timers: Timers;
  /** Called whenever the last answer in flight ends (close() waits on them). */
  private readonly idleWaiters = new Set<() => void>();
  private readonly guard: UserRateGuard;
  private readonly answerer: ProfileAnswerer;
  private readonly reports: TwinReports;
  private readonly desk?: OperatorDesk;
  private readonly votes?: AnswerFeedback;
  private readonly followUps: FollowUpOffers;
  private readonly inFlight = new Set<AbortController>();
  private closing = false;

  constructor(deps: TwinServiceDeps) {
    this.deps = deps;
    this.profile = deps.profile;
    this.clock = deps.clock ?? systemClock;
    this.timers = deps.timers ?? systemTimers;
    this.guard = new UserRateGuard(deps.options.userRate, this.clock);
    this.reports = new TwinReports({ ...deps, admins: deps.options.admins, clock: this.clock });
    this.desk = deps.desk && new OperatorDesk({ ...deps.desk, isAdmin: (r) => this.reports.isAdmin(r) });
    if (deps.feedback)
      this.votes = new AnswerFeedback({ store: deps.feedback, clock: this.clock, logger: deps.logger });
    this.followUps = new FollowUpOffers({ clock: this.clock, store: deps.cacheStore });
    this.answerer = new ProfileAnswerer({
      ...deps,
      clock: this.clock,
      offers: this.followUps,
      closing: () => this.closing,
    });
  }

  /** True when answers can be voted on (a feedback store is wired): adapters show 👍/👎 only then. */
  get takesFeedback(): boolean {
    return this.votes !== undefined;
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
      const answering = this.answerer.answer({
        question: checked.question,
        request,
        signal: controller.signal,
        deadline,
        tally,
        record,
        assignment,
        requestId: ledger.id,
      });
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
  takeFollowUp(request: FollowUpRequest): Promise<FollowUpResult> {
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
