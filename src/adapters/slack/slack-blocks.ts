/**
 * Turns twin output into Slack messages: mrkdwn section blocks of at most 3 000 characters, a context block with the
 * sources, split across several messages past Slack's per-message limits. Everything the bot writes goes through
 * `escapeMrkdwn`, so `<!channel>`, `<!here>`, `<@U…>` and `<!subteam^…>` arrive as inert text.
 */
import { splitText } from '../../core/split-text.js';
import type { Answer, Source } from '../../core/types.js';

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
  | { type: 'context'; block_id: string; elements: MrkdwnText[] };

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

/**
 * Splits raw text into parts whose escaped form is at most `limit` characters. The split happens before escaping so
 * no cut falls inside an entity; a part that grew past the limit by escaping is split again, smaller. Nothing is
 * dropped: the parts, joined at the whitespace they were cut at, give the text back.
 */
export function splitRaw(raw: string, limit: number, cutAt = limit): string[] {
  const out: string[] = [];
  for (const part of splitText(raw, cutAt)) {
    const escapedLength = escapeMrkdwn(part).length;
    if (escapedLength <= limit) {
      out.push(part);
      continue;
    }
    const smaller = Math.max(20, Math.floor((limit * part.length) / escapedLength) - 1);
    out.push(...splitRaw(part, limit, Math.min(smaller, cutAt - 1)));
  }
  return out;
}

/** `splitRaw`, escaped. */
export function splitEscaped(raw: string, limit: number): string[] {
  return splitRaw(raw, limit).map(escapeMrkdwn);
}

/** "Sources: Experience at Northwind, Skills": titles de-duplicated, in order of first appearance. */
export function sourcesLine(sources: readonly Source[]): string | undefined {
  const titles = [...new Set(sources.map((s) => s.title.trim()).filter((t) => t !== ''))];
  return titles.length === 0 ? undefined : `Sources: ${titles.join(', ')}`;
}

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

function footerBlock(answer: Answer): SlackBlock | undefined {
  const lines = [sourcesLine(answer.sources), answer.notice].filter((l): l is string => l !== undefined);
  if (lines.length === 0) return undefined;
  const elements = lines.flatMap((line) => splitEscaped(line, SECTION_LIMIT).map((t) => mrkdwn(t)));
  return { type: 'context', block_id: BLOCK.sources, elements: elements.slice(0, 10) };
}

function sectionsOf(raw: string): string[] {
  return raw.trim() === '' ? [] : splitEscaped(raw, SECTION_LIMIT);
}

function section(text: string, index: number): SlackBlock {
  return { type: 'section', block_id: `${BLOCK.answer}-${index}`, text: mrkdwn(text) };
}

/**
 * Renders an answer as one or more messages of at most `MESSAGE_LIMIT` characters of answer each, in sections of at
 * most `SECTION_LIMIT`: the optional question header on the first, the sources and the offline notice on the last.
 * Joining the sections gives the whole answer.
 */
export function renderAnswer(answer: Answer, header?: QuestionHeader): SlackMessage[] {
  const head = header ? headerBlock(header) : undefined;
  const foot = footerBlock(answer);
  const parts = answer.text.trim() === '' ? [''] : splitRaw(answer.text, MESSAGE_LIMIT);
  let index = 0;
  return parts.map((part, i) => {
    const texts = sectionsOf(part);
    const blocks: SlackBlock[] = [];
    if (i === 0 && head) blocks.push(head);
    for (const t of texts) blocks.push(section(t, ++index));
    if (i === parts.length - 1 && foot) blocks.push(foot);
    return { text: texts.join('\n\n') || escapeMrkdwn(sourcesLine(answer.sources) ?? ' '), blocks };
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
