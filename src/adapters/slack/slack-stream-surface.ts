/**
 * One Slack reply streamed with Slack's native streaming (chat.startStream / appendStream / stopStream), as the
 * core's surface port. Progress goes to the assistant status (with rotating loading messages); the first text
 * starts the stream, later text is appended (only what is new), and the final answer closes it with the footer
 * blocks (sources, 👍/👎 and follow-up buttons: `answerFooterBlocks`). None of these calls spends the workspace's chat.update budget, so an
 * answer never waits behind other answers' edits.
 *
 * When Slack refuses the stream, or the assistant status, the reply continues on the post-and-update path (a
 * `SlackSurface`, budgeted). When a stream expires mid-answer (`message_not_in_streaming_state`), that path adopts
 * the message as it stands and edits it onward: the person keeps what they see, and nothing is written twice. Text
 * that must go (a restarted answer, a failure) goes with its message (stopped and deleted), and what replaces it is
 * posted fresh.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import type { FinalPart, LiveView, ReplySurface, SurfaceLimits } from '../../core/reply-surface.js';
import type { Failure } from '../../core/types.js';
import type { WriteBudget } from '../../core/write-budget.js';
import { slackErrorCode } from './slack-errors.js';
import {
  answerFooterBlocks,
  MARKDOWN_LIMIT,
  neutraliseMentions,
  type QuestionHeader,
  renderQuestion,
} from './slack-render.js';
import { loadingMessages } from './slack-status.js';
import { type ReplyOutcome, SAFE_POST, type SlackSurface } from './slack-surface.js';
import { EXPIRED, STREAM_REFUSALS, STREAM_SAFE_CHARS, streamableEnd } from './stream-rules.js';

export interface SlackStreamSurfaceOptions {
  client: webApi.WebClient;
  channel: string;
  /** The thread the stream replies in: the asker's thread, or the asker's own message in a top-level DM. */
  threadTs: string;
  /** Outside a direct message, whom the stream is for (chat.startStream needs both ids there). */
  recipient?: { userId: string; teamId: string };
  /** The post-and-update path: takes over when streaming is refused or expires, and posts later parts. */
  fallback: SlackSurface;
  /**
   * Who asked what, when nobody typed the question (a follow-up click): posted in the thread just before the stream
   * starts, as the question the answer replies to. The fallback, given the same header, draws it on its own.
   */
  header?: QuestionHeader;
  /** Least time between two appends of one answer (the first text does not wait). */
  appendIntervalMs: number;
  /**
   * chat.appendStream calls the workspace allows (Tier 4), shared by its answers. An append with no turn free is
   * skipped, not waited for: its text goes with the next append or with chat.stopStream, which never waits.
   */
  appendBudget: WriteBudget;
  /** Slack refused to stream in this workspace, with this code. */
  refused(code: string): void;
  /** Slack refused the assistant status in this workspace. */
  statusUnavailable(): void;
  logger: Logger;
}

export class SlackStreamSurface implements ReplySurface {
  readonly budgetKey: string;
  private readonly o: SlackStreamSurfaceOptions;
  private readonly streamLimits: SurfaceLimits;
  private mode: 'stream' | 'fallback' = 'stream';
  /** The streamed message, once chat.startStream answered. */
  private ts?: string;
  /** The raw answer text the stream holds, as the person reads it. */
  private streamed = '';
  private statusShown?: string;
  private statusSet = false;
  private started = false;
  /** The header's own message, once posted (`header`). */
  private headerTs?: string;
  private chain: Promise<void> = Promise.resolve();

  constructor(options: SlackStreamSurfaceOptions) {
    this.o = options;
    this.budgetKey = options.fallback.budgetKey;
    const base = options.fallback.limits;
    this.streamLimits = {
      ...base,
      // why: a stream is one markdown message; each call carries at most 12 000 characters.
      maxMessageChars: MARKDOWN_LIMIT,
      updateIntervalMs: options.appendIntervalMs,
    };
  }

  /** The stream's limits while it lasts; the post-and-update path's once that has taken over. */
  get limits(): SurfaceLimits {
    return this.mode === 'stream' ? this.streamLimits : this.o.fallback.limits;
  }

  /** Streaming edits nothing with chat.update; the fallback does once it has a message. */
  get edits(): boolean {
    return this.mode === 'fallback' && this.o.fallback.edits;
  }

  /** Whether a native stream was started for this reply (for the log line). */
  get streamStarted(): boolean {
    return this.started;
  }

  format(raw: string): string {
    return neutraliseMentions(raw);
  }

  formatNote(raw: string): string {
    return this.o.fallback.formatNote(raw);
  }

  show(view: LiveView): Promise<void> {
    return this.run(async () => {
      if (this.mode === 'fallback') return this.o.fallback.show(view);
      if (view.text === undefined) {
        // why: status with text already streamed is a restart; the streamed words are void and must go.
        if (this.ts !== undefined) await this.discard();
        if (this.mode === 'stream') await this.showStatus(view);
        else await this.o.fallback.show(view);
        return;
      }
      if (!view.text.startsWith(this.streamed)) return;
      const end = Math.min(streamableEnd(view.text), STREAM_SAFE_CHARS);
      const delta = view.text.slice(this.streamed.length, end);
      if (delta === '') return;
      if (this.ts === undefined) await this.start(delta, view);
      else if (this.o.appendBudget.tryTake('update')) await this.appendText(delta);
    });
  }

  finish(part: FinalPart): Promise<void> {
    return this.run(async () => {
      if (this.mode === 'stream') {
        if (this.ts !== undefined && part.text.startsWith(this.streamed) && (await this.stop(part))) return;
        // The streamed text is not where this part begins (a cut before its end): it is replaced cleanly. With
        // nothing streamed, one ordinary post carries the whole part.
        if (this.ts !== undefined) await this.discard();
        if (this.mode === 'stream') this.toFallback();
      }
      await this.o.fallback.finish(part);
      await this.clearStatus();
    });
  }

  append(part: FinalPart): Promise<void> {
    return this.run(() => this.o.fallback.append(part));
  }

  fail(failure: Failure): Promise<void> {
    return this.run(async () => {
      if (this.mode === 'stream' && this.ts !== undefined) await this.discard();
      if (this.mode === 'stream') this.toFallback();
      await this.o.fallback.fail(failure);
      await this.clearStatus();
    });
  }

  outcome(outcome: ReplyOutcome['outcome'], failureCode?: string): ReplyOutcome {
    return this.o.fallback.outcome(outcome, failureCode);
  }

  /** Runs the writes of this reply one after another; the fallback's own writes never throw. */
  private run(write: () => Promise<void>): Promise<void> {
    const next = this.chain.then(write);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async showStatus(view: LiveView): Promise<void> {
    if (this.statusShown === view.status) return;
    try {
      await this.o.client.assistant.threads.setStatus({
        channel_id: this.o.channel,
        thread_ts: this.o.threadTs,
        status: view.status,
        loading_messages: loadingMessages(view.status, view.phase),
      });
      this.statusShown = view.status;
      this.statusSet = true;
    } catch (err) {
      const code = slackErrorCode(err);
      this.o.logger.info(
        { event: 'slack.status_unavailable', code },
        'assistant status not available here; answering with post-and-update',
      );
      if (code !== undefined) this.o.statusUnavailable();
      // why: without a status nothing would show until the first words; the fallback shows a placeholder instead.
      this.mode = 'fallback';
      await this.o.fallback.show(view);
    }
  }

  private async start(delta: string, view: LiveView): Promise<void> {
    await this.postHeader();
    try {
      const res = await this.o.client.chat.startStream({
        channel: this.o.channel,
        thread_ts: this.o.threadTs,
        markdown_text: neutraliseMentions(delta),
        ...(this.o.recipient && {
          recipient_user_id: this.o.recipient.userId,
          recipient_team_id: this.o.recipient.teamId,
        }),
      });
      if (!res.ts) throw new Error('chat.startStream answered without a ts');
      this.ts = res.ts;
      this.streamed = delta;
      this.started = true;
      // why: Slack clears the assistant status when the bot replies in the thread.
      this.statusShown = undefined;
      this.statusSet = false;
    } catch (err) {
      const code = slackErrorCode(err);
      this.o.logger.info({ event: 'slack.stream_refused', code }, 'native streaming refused; using post-and-update');
      if (code !== undefined && STREAM_REFUSALS.has(code)) this.o.refused(code);
      this.toFallback();
      await this.o.fallback.show(view);
    }
  }

  private async appendText(delta: string): Promise<void> {
    try {
      await this.o.client.chat.appendStream({
        channel: this.o.channel,
        ts: this.ts!,
        markdown_text: neutraliseMentions(delta),
      });
      this.streamed += delta;
    } catch (err) {
      // why: any other error may be passing; the next append carries this text again.
      if (slackErrorCode(err) !== EXPIRED) throw err;
      this.handOver('expired while appending');
    }
  }

  /** Closes the stream with the rest of the part and the footer; false when the stream had expired. */
  private async stop(part: FinalPart): Promise<boolean> {
    const rest = part.text.slice(this.streamed.length);
    try {
      await this.o.client.chat.stopStream({
        channel: this.o.channel,
        ts: this.ts!,
        ...(rest !== '' && { markdown_text: neutraliseMentions(rest) }),
        blocks: answerFooterBlocks(part) as webApi.KnownBlock[],
      });
      this.streamed = part.text;
      // Later parts go in the same thread, after it.
      this.o.fallback.adopt(this.ts!, this.o.threadTs);
      this.mode = 'fallback';
      return true;
    } catch (err) {
      this.o.logger.info(
        { event: 'slack.stream_stop_failed', code: slackErrorCode(err) },
        'the stream could not be closed; posting the answer whole',
      );
      // why: an expired stream holds part of the answer; the whole part replaces it, posted without waiting for
      // the chat.update budget.
      await this.discard();
      return false;
    }
  }

  /** Posts the header (`header`) once, before the first stream; a failure here leaves it to the fallback. */
  private async postHeader(): Promise<void> {
    if (!this.o.header || this.headerTs !== undefined) return;
    try {
      const res = await this.o.client.chat.postMessage({
        channel: this.o.channel,
        thread_ts: this.o.threadTs,
        ...renderQuestion(this.o.header),
        ...SAFE_POST,
      });
      this.headerTs = res.ts;
    } catch (err) {
      this.o.logger.info({ event: 'slack.header_failed', code: slackErrorCode(err) }, 'could not post the question');
    }
  }

  /**
   * The post-and-update path takes over with no stream to keep: it edits the header's message when there is one
   * (which it draws with the header again), so the question is never shown twice.
   */
  private toFallback(): void {
    if (this.headerTs !== undefined) this.o.fallback.adopt(this.headerTs, this.o.threadTs);
    this.mode = 'fallback';
  }

  /**
   * The stream expired: the post-and-update path takes over the message as it stands (its text is what the person
   * has read so far) and edits it onward under the workspace's budget.
   */
  private handOver(why: string): void {
    this.o.logger.info({ event: 'slack.stream_expired', chars: this.streamed.length }, `stream ${why}`);
    this.o.fallback.adopt(this.ts!, this.o.threadTs);
    this.mode = 'fallback';
  }

  /** Removes the streamed message (stopped first); when it cannot be deleted, the fallback edits it instead. */
  private async discard(): Promise<void> {
    const ts = this.ts!;
    this.ts = undefined;
    const streamed = this.streamed;
    this.streamed = '';
    await this.o.client.chat.stopStream({ channel: this.o.channel, ts }).catch(() => undefined);
    try {
      await this.o.client.chat.delete({ channel: this.o.channel, ts });
    } catch (err) {
      this.o.logger.warn(
        { event: 'slack.stream_discard_failed', code: slackErrorCode(err), chars: streamed.length },
        'could not remove a voided stream; replacing its text instead',
      );
      this.o.fallback.adopt(ts, this.o.threadTs);
      this.mode = 'fallback';
    }
  }

  /**
   * Clears a status no stream replaced (a post elsewhere, a top-level DM answered at the top, an ephemeral reply);
   * when the post landed in the thread Slack has cleared it already, and clearing twice is harmless.
   */
  private async clearStatus(): Promise<void> {
    if (!this.statusSet) return;
    this.statusSet = false;
    await this.o.client.assistant.threads
      .setStatus({ channel_id: this.o.channel, thread_ts: this.o.threadTs, status: '' })
      .catch(() => undefined);
  }
}
