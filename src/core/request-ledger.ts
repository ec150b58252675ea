/**
 * The ledger row of one request, from admission to its end (issue 19.9): written 'open' when the request is
 * admitted, brought up to date while it is answered (LedgerProgress), and completed with the final record, so a
 * crash mid-answer still leaves what the request spent. Refusals before admission write their final record only.
 */
import { randomUUID } from 'node:crypto';
import type { ArmAssignment } from './experiments/experiment.js';
import { LedgerProgress } from './ledger-progress.js';
import type { Clock, CostEstimator, Logger, UsageStore } from './ports.js';
import type { Tally } from './stream-answer.js';
import type { AskRequest, ReplyEvent, UsageRecord } from './types.js';

export interface RequestLedgerDeps {
  usage: UsageStore;
  logger: Logger;
  clock: Clock;
  estimateCost?: CostEstimator;
}

/** How often the open row is looked at while nothing streams. why: an attempt starts without a reply event. */
const TICK_MS = 1_000;

export class RequestLedger {
  readonly id = randomUUID();
  /** What the request spent so far; the answer path fills it in. */
  readonly tally: Tally = { promptTokens: 0, completionTokens: 0, attempts: 0, queueMs: 0 };
  readonly #progress = new LedgerProgress();

  constructor(
    private readonly deps: RequestLedgerDeps,
    private readonly request: AskRequest,
    readonly startedAt: number,
    /** The experiment arm the request runs in, recorded on its open row and its final record. */
    private readonly assignment?: ArmAssignment,
  ) {}

  /** Writes (at admission) or updates the open row with what was spent so far. Never throws. */
  async open(): Promise<void> {
    this.#progress.wrote(this.deps.clock.now());
    const completionTokens = Math.max(this.tally.completionTokens, this.#progress.streamedTokens);
    try {
      await this.deps.usage.open(this.#recordOf({ ...this.tally, completionTokens }, {}));
    } catch (err) {
      // why: the final record is still written at the end; a failed progress write must not stop the answer.
      this.deps.logger.warn({ event: 'twin.usage_open_failed', err, id: this.id }, 'usage row of a request not opened');
    }
  }

  /** Looks at each reply event, and on a timer, to keep the open row current; returns the function that stops it. */
  follow(): { saw(event: ReplyEvent): void; stop(): void } {
    const check = (event?: ReplyEvent) => {
      if (this.#progress.due(this.tally, this.deps.clock.now(), event)) void this.open();
    };
    const ticker = setInterval(check, TICK_MS);
    ticker.unref();
    return { saw: check, stop: () => clearInterval(ticker) };
  }

  /** Writes the request's one final record (completing its open row) before its final event is delivered. */
  async record(outcome: UsageRecord['outcome'], extra: Partial<UsageRecord>): Promise<void> {
    const rec: UsageRecord = { ...this.#recordOf(this.tally, extra), outcome };
    this.deps.logger.info({ event: 'twin.usage', ...rec }, `request ${outcome}`);
    try {
      await this.deps.usage.record(rec);
    } catch (err) {
      // The store keeps its own retry buffer; the log line above is the record of last resort.
      this.deps.logger.error({ event: 'twin.usage_write_failed', err, id: rec.id }, 'usage record not written');
    }
  }

  #recordOf(tally: Tally, extra: Partial<UsageRecord>): Omit<UsageRecord, 'outcome'> {
    const { request } = this;
    const model = extra.model ?? tally.model;
    const costUsd =
      model && this.deps.estimateCost ? this.deps.estimateCost(model, tally.promptTokens, tally.completionTokens) : 0;
    return {
      id: this.id,
      at: this.startedAt,
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
      latencyMs: this.deps.clock.now() - this.startedAt,
      queueMs: tally.queueMs,
      attempts: tally.attempts,
      errorCode: extra.errorCode,
      failureCode: extra.failureCode,
      costUsd,
      mode: extra.mode,
      experiment: this.assignment?.experiment,
      arm: this.assignment?.arm.name,
      ttftMs: tally.firstTokenAt === undefined ? undefined : tally.firstTokenAt - this.startedAt,
      cached: extra.cached,
      savedTokens: extra.savedTokens,
    };
  }
}
