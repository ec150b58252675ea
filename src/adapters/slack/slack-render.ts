/**
 * Turns twin output into Slack messages: mrkdwn section blocks of at most 3 000 characters, a context block with the
 * sources, split across several messages past Slack's per-message limits. Everything the bot writes goes through
 * `escapeMrkdwn`, so `<!channel>`, `<!here>`, `<@U…>` and `<!subteam^…>` arrive as inert text.
 */

import { sourcesLine } from '../../core/reply-presenter.js';
import type { FinalPart } from '../../core/reply-surface.js';
import { splitToFit } from '../../core/split-text.js';
import type { Answer } from '../../core/types.js';
import { type AnswerActionBlock, answerActionBlocks } from './slack-feedback.js';

/** why: a section block's text is capped at 3 000 characters (FACTS.md "Slack"). */
export const SECTION_LIMIT = 3_000;
/**
 * why: a message's `text` is what notifications, search and screen readers use, and Slack recommends keeping it
 * under 4 000 characters; each message carries at most this much of the answer (far from `msg_blocks_too_long`,
 * near 13 000, and from the 50-block cap), so a longer answer continues in the next message.
 */
export const MESSAGE_LIMIT = 4_000;

/** A mrkdwn text object. `verbatim: true` stops Slack from auto-linking names, channels and mentions. */
export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}

export type SlackBlock =
  | { type: 'section'; block_id: string; text: MrkdwnText }
  | { type: 'context'; block_id: string; elements: MrkdwnText[] }
  | AnswerActionBlock;

/** A message as chat.postMessage / chat.update / response_url take it; `text` is the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Block ids mark what each block is, so a thread can be read back as history (thread-history.ts). */
export const BLOCK = {
  question: 'twin-question',
  answer: 'twin-answer',
  sources: 'twin-sources',
  status: 'twin-status',
  failure: 'twin-failure',
  report: 'twin-report',
} as const;

/** Control characters other than newline and tab: invisible at best, and they break renderers. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Escapes the three characters Slack treats as control characters (so `<!channel>` and `<https://x|label>` are
 * inert text), and drops control characters; all else is shown as written.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(CONTROL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The inverse of `escapeMrkdwn`, for text Slack sends us (it arrives escaped). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function mrkdwn(escapedText: string): MrkdwnText {
  return { type: 'mrkdwn', text: escapedText, verbatim: true };
}

/** Raw text in parts whose escaped form is at most `limit` characters (the core's splitToFit with Slack's escaping). */
export function splitRaw(raw: string, limit: number): string[] {
  return splitToFit(raw, limit, escapeMrkdwn);
}

/** `splitRaw`, escaped. */
export function splitEscaped(raw: string, limit: number): string[] {
  return splitRaw(raw, limit).map(escapeMrkdwn);
}

export { sourcesLine };

/** The asker and question shown above an answer posted for a slash command. */
export interface QuestionHeader {
  asker: string;
  question: string;
}

function headerBlock(header: QuestionHeader): SlackBlock {
  return {
    type: 'context',
    block_id: BLOCK.question,
    // why: a context element holds 3 000 characters and a block 10 elements; a question is at most a few thousand.
    elements: [
      mrkdwn(`*${escapeMrkdwn(header.asker)} asked:*`),
      ...splitEscaped(header.question, SECTION_LIMIT).map((t) => mrkdwn(t)),
    ].slice(0, 10),
  };
}

function footerBlock(notes: readonly string[]): SlackBlock | undefined {
  if (notes.length === 0) return undefined;
  const elements = notes.flatMap((line) => splitEscaped(line, SECTION_LIMIT).map((t) => mrkdwn(t)));
  return { type: 'context', block_id: BLOCK.sources, elements: elements.slice(0, 10) };
}

function sectionsOf(raw: string): string[] {
  return raw.trim() === '' ? [] : splitEscaped(raw, SECTION_LIMIT);
}

function section(text: string, index: string): SlackBlock {
  return { type: 'section', block_id: `${BLOCK.answer}-${index}`, text: mrkdwn(text) };
}

/**
 * One part of the final answer (cut by the core's reply presenter to at most `MESSAGE_LIMIT` escaped characters) as
 * a message: sections of at most `SECTION_LIMIT`, the optional question header on the first part, the sources and
 * notices on the last.
 */
export function renderPart(part: FinalPart, header?: QuestionHeader): SlackMessage {
  const texts = sectionsOf(part.text);
  const blocks: SlackBlock[] = [];
  if (part.index === 0 && header) blocks.push(headerBlock(header));
  // why: ids are unique within a message; the first part keeps the plain numbering threads were written with.
  for (const [i, t] of texts.entries()) {
    blocks.push(section(t, part.index === 0 ? `${i + 1}` : `${part.index + 1}-${i + 1}`));
  }
  const foot = footerBlock(part.notes);
  if (foot) blocks.push(foot);
  if (part.last) blocks.push(...answerActionBlocks(part.answer));
  return { text: texts.join('\n\n') || escapeMrkdwn(part.notes[0] ?? ' '), blocks };
}

/** An answer as every message it takes (the presenter's cut, then `renderPart`); joining the sections gives it back. */
export function renderAnswer(answer: Answer, header?: QuestionHeader): SlackMessage[] {
  const notes = [sourcesLine(answer.sources), answer.notice].filter((l): l is string => l !== undefined);
  const texts = answer.text.trim() === '' ? [''] : splitRaw(answer.text, MESSAGE_LIMIT);
  return texts.map((text, index) => {
    const last = index === texts.length - 1;
    return renderPart({ text, index, last, notes: last ? notes : [], answer }, header);
  });
}

/**
 * The answer so far, while it streams: the first message's worth of text only (the rest arrives with the final
 * render, split across messages), so an update never exceeds Slack's limits.
 */
export function renderPartial(text: string, header?: QuestionHeader): SlackMessage {
  const first = renderAnswer({ text, sources: [], mode: 'llm' }, header)[0]!;
  return first;
}

/** A one-line message that is not an answer: a progress note or a failure, escaped. */
export function renderNote(text: string, kind: 'status' | 'failure', header?: QuestionHeader): SlackMessage {
  const escaped = splitEscaped(text, SECTION_LIMIT);
  const blocks: SlackBlock[] = header ? [headerBlock(header)] : [];
  for (const [i, t] of escaped.entries()) {
    const shown = kind === 'status' ? `_${t}_` : t;
    blocks.push({ type: 'section', block_id: `${BLOCK[kind]}-${i + 1}`, text: mrkdwn(shown) });
  }
  return { text: escaped.join('\n'), blocks };
}

/** Renders plain report text (the usage report) as escaped sections, split across messages when long. */
export function renderReport(text: string): SlackMessage[] {
  return splitRaw(text, MESSAGE_LIMIT).map((part, m) => {
    const texts = sectionsOf(part);
    return {
      text: texts.join('\n'),
      blocks: texts.map((t, i) => ({
        type: 'section' as const,
        block_id: `${BLOCK.report}-${m + 1}-${i + 1}`,
        text: mrkdwn(t),
      })),
    };
  });
}
