/**
 * One Slack reply as the core's surface port: Slack's limits as data, its formatting (mrkdwn blocks, escaping) and
 * its calls. Progress goes to assistant.threads.setStatus in a thread where the workspace allows it, else to a
 * placeholder message edited with chat.update; the final answer replaces it, split across messages when long. When
 * the bot cannot post in the channel and the request came with a response_url, the reply goes there, visible to the
 * asker only. What to show and when is decided by the core's reply presenter.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import type { FinalPart, LiveView, ReplySurface, SurfaceLimits } from '../../core/reply-surface.js';
import type { Failure } from '../../core/types.js';
import type { WriteRate } from '../../core/write-budget.js';
import { slackErrorCode } from './slack-errors.js';
import type { QuestionHeader, SlackMessage } from './slack-render.js';
import {
  escapeMrkdwn,
  MESSAGE_LIMIT,
  neutraliseMentions,
  renderNote,
  renderPart,
  renderPartial,
} from './slack-render.js';
import { loadingMessages } from './slack-status.js';

/**
 * why: chat.update is Tier 3, about 50 calls a minute per workspace, shared by every answer there (issue 20.2).
 * Slack's native streaming has its own tiers; this budget is for the chat.update path.
 */
export const WORKSPACE_UPDATE_RATE: WriteRate = { writes: 50, perMs: 60_000 };

/** A message sent to a response_url (Bolt's `respond`). */
export interface ResponseMessage extends SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export interface SlackSurfaceOptions {
  client: webApi.WebClient;
  /** The workspace: its chat.update budget is shared by every answer there. */
  teamId: string;
  channel: string;
  /** Reply in this thread; absent: top level of the channel. */
  threadTs?: string;
  /** Shown above the answer (slash commands, where the question is not otherwise visible). */
  header?: QuestionHeader;
  /** Least time between two updates of one answer. */
  updateIntervalMs: number;
  /** chat.update calls allowed per workspace; default WORKSPACE_UPDATE_RATE. */
  updateRate?: WriteRate;
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

export const SAFE_POST = { unfurl_links: false, unfurl_media: false, link_names: false, parse: 'none' } as const;

export class SlackSurface implements ReplySurface {
  readonly limits: SurfaceLimits;
  readonly budgetKey: string;
  private readonly o: SlackSurfaceOptions;
  private mode: 'channel' | 'ephemeral' | 'lost' = 'channel';
  private ts?: string;
  private messages = 0;
  private ephemeralShown = false;
  private statusSet = false;
  private statusShown?: string;
  private assistantStatus: boolean;
  private status = '';
  private phase: LiveView['phase'] = 'thinking';
  private shown = '';
  private chain: Promise<void> = Promise.resolve();
  private done = false;

  constructor(options: SlackSurfaceOptions) {
    this.o = options;
    this.assistantStatus = options.assistantStatus?.enabled === true && options.threadTs !== undefined;
    this.budgetKey = `slack:${options.teamId}`;
    this.limits = {
      maxMessageChars: MESSAGE_LIMIT,
      editBudget: options.updateRate ?? WORKSPACE_UPDATE_RATE,
      updateIntervalMs: options.updateIntervalMs,
      ownProgressIndicator: false,
      // why: the sources and notices go in a context block of their own, outside the sections' characters.
      notesInMessage: false,
    };
  }

  /** Only chat.update spends the workspace's budget: posts and response_url messages do not. */
  get edits(): boolean {
    return this.mode === 'channel' && this.ts !== undefined;
  }

  /** Answers are Markdown in a markdown block: only mentions change (slack-render.ts). */
  format(raw: string): string {
    return neutraliseMentions(raw);
  }

  formatNote(raw: string): string {
    return escapeMrkdwn(raw);
  }

  show(view: LiveView): Promise<void> {
    this.status = view.status;
    this.phase = view.phase;
    return this.run(() => this.showProgress(view));
  }

  /**
   * Takes over a message another writer posted (a native stream that expired or was refused mid-answer): from now on
   * this surface edits it with chat.update, under the workspace's budget, and further parts go in its thread.
   */
  adopt(ts: string, threadTs: string | undefined): void {
    this.ts = ts;
    this.o.threadTs = threadTs;
    this.messages = Math.max(this.messages, 1);
    this.shown = '';
  }

  finish(part: FinalPart): Promise<void> {
    this.done = true;
    return this.run(async () => {
      const message = renderPart(part, this.o.header);
      if (this.now() === 'channel') await this.put(message);
      if (this.now() === 'ephemeral') await this.respond({ ...message, response_type: 'ephemeral' });
      await this.clearStatus();
    });
  }

  append(part: FinalPart): Promise<void> {
    return this.run(async () => {
      const message = renderPart(part, this.o.header);
      if (this.now() === 'channel') await this.post(message);
      else if (this.now() === 'ephemeral') {
        await this.o.respond!({ ...message, response_type: 'ephemeral', replace_original: false });
        this.messages += 1;
      }
    });
  }

  fail(failure: Failure): Promise<void> {
    this.done = true;
    return this.run(async () => {
      await this.showFailure(failure);
      await this.clearStatus();
    });
  }

  /** How the reply ended, for the log line that closes the request. */
  outcome(outcome: ReplyOutcome['outcome'], failureCode?: string): ReplyOutcome {
    const delivered = this.mode === 'channel' ? this.messages > 0 : this.mode === 'ephemeral' && this.ephemeralShown;
    return {
      outcome: delivered ? outcome : 'undelivered',
      visibility: delivered ? (this.mode as 'channel' | 'ephemeral') : 'none',
      messages: this.messages,
      ts: this.ts,
      failureCode,
    };
  }

  /** Clears an assistant status nothing replaced (Slack clears it by itself when the bot posts in the thread). */
  private async clearStatus(): Promise<void> {
    if (!this.statusSet || this.ts !== undefined) return;
    this.status = '';
    await this.trySetStatus();
  }

  /** Runs Slack writes one after another; an error is logged and never breaks the chain. */
  private run(write: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(write).catch((err) => {
      this.o.logger.warn({ event: 'slack.write_failed', err, code: slackErrorCode(err) }, 'a Slack write failed');
    });
    return this.chain;
  }

  private async showProgress(view: LiveView): Promise<void> {
    if (this.mode !== 'channel') {
      // The response_url takes five messages: show one progress note, then only the outcome.
      if (this.mode === 'ephemeral' && !this.ephemeralShown && this.status) await this.showEphemeralNote();
      return;
    }
    const text = view.text ?? '';
    const message = text ? renderPartial(text, this.o.header) : renderNote(this.status, 'status', this.o.header);
    if (this.ts === undefined && text === '' && (await this.trySetStatus())) return;
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
        ...(this.status !== '' && { loading_messages: loadingMessages(this.status, this.phase) }),
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
