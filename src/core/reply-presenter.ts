/**
 * Shows one reply stream (ReplyEvent) on a surface, the same way on every platform: progress notes, the answer as
 * it streams (the first text at once, then updates at the pace the shared write budget allows, the latest text
 * winning), the final answer split to the platform's limit with the sources line under it, and a failure that
 * replaces whatever was shown. A fault (the stream throws, the final text cannot be written) still ends in the
 * generic failure sentence.
 */
import { asTwinError, TwinError } from './errors.js';
import { fromError } from './failure-messages.js';
import type { Clock, Logger } from './ports.js';
import type { FinalPart, LiveView, ReplySurface } from './reply-surface.js';
import { splitToFit } from './split-text.js';
import type { TimerHandle, Timers } from './timers.js';
import type { Answer, Failure, ReplyEvent, Source } from './types.js';
import type { WriteBudget, WriteBudgets, WritePriority, WriteTurn } from './write-budget.js';

export interface PresenterDeps {
  /** Shared by every reply of one adapter, so replies in one workspace or channel share its budget. */
  budgets: WriteBudgets;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** Prefix of log events ("discord", "slack"). */
  platform: string;
  /** An error as a log field, without the platform's secrets (Discord puts interaction tokens in URLs). */
  logError?: (err: unknown) => unknown;
}

/** How a reply ended, for the caller's log. */
export type PresentOutcome =
  | { kind: 'final'; parts: number }
  | { kind: 'failure'; code: string }
  | { kind: 'fault'; shown: boolean };

/** "Sources: Experience at Northwind, Skills": titles once each, in the order the twin used them. */
export function sourcesLine(sources: readonly Source[]): string | undefined {
  const titles = [...new Set(sources.map((s) => s.title.replace(/\s+/g, ' ').trim()).filter((t) => t !== ''))];
  return titles.length === 0 ? undefined : `Sources: ${titles.join(', ')}`;
}

/** The sentence shown when something broke on our side. */
export function genericFailure(): Failure {
  return fromError(new TwinError('internal', 'adapter fault'), 0);
}

/** The final answer as message parts for `surface`: raw text that fits once formatted, the notes on the last. */
export function finalParts(answer: Answer, surface: ReplySurface): FinalPart[] {
  const { maxMessageChars: max, notesInMessage } = surface.limits;
  const notes = [sourcesLine(answer.sources), answer.notice].filter(
    (line): line is string => line !== undefined && line.trim() !== '',
  );
  const body = answer.text.trim();
  const texts = body === '' ? [''] : splitToFit(body, max, (raw) => surface.format(raw));
  if (notesInMessage && notes.length > 0) {
    const noteChars = notes.map((n) => surface.formatNote(n)).join('\n').length + 2;
    // why: the small print must fit beside the last part; when it does not, it goes in a message of its own.
    if (surface.format(texts.at(-1) ?? '').length + noteChars > max) texts.push('');
  }
  return texts.map((text, index) => ({
    text,
    index,
    last: index === texts.length - 1,
    notes: index === texts.length - 1 ? notes : [],
    answer,
  }));
}

/** The live preview: the first message's worth of the text so far. */
export function previewText(text: string, surface: ReplySurface): string {
  const max = surface.limits.maxMessageChars;
  // why: the first cut depends only on the first `max` characters (and formatting only grows them): a prefix is enough.
  return splitToFit(text.slice(0, max * 2), max, (raw) => surface.format(raw))[0] ?? '';
}

export class ReplyPresenter {
  constructor(private readonly deps: PresenterDeps) {}

  /** Consumes `events` to the end and shows them on `surface`; never throws. */
  async present(events: AsyncIterable<ReplyEvent>, surface: ReplySurface): Promise<PresentOutcome> {
    const budget = this.deps.budgets.for(surface.budgetKey, surface.limits.editBudget);
    const live = new LiveWriter(surface, budget, this.deps);
    let view: LiveView = { status: 'Thinking…', phase: 'thinking' };
    let text = '';
    try {
      for await (const event of events) {
        switch (event.type) {
          case 'status':
            view = { status: event.text, phase: event.phase };
            if (text === '' && (!surface.limits.ownProgressIndicator || event.phase === 'queued' || live.started)) {
              live.want(view, 'update');
            }
            break;
          case 'delta':
            text += event.text;
            live.want({ ...view, text: previewText(text, surface) }, live.textShown ? 'update' : 'first');
            break;
          case 'reset':
            text = '';
            if (live.started || !surface.limits.ownProgressIndicator) live.want(view, 'update');
            break;
          case 'final': {
            await live.settle();
            const parts = finalParts(event.answer, surface);
            await live.turn();
            await surface.finish(parts[0]!);
            // One at a time and in order, so nothing arrives out of order.
            for (const part of parts.slice(1)) await surface.append(part);
            return { kind: 'final', parts: parts.length };
          }
          case 'failure':
            await live.settle();
            await live.turn();
            await surface.fail(event.failure, this.failureParts(event.failure, surface));
            return { kind: 'failure', code: event.failure.code };
        }
      }
      throw new TwinError('internal', 'the reply stream ended without a final event');
    } catch (err) {
      await live.settle();
      return { kind: 'fault', shown: await this.fault(surface, err) };
    } finally {
      await live.settle();
    }
  }

  /** Something broke on our side: log it, and still end the reply with the generic failure sentence. */
  async fault(surface: ReplySurface, err: unknown): Promise<boolean> {
    const { logger, platform } = this.deps;
    const logError = this.deps.logError ?? ((e: unknown) => e);
    logger.error(
      { event: `${platform}.reply_failed`, err: logError(err), code: asTwinError(err).code },
      'could not deliver a reply',
    );
    const failure = genericFailure();
    try {
      await surface.fail(failure, this.failureParts(failure, surface));
      return true;
    } catch (again) {
      logger.error({ event: `${platform}.reply_lost`, err: logError(again) }, 'could not show the failure either');
      return false;
    }
  }

  private failureParts(failure: Failure, surface: ReplySurface): string[] {
    return splitToFit(failure.message, surface.limits.maxMessageChars, (raw) => surface.format(raw));
  }
}

/**
 * The live message of one reply: coalesces wanted views (the latest wins), keeps one write in flight, waits the
 * update interval between updates and takes a turn of the shared budget for every edit.
 */
class LiveWriter {
  private pending: { view: LiveView; priority: WritePriority } | undefined;
  private shown: string | undefined;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private writing: Promise<void> | undefined;
  private waitTimer: TimerHandle;
  private waiting = false;
  private ticket: WriteTurn | undefined;
  private closed = false;
  started = false;
  textShown = false;

  constructor(
    private readonly surface: ReplySurface,
    private readonly budget: WriteBudget,
    private readonly deps: PresenterDeps,
  ) {}

  want(view: LiveView, priority: WritePriority): void {
    if (this.closed) return;
    // why: a first text waiting behind an update keeps its place at the front.
    const keep = this.pending?.priority === 'first' ? 'first' : priority;
    this.pending = { view, priority: keep };
    this.kick();
  }

  /** Drops what is not shown yet and waits for the write in flight, so the final write lands after every preview. */
  async settle(): Promise<void> {
    this.closed = true;
    this.pending = undefined;
    if (this.waiting) this.deps.timers.clearTimeout(this.waitTimer);
    this.waiting = false;
    this.ticket?.cancel();
    this.ticket = undefined;
    await this.writing;
  }

  /** A turn of the budget for the final write, when it edits a message already posted. */
  async turn(): Promise<void> {
    if (this.surface.edits && !this.budget.tryTake('final')) await this.budget.take('final').ready;
  }

  private kick(): void {
    if (this.closed || this.writing || this.waiting || this.ticket || !this.pending) return;
    if (this.pending.priority === 'update') {
      const wait = this.lastWriteAt + this.surface.limits.updateIntervalMs - this.deps.clock.now();
      if (wait > 0) {
        this.waiting = true;
        this.waitTimer = this.deps.timers.setTimeout(() => {
          this.waiting = false;
          this.kick();
        }, wait);
        return;
      }
    }
    // why: a turn free now is taken now, so a first text is never lost to a final arriving in the same tick.
    if (!this.surface.edits || this.budget.tryTake(this.pending.priority)) {
      this.write();
      return;
    }
    const ticket = this.budget.take(this.pending.priority);
    this.ticket = ticket;
    void ticket.ready.then(() => {
      if (this.ticket !== ticket) return;
      this.ticket = undefined;
      this.write();
    });
  }

  private write(): void {
    const next = this.pending;
    this.pending = undefined;
    if (!next || this.closed) return;
    const key = `${next.view.text === undefined ? 's' : 't'}${next.view.text ?? next.view.status}`;
    if (key === this.shown) {
      this.kick();
      return;
    }
    this.started = true;
    if (next.view.text !== undefined) this.textShown = true;
    this.lastWriteAt = this.deps.clock.now();
    this.writing = this.surface
      .show(next.view)
      .then(() => {
        this.shown = key;
      })
      .catch((err: unknown) =>
        this.deps.logger.warn(
          { event: `${this.deps.platform}.preview_edit_failed`, err: this.deps.logError?.(err) ?? err },
          'a live update failed; the next one is still tried',
        ),
      )
      .finally(() => {
        this.writing = undefined;
        this.kick();
      });
  }
}
