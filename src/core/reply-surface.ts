/**
 * The surface port: where one reply is shown (a Discord interaction or message, a Slack thread, a terminal). The
 * reply presenter (reply-presenter.ts) decides what to show and when; a surface only formats (escaping, small print,
 * blocks) and makes the platform calls. Its limits are data, so the rules that depend on them live in one place.
 */

import type { Answer, Failure, ReplyEvent } from './types.js';
import type { WriteRate } from './write-budget.js';

export interface SurfaceLimits {
  /** The most characters of answer text one message takes, measured after `format`. */
  maxMessageChars: number;
  /** Edits allowed, shared by every reply with the same `budgetKey` (Slack chat.update Tier 3, Discord 5 per 5 s). */
  editBudget: WriteRate;
  /** Least time between two progress updates of one reply; the first text and the final text do not wait for it. */
  updateIntervalMs: number;
  /**
   * The platform shows its own progress indicator until the bot first writes (Discord's deferred "thinking…", the
   * typing indicator): then "Thinking…" is not news, only a place in line is.
   */
  ownProgressIndicator: boolean;
  /** The sources line and notices count against the last message's characters (Discord); else they sit apart. */
  notesInMessage: boolean;
}

/** What the one live message shows while the answer is on its way. */
export interface LiveView {
  /** The latest progress note ("Thinking…", "You're number 4 in line…"); never failure words. */
  status: string;
  phase: Extract<ReplyEvent, { type: 'status' }>['phase'];
  /** The answer so far, raw, at most one message's worth; absent while nothing has streamed. */
  text?: string;
}

/** One message of the final answer: raw text that fits `maxMessageChars` once formatted. */
export interface FinalPart {
  text: string;
  index: number;
  last: boolean;
  /** Raw lines for the small print under the answer (the sources line, a notice); only on the last part. */
  notes: string[];
  answer: Answer;
}

export interface ReplySurface {
  readonly limits: SurfaceLimits;
  /** Whose write budget this reply spends: the workspace or channel it is written in. */
  readonly budgetKey: string;
  /** True when the next `show`, `finish` or `fail` edits a message already posted (an edit spends the budget). */
  readonly edits: boolean;
  /** The platform's form of answer text (escaped, links unmasked), used to measure parts. */
  format(raw: string): string;
  /** The platform's form of one small-print line. */
  formatNote(raw: string): string;
  /** Puts progress in the live message (posting it the first time). */
  show(view: LiveView): Promise<void>;
  /** Puts the first part of the final answer in the live message (posting it if nothing is there yet). */
  finish(part: FinalPart): Promise<void>;
  /** Posts one more part of the final answer after the live message. */
  append(part: FinalPart): Promise<void>;
  /** Replaces whatever was shown with the failure: never half an answer with a note under it. */
  fail(failure: Failure, parts: string[]): Promise<void>;
}
