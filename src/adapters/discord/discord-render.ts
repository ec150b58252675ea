/**
 * How the twin's replies look on Discord: answer text made inert, the sources line and notices in small print,
 * progress notes, and reports cut into pieces Discord accepts. Pure functions, no discord.js. Answers are cut by the
 * core's reply presenter (discord-surface.ts gives it Discord's limits).
 */
import { splitText } from '../../core/split-text.js';
import type { QuotaChangeResult, UsageResult } from '../../core/types.js';

/**
 * why: Discord refuses message content over 2 000 characters; longer reports are split, never truncated. (Answers are
 * Components V2 messages, whose text displays take 4 000: discord-components.ts.)
 */
export const MESSAGE_LIMIT = 2_000;

/** Mentions are never parsed in anything the bot sends (allowedMentions), and this keeps them inert as text too. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const;

/**
 * Keeps `@everyone` and `@here` visible but inert even if a message were ever sent with default mention parsing:
 * a zero-width space after the `@` stops Discord from reading them as mass mentions.
 */
export function inertMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/g, '@\u200b$1');
}

/**
 * A masked link `[label](url)`: Discord shows only the label, so `[Click to verify](https://evil.example)` hides
 * where it goes. One level of parentheses in the URL (Wikipedia) and Markdown's `<url>` and "title" forms are read;
 * a `[` escaped by a backslash opens nothing.
 */
const MASKED_LINK =
  /(?<=(?:^|[^\\])(?:\\\\)*)\[([^[\]\n]*)\]\(\s*<?([^\s<>()]+(?:\([^\s<>()]*\)[^\s<>()]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
/** What closes a masked link's label and opens its address; a `[` before the last of these may start one. */
const LINK_MIDDLE = /\]\s*\(/g;

/**
 * Shows every link's real address: `[label](url)` becomes `label (url)`, and any other `[` that could still open a
 * masked link (nested brackets, odd spacing) is escaped, so Discord prints it instead of hiding an address behind it.
 * Applied inside code too: there it costs at most a visible backslash, and a code block cut in two must not
 * turn its content into live links.
 */
export function unmaskLinks(text: string): string {
  const shown = text.replace(MASKED_LINK, (_m, label: string, url: string) => {
    const words = label.trim();
    return words === '' || words === url ? url : `${words} (${url})`;
  });
  let lastMiddle = -1;
  for (const m of shown.matchAll(LINK_MIDDLE)) lastMiddle = m.index ?? lastMiddle;
  if (lastMiddle < 0) return shown;
  // why: `\[` is a literal bracket, `\\[` a literal backslash and a live bracket: count the backslashes.
  return shown.replace(/(\\*)\[/g, (m: string, slashes: string, at: number) =>
    at + slashes.length < lastMiddle && slashes.length % 2 === 0 ? `${slashes}\\[` : m,
  );
}

/** Control characters other than newline and tab: invisible at best, and they break renderers. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Model and user text made harmless to show: no mass mentions, no masked links, no control characters. */
export function inertText(text: string): string {
  return inertMentions(unmaskLinks(text.replace(CONTROL, '')));
}

/** Closes a code block left open, so the rest of the message does not render as code. */
export function closeFence(text: string): string {
  return (text.match(/```/g)?.length ?? 0) % 2 === 1 ? `${text.replace(/\n?$/, '\n')}\`\`\`` : text;
}

export { sourcesLine } from '../../core/reply-presenter.js';

/** A line in Discord's small print (`-# ` subtext); it must be one line to render as subtext. */
export function smallPrint(text: string): string {
  return `-# ${inertText(text.replace(/\s+/g, ' ').trim())}`;
}

/** A progress note ("Thinking…", "You're number 4 in line…"), shown in small print. */
export function statusContent(text: string): string {
  return smallPrint(text);
}

/** `/twin-usage`: the report as a code block (labels line up), or the refusal as a plain sentence. */
export function usagePieces(result: UsageResult): string[] {
  if (result.kind === 'refused') return splitText(inertText(result.message), MESSAGE_LIMIT);
  // why: names in "Top askers" are user-chosen; a ``` in one would end the code block early.
  const text = result.text.replace(/```/g, '`\u200b``');
  return splitText(`\`\`\`\n${text}\n\`\`\``, MESSAGE_LIMIT);
}

/** A plain sentence (a hint, a quota change's outcome) in message-sized pieces, made inert. */
export function plainPieces(text: string): string[] {
  return splitText(inertText(text), MESSAGE_LIMIT);
}

/** `/twin-usage quota`: the core's words as they are, whether the quota changed or not. */
export function quotaText(result: QuotaChangeResult): string {
  return result.kind === 'updated' ? result.text : result.message;
}
