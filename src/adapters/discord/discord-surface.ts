/**
 * A Discord reply as the core's surface port: Discord's limits as data, its formatting (inert text, small print),
 * and the calls of a `DiscordTarget`. What to show and when is decided by the core's reply presenter.
 */
import { finalParts, previewText } from '../../core/reply-presenter.js';
import type { FinalPart, LiveView, ReplySurface, SurfaceLimits } from '../../core/reply-surface.js';
import type { Answer, Failure } from '../../core/types.js';
import type { WriteRate } from '../../core/write-budget.js';
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
  ) {
    this.budgetKey = `discord:channel:${channelId}`;
    this.limits = {
      maxMessageChars: MESSAGE_LIMIT,
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
    return this.target.show(view.text === undefined ? statusContent(view.status) : this.format(view.text));
  }

  finish(part: FinalPart): Promise<void> {
    return this.target.show(this.render(part), undefined, part.last ? answerComponents(part.answer) : undefined);
  }

  append(part: FinalPart): Promise<void> {
    return this.target.append(this.render(part), undefined, part.last ? answerComponents(part.answer) : undefined);
  }

  async fail(_failure: Failure, parts: string[]): Promise<void> {
    const [first = '', ...rest] = parts.map((p) => inertText(p));
    await this.target.show(first);
    for (const part of rest) await this.target.append(part);
  }

  /** A part of the final answer: its text made inert, and the sources line and notices in small print. */
  render(part: FinalPart): string {
    const body = inertText(closeFence(part.text.trim()));
    const small = part.notes.map(smallPrint).join('\n');
    const content = small === '' ? body : body === '' ? small : `${body}\n\n${small}`;
    return content === '' ? smallPrint('…') : content;
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

/** The live message while an answer streams: the first message's worth of the text so far. */
export function previewContent(text: string): string {
  return FORMAT_ONLY.format(previewText(text, FORMAT_ONLY));
}

/** The final answer in message-sized pieces: text, then the sources line and any notice in small print. */
export function answerPieces(answer: Answer): string[] {
  return finalParts(answer, FORMAT_ONLY).map((part) => FORMAT_ONLY.render(part));
}
