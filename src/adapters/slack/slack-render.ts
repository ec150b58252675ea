/**
 * Turns twin output into Slack messages. An answer is model Markdown, shown in a `markdown` block as written (Slack
 * renders it), with only the mentions made inert (`neutraliseMentions`); the sources go in a context block under it,
 * and a long answer is split across several messages past Slack's per-message limits. Progress notes, failures and
 * reports are mrkdwn sections escaped with `escapeMrkdwn`, so `<!channel>`, `<!here>`, `<@U…>` and `<!subteam^…>`
 * arrive as inert text.
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

/** why: a markdown block holds at most 12 000 characters (FACTS.md "Slack"); so does one streaming call. */
export const MARKDOWN_LIMIT = 12_000;

export type SlackBlock =
  | { type: 'section'; block_id: string; text: MrkdwnText }
  | { type: 'context'; block_id: string; elements: MrkdwnText[] }
  | { type: 'markdown'; block_id: string; text: string }
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

/** why: an invisible character after `<` or `@` keeps the text as people read it but stops Slack from parsing it. */
const ZERO_WIDTH = '\u200b';

/**
 * Model Markdown as a markdown block or a stream takes it: unchanged, except that nothing in it can notify anyone.
 * `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>`, `<#C…>`, `<!subteam^…>` and the bare words `@channel`, `@here`,
 * `@everyone` get a zero-width space after `<` or `@`; control characters other than newline and tab are dropped.
 */
export function neutraliseMentions(markdown: string): string {
  return markdown
    .replace(CONTROL, '')
    .replace(/<(?=[!@#])/g, `<${ZERO_WIDTH}`)
    .replace(/@(?=(channel|here|everyone)\b)/gi, `@${ZERO_WIDTH}`);
}

/** Text back from `neutraliseMentions` (for history read from a thread). */
export function unneutralise(text: string): string {
  return text.replace(/([<@])\u200b/g, '$1');
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

/**
 * The blocks that close an answer, under its last part: the sources line and notices, then 👍/👎 and the follow-up
 * buttons (`answerActionBlocks`). This is the one place for what goes under a finished answer: a streamed answer
 * sends these blocks with chat.stopStream, a posted one ends with them. Other parts close with nothing.
 */
export function answerFooterBlocks(part: FinalPart): SlackBlock[] {
  if (!part.last) return [];
  const foot = footerBlock(part.notes);
  return [...(foot ? [foot] : []), ...answerActionBlocks(part.answer)];
}

/** The notification text of an answer part (mrkdwn, escaped): what notifications, search and screen readers use. */
function fallbackText(part: FinalPart): string {
  const text = escapeMrkdwn(part.text.trim());
  return text || escapeMrkdwn(part.notes[0] ?? ' ');
}

/**
 * One part of the final answer (cut by the core's reply presenter to at most the surface's message limit) as a
 * message: the optional question header on the first part, the text as one markdown block, and on the last part
 * the footer blocks (`answerFooterBlocks`).
 */
export function renderPart(part: FinalPart, header?: QuestionHeader): SlackMessage {
  const blocks: SlackBlock[] = [];
  if (part.index === 0 && header) blocks.push(headerBlock(header));
  // why: ids are unique within a message; the first part keeps the plain numbering threads were written with.
  const id = part.index === 0 ? `${BLOCK.answer}-1` : `${BLOCK.answer}-${part.index + 1}-1`;
  if (part.text.trim() !== '') blocks.push({ type: 'markdown', block_id: id, text: neutraliseMentions(part.text) });
  if (part.last) blocks.push(...answerFooterBlocks(part));
  return { text: fallbackText(part), blocks };
}

/** An answer as every message it takes (the presenter's cut, then `renderPart`); joining the parts gives it back. */
export function renderAnswer(answer: Answer, header?: QuestionHeader): SlackMessage[] {
  const notes = [sourcesLine(answer.sources), answer.notice].filter((l): l is string => l !== undefined);
  const texts = answer.text.trim() === '' ? [''] : splitToFit(answer.text, MESSAGE_LIMIT, neutraliseMentions);
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

/**
 * Who asked what, as a message of its own: it stands in for a question nobody typed (a follow-up click) above an
 * answer that streams, since a stream holds only the answer's Markdown. History reads it as the question.
 */
export function renderQuestion(header: QuestionHeader): SlackMessage {
  return {
    text: `${escapeMrkdwn(header.asker)} asked: ${escapeMrkdwn(header.question)}`,
    blocks: [headerBlock(header)],
  };
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
