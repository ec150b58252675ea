/**
 * Shows one reply stream (ReplyEvent) in Slack: progress first (assistant.threads.setStatus in a thread where the
 * workspace allows it, else a placeholder message), the answer as it streams by editing that message at a pace
 * Slack tolerates, then the final render, split across messages when long. A failure replaces whatever was shown.
 * When the bot cannot post in the channel and the request came with a response_url, the reply goes there,
 * visible to the asker only.
 */
import type { webApi } from '@slack/bolt';
import { asTwinError } from '../../core/errors.js';
import { fromError } from '../../core/failure-messages.js';
import type { Logger } from '../../core/ports.js';
import type { Answer, Failure, ReplyEvent } from '../../core/types.js';
import type { QuestionHeader, SlackMessage } from './slack-blocks.js';
import { renderAnswer, renderNote, renderPartial } from './slack-blocks.js';
import { slackErrorCode } from './slack-errors.js';

/** A message sent to a response_url (Bolt's `respond`). */
export interface ResponseMessage extends SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export interface ReplyWriterOptions {
  client: webApi.WebClient;
  channel: string;
  /** Reply in this thread; absent: top level of the channel. */
  threadTs?: string;
  /** Shown above the answer (slash commands, where the question is not otherwise visible). */
  header?: QuestionHeader;
  /** Least time between two edits of the same message. */
  updateIntervalMs: number;
  /** Try assistant.threads.setStatus for progress (needs `threadTs`); called with false when Slack refuses it. */
  assistantStatus?: { enabled: boolean; unavailable(): void };
  /** The request's response_url: the fallback when the bot is not in the channel. */
  respond?: (message: ResponseMessage) => Promise<unknown>;
  /** Failures that come before anything was shown go to `respond` (the asker only) instead of the channel. */
  privateRefusals?: boolean;
  /** Aborted when the reply can no longer be shown anywhere, so the twin stops working on it. */
  abort?: AbortController;
  logger: Logger;
}

export interface ReplyOutcome {
  outcome: 'answered' | 'failed' | 'undelivered';
  /** Where it was shown: in the channel, or only to the asker. */
  visibility: 'channel' | 'ephemeral' | 'none';
  /** Messages posted (not counting edits). */
  messages: number;
  /** Timestamp of the first message in the channel, when there is one. */
  ts?: string;
  failureCode?: string;
}

/** why: these mean the bot cannot write in this conversation; a response_url still works there. */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

const SAFE_POST = { unfurl_links: false, unfurl_media: false, link_names: false, parse: 'none' } as const;

export class SlackReplyWriter {
  private readonly o: ReplyWriterOptions;
  private mode: 'channel' | 'ephemeral' | 'lost' = 'channel';
  private ts?: string;
  private messages = 0;
  private ephemeralShown = false;
  private statusSet = false;
  private statusShown?: string;
  private assistantStatus: boolean;
  private status = '';
  private text = '';
  private shown = '';
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private flushQueued = false;
  private done = false;

  constructor(options: ReplyWriterOptions) {
    this.o = options;
    this.assistantStatus = options.assistantStatus?.enabled === true && options.threadTs !== undefined;
  }

  /** Consumes the stream to its end and shows it; never throws (Slack errors are logged). */
  async write(events: AsyncIterable<ReplyEvent>): Promise<ReplyOutcome> {
    try {
      for await (const event of events) {
        switch (event.type) {
          case 'status':
            this.status = event.text;
            this.schedule();
            break;
          case 'delta':
            this.text += event.text;
            this.schedule();
            break;
          case 'reset':
            this.text = '';
            this.schedule();
            break;
          case 'final':
            await this.settle();
            await this.run(() => this.showFinal(event.answer));
            return this.finish('answered');
          case 'failure':
            return this.fail(event.failure);
        }
      }
    } catch (err) {
      // The service ends every stream with final or failure; a throw is a bug, still told as a plain sentence.
      this.o.logger.error({ event: 'slack.stream_failed', err }, 'the reply stream failed');
      return this.fail(fromError(asTwinError(err), 0));
    }
    await this.settle();
    return this.finish('undelivered');
  }

  private async fail(failure: Failure): Promise<ReplyOutcome> {
    await this.settle();
    await this.run(() => this.showFailure(failure));
    return this.finish('failed', failure.code);
  }

  /** Clears an assistant status nothing replaced (Slack clears it by itself when the bot posts in the thread). */
  private async finish(outcome: ReplyOutcome['outcome'], failureCode?: string): Promise<ReplyOutcome> {
    if (this.statusSet && this.ts === undefined) {
      this.status = '';
      await this.run(async () => {
        await this.trySetStatus();
      });
    }
    return this.outcome(outcome, failureCode);
  }

  private outcome(outcome: ReplyOutcome['outcome'], failureCode?: string): ReplyOutcome {
    const delivered = this.mode === 'channel' ? this.messages > 0 : this.mode === 'ephemeral' && this.ephemeralShown;
    return {
      outcome: delivered ? outcome : 'undelivered',
      visibility: delivered ? (this.mode as 'channel' | 'ephemeral') : 'none',
      messages: this.messages,
      ts: this.ts,
      failureCode,
    };
  }

  /** Runs Slack writes one after another; an error is logged and never breaks the chain. */
  private run(write: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(write).catch((err) => {
      this.o.logger.warn({ event: 'slack.write_failed', err, code: slackErrorCode(err) }, 'a Slack write failed');
    });
    return this.chain;
  }

  /** Shows the latest state soon: at once when the last edit is old enough, otherwise when it is. */
  private schedule(): void {
    if (this.done || this.timer || this.flushQueued) return;
    const wait = this.lastFlush + this.o.updateIntervalMs - Date.now();
    const flush = () => {
      this.timer = undefined;
      this.flushQueued = true;
      this.lastFlush = Date.now();
      void this.run(async () => {
        this.flushQueued = false;
        if (!this.done) await this.showProgress();
      });
    };
    if (wait <= 0) flush();
    else this.timer = setTimeout(flush, wait);
  }

  /** Stops progress updates and waits for the writes already under way. */
  private async settle(): Promise<void> {
    this.done = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private async showProgress(): Promise<void> {
    if (this.mode !== 'channel') {
      // The response_url takes five messages: show one progress note, then only the outcome.
      if (this.mode === 'ephemeral' && !this.ephemeralShown && this.status) await this.showEphemeralNote();
      return;
    }
    const message = this.text
      ? renderPartial(this.text, this.o.header)
      : renderNote(this.status, 'status', this.o.header);
    if (this.ts === undefined && this.text === '' && (await this.trySetStatus())) return;
    if (message.text === this.shown) return;
    await this.put(message);
  }

  /** assistant.threads.setStatus, where this workspace allows it; false sends progress to a placeholder instead. */
  private async trySetStatus(): Promise<boolean> {
    if (!this.assistantStatus) return false;
    if (this.statusShown === this.status) return true;
    try {
      await this.o.client.assistant.threads.setStatus({
        channel_id: this.o.channel,
        thread_ts: this.o.threadTs!,
        status: this.status,
      });
      this.statusSet = true;
      this.statusShown = this.status;
      return true;
    } catch (err) {
      const code = slackErrorCode(err);
      this.o.logger.info(
        { event: 'slack.status_unavailable', code },
        'assistant status not available here; using a placeholder message',
      );
      this.assistantStatus = false;
      // Only Slack's own refusal says something about the workspace; a network error says nothing.
      if (code !== undefined) this.o.assistantStatus?.unavailable();
      return false;
    }
  }

  /** Posts the first message or edits it. Falls back to the response_url when the bot cannot post here. */
  private async put(message: SlackMessage): Promise<void> {
    if (this.ts !== undefined) {
      await this.o.client.chat.update({ channel: this.o.channel, ts: this.ts, ...message, ...SAFE_POST });
      this.shown = message.text;
      return;
    }
    const ts = await this.post(message);
    if (ts !== undefined) {
      this.ts = ts;
      this.shown = message.text;
    }
  }

  /** chat.postMessage; undefined when the bot cannot post in this conversation (the mode has changed). */
  private async post(message: SlackMessage): Promise<string | undefined> {
    try {
      const res = await this.o.client.chat.postMessage({
        channel: this.o.channel,
        thread_ts: this.o.threadTs,
        ...message,
        ...SAFE_POST,
      });
      this.messages += 1;
      return res.ts;
    } catch (err) {
      const code = slackErrorCode(err);
      if (code === undefined || !CANNOT_POST.has(code)) throw err;
      this.mode = this.o.respond ? 'ephemeral' : 'lost';
      this.o.logger.info(
        { event: 'slack.cannot_post', code, channel: this.o.channel, fallback: this.mode },
        'cannot post in this channel',
      );
      if (this.mode === 'lost') this.o.abort?.abort();
      else if (this.status && !this.done) await this.showEphemeralNote();
      return undefined;
    }
  }

  private async showEphemeralNote(): Promise<void> {
    await this.respond({ ...renderNote(this.status, 'status'), response_type: 'ephemeral' });
  }

  private async respond(message: ResponseMessage): Promise<void> {
    const replace = this.ephemeralShown;
    await this.o.respond!({ ...message, replace_original: replace });
    this.ephemeralShown = true;
    if (!replace) this.messages += 1;
  }

  /** The current mode; a call, so TypeScript does not keep a narrowing across awaits that may change it. */
  private now(): 'channel' | 'ephemeral' | 'lost' {
    return this.mode;
  }

  private async showFinal(answer: Answer): Promise<void> {
    const messages = renderAnswer(answer, this.o.header);
    if (this.now() === 'channel') {
      await this.put(messages[0]!);
      for (const message of messages.slice(1)) {
        if (this.now() !== 'channel') break;
        await this.post(message);
      }
    }
    if (this.now() !== 'ephemeral') return;
    // Each part is a message of its own, the first replacing the progress note.
    for (const [i, message] of messages.entries()) {
      if (i === 0) {
        await this.respond({ ...message, response_type: 'ephemeral' });
      } else {
        await this.o.respond!({ ...message, response_type: 'ephemeral', replace_original: false });
        this.messages += 1;
      }
    }
  }

  private async showFailure(failure: Failure): Promise<void> {
    if (this.now() === 'channel') {
      if (this.ts === undefined && this.o.privateRefusals && this.o.respond) this.mode = 'ephemeral';
      else await this.put(renderNote(failure.message, 'failure', this.o.header));
    }
    if (this.now() === 'ephemeral') {
      await this.respond({ ...renderNote(failure.message, 'failure'), response_type: 'ephemeral' });
    }
  }
}
