/**
 * A Discord reply as the core's surface port: Discord's limits as data, its formatting (inert text, small print,
 * Components V2 messages) and the calls of a `DiscordTarget`. What to show and when is decided by the core's reply
 * presenter.
 */
import { finalParts, previewText } from '../../core/reply-presenter.js';
import type { FinalPart, LiveView, ReplySurface, SurfaceLimits } from '../../core/reply-surface.js';
import type { Answer, Failure } from '../../core/types.js';
import type { WriteRate } from '../../core/write-budget.js';
import {
  COMPONENTS_TEXT_LIMIT,
  failureMessage,
  finalAnswerMessage,
  type MessageComponents,
  noteMessage,
  previewMessage,
  textOfComponents,
} from './discord-components.js';
import { answerComponents } from './discord-feedback.js';
import { closeFence, inertText, MESSAGE_LIMIT, smallPrint, statusContent } from './discord-render.js';
import type { DiscordTarget } from './discord-targets.js';

/** why: Discord's edit limits are undocumented; about 5 edits per 5 s per channel is the usual safe pace. */
export const CHANNEL_EDIT_RATE: WriteRate = { writes: 5, perMs: 5_000 };

export class DiscordSurface implements ReplySurface {
  readonly limits: SurfaceLimits;
  readonly budgetKey: string;

  constructor(
    private readonly target: DiscordTarget,
    channelId: string,
    updateIntervalMs: number,
    editRate: WriteRate = CHANNEL_EDIT_RATE,
    /** The reply is plain text (a usage report), so a failure replacing it is plain text too. */
    private readonly plainText = false,
  ) {
    this.budgetKey = `discord:channel:${channelId}`;
    this.limits = {
      // why: every message of an answer is Components V2 (discord-components.ts): 4 000 characters of text displays;
      // a plain-text reply (a report) keeps content's 2 000.
      maxMessageChars: plainText ? MESSAGE_LIMIT : COMPONENTS_TEXT_LIMIT,
      editBudget: editRate,
      updateIntervalMs,
      // why: a deferred interaction shows "thinking…" and a message reply shows typing until the bot writes.
      ownProgressIndicator: true,
      notesInMessage: true,
    };
  }

  get edits(): boolean {
    return this.target.edits;
  }

  format(raw: string): string {
    return inertText(closeFence(raw.trimEnd()));
  }

  formatNote(raw: string): string {
    return smallPrint(raw);
  }

  show(view: LiveView): Promise<void> {
    const components =
      view.text === undefined ? noteMessage(statusContent(view.status)) : previewMessage(this.format(view.text));
    return this.target.show({ components });
  }

  finish(part: FinalPart): Promise<void> {
    return this.target.show({ components: this.render(part) });
  }

  append(part: FinalPart): Promise<void> {
    return this.target.append({ components: this.render(part) });
  }

  async fail(_failure: Failure, parts: string[]): Promise<void> {
    // why: a message keeps its kind; Discord refuses an edit that would take a V2 message back to plain text.
    const body = (part: string) => (this.plainText ? { text: inertText(part) } : { components: failureMessage(part) });
    const [first = '', ...rest] = parts;
    await this.target.show(body(first));
    for (const part of rest) await this.target.append(body(part));
  }

  /**
   * A part of the final answer as its message's components (discord-components.ts draws it); the last part gets the
   * 👍/👎 and follow-up rows under it (discord-feedback.ts). Progress notes, previews and failures never get them.
   */
  render(part: FinalPart): MessageComponents {
    const message = finalAnswerMessage(part);
    return part.last ? [...message, ...answerComponents(part.answer)] : message;
  }
}

/** A surface that only formats: for previews and pieces computed without a target (tests, tools). */
const FORMAT_ONLY = new DiscordSurface(
  {
    edits: false,
    show: async () => undefined,
    append: async () => undefined,
  },
  'none',
  0,
);

/** The live message's text while an answer streams: the first message's worth of the text so far. */
export function previewContent(text: string): string {
  return FORMAT_ONLY.format(previewText(text, FORMAT_ONLY));
}

/** The final answer as the text of each message: text, then the sources line and any notice in small print. */
export function answerPieces(answer: Answer): string[] {
  return finalParts(answer, FORMAT_ONLY).map((part) => textOfComponents(FORMAT_ONLY.render(part)));
}
