/**
 * When a request's open ledger row is brought up to date while it is answered: after a new attempt (a model and a
 * call that Groq may bill) or new streamed text, at most once every few seconds (looked at on each reply event and
 * on a timer), so that a crash leaves "the attempts and tokens known a few seconds ago" behind without a write per
 * token. why not at once for a new attempt: the first attempt starts within ms of the admission write, and that
 * extra write of every question was a large share of the bot's CPU at 40 questions a second; the final record
 * carries everything anyway, so only a crash in those seconds is concerned.
 */
import type { Tally } from './stream-answer.js';
import type { ReplyEvent } from './types.js';

/** why: a crash loses at most this much progress from the ledger, for one write per interval per answer. */
const STREAM_CHECKPOINT_MS = 2_000;
/** Characters per token, as the prompt budget's approxTokens estimates them. */
const CHARS_PER_TOKEN = 3.5;

export class LedgerProgress {
  #attempts = 0;
  #chars = 0;
  #charsWritten = 0;
  #lastAt = Number.NEGATIVE_INFINITY;

  /** Completion tokens estimated from the text streamed so far (Groq reports the real count only at the end). */
  get streamedTokens(): number {
    return Math.ceil(this.#chars / CHARS_PER_TOKEN);
  }

  /** The open row was written at `now` (at admission): the next progress write waits its interval from there. */
  wrote(now: number): void {
    this.#lastAt = Math.max(this.#lastAt, now);
  }

  /**
   * Takes one reply event, or none for a periodic look (an attempt starts without a reply event); true when the
   * open row should be written now.
   */
  due(tally: Tally, now: number, event?: ReplyEvent): boolean {
    if (event?.type === 'final' || event?.type === 'failure') return false; // the final record is already written
    if (event?.type === 'delta') this.#chars += event.text.length;
    const newAttempt = tally.attempts !== this.#attempts;
    const streamed = this.#chars > this.#charsWritten;
    if ((!newAttempt && !streamed) || now - this.#lastAt < STREAM_CHECKPOINT_MS) return false;
    this.#attempts = tally.attempts;
    this.#charsWritten = this.#chars;
    this.#lastAt = now;
    return true;
  }
}
