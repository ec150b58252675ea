/**
 * Slack's rules for native streaming, as data and small functions: which answers to chat.startStream mean the
 * workspace will not stream, the error of an expired stream, how much of an answer may be streamed before the final
 * cut is known, and where streamed text may end so a mention is never split.
 */
import { MARKDOWN_LIMIT } from './slack-render.js';

/** Slack's answers to chat.startStream that say streaming is not for this workspace (remembered for a while). */
export const STREAM_REFUSALS = new Set([
  'not_allowed',
  'feature_not_enabled',
  'invalid_arguments',
  'not_allowed_token_type',
  'missing_scope',
  'unknown_method',
  'channel_type_not_supported',
  'method_deprecated',
]);

export const EXPIRED = 'message_not_in_streaming_state';

/**
 * why: the final answer's first part is cut at a boundary in the back half of the 12 000-character limit
 * (core/split-text.ts), so text up to just under half of it is always in that part. Streaming stops there; a longer
 * first part gets its rest with chat.stopStream, and later parts are posted after it. Nothing streamed is ever cut
 * away.
 */
export const STREAM_SAFE_CHARS = Math.floor(MARKDOWN_LIMIT / 2) - 16;

/**
 * The end of `text` up to which it can be streamed now: a possible mention still being written (`<`, `<!`, `@here`
 * without what follows) waits for the next text, so `neutraliseMentions` always sees it whole.
 */
export function streamableEnd(text: string): number {
  const open = /(<[!@#]?|<?@[a-z0-9]{0,8})$/i.exec(text.slice(-12));
  return open ? text.length - open[0].length : text.length;
}
