/**
 * Turns the twin's reply stream into Discord messages: one live message edited as the answer streams (throttled),
 * then the final answer in it plus follow-ups for what does not fit. A failure replaces whatever was shown.
 */
import type { Logger } from '../../core/ports.js';
import type { ReplyEvent } from '../../core/types.js';
import { answerPieces, failurePieces, previewContent, statusContent } from './discord-render.js';
import { EditThrottle, type Scheduler } from './edit-throttle.js';
import { safeError } from './safe-error.js';

/** Where a reply goes: a slash command's deferred reply, or a reply to a message. */
export interface ReplySurface {
  /** Puts `content` in the one live message (posting it the first time). */
  show(content: string): Promise<void>;
  /** Posts one more message after the live one. */
  append(content: string): Promise<void>;
}

export interface RenderOptions {
  editIntervalMs: number;
  logger: Logger;
  scheduler?: Scheduler;
}

/** How the request ended, for the caller's log. */
export type RenderOutcome = { kind: 'final'; pieces: number } | { kind: 'failure'; code: string };

/**
 * Consumes `events` to the end and renders them on `surface`. Throws only when the final content could not be
 * shown (the caller then tries a generic failure message).
 */
export async function renderReply(
  events: AsyncIterable<ReplyEvent>,
  surface: ReplySurface,
  options: RenderOptions,
): Promise<RenderOutcome> {
  const throttle = new EditThrottle(
    (content) => surface.show(content),
    options.editIntervalMs,
    (err) => options.logger.warn({ event: 'discord.preview_edit_failed', err: safeError(err) }, 'a live edit failed'),
    options.scheduler,
  );
  let text = '';
  let status = 'Thinking…';
  try {
    for await (const event of events) {
      switch (event.type) {
        case 'status':
          status = event.text;
          // While nothing is on screen Discord shows its own "thinking"/typing indicator; a place in line is news.
          if (text === '' && (event.phase === 'queued' || throttle.started)) throttle.push(statusContent(status));
          break;
        case 'delta':
          text += event.text;
          throttle.push(previewContent(text));
          break;
        case 'reset':
          text = '';
          if (throttle.started) throttle.push(statusContent(status));
          break;
        case 'final': {
          await throttle.settle();
          const pieces = answerPieces(event.answer);
          await show(surface, pieces);
          return { kind: 'final', pieces: pieces.length };
        }
        case 'failure':
          await throttle.settle();
          // why: a failure after text was shown replaces it; never half an answer with a note under it.
          await show(surface, failurePieces(event.failure));
          return { kind: 'failure', code: event.failure.code };
      }
    }
  } finally {
    await throttle.settle();
  }
  throw new Error('the reply stream ended without a final event');
}

async function show(surface: ReplySurface, pieces: readonly string[]): Promise<void> {
  const [first = '', ...rest] = pieces;
  await surface.show(first);
  // One at a time and in order: discord.js retries a 429 itself, so nothing is posted twice or out of order.
  for (const piece of rest) await surface.append(piece);
}
