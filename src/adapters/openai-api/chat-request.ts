/**
 * A `POST /v1/chat/completions` body read into what the twin needs: the last user message is the question, the
 * messages before it the history (system and developer messages are the caller's, not the person's: ignored).
 */
import type { Turn } from '../../core/types.js';
import { type ApiError, badRequest } from './openai-errors.js';

export interface ChatRequest {
  question: string;
  history: Turn[];
  stream: boolean;
  model?: string;
  /** OpenAI's `user`: the end user, for the per-user flood guard. */
  user?: string;
}

/** why: a conversation longer than this is not a twin chat; the service keeps only the last few turns anyway. */
const MAX_MESSAGES = 100;

export function parseChatRequest(body: unknown): ChatRequest | ApiError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badRequest('The body must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (b.model !== undefined && typeof b.model !== 'string') return badRequest('`model` must be a string.', 'model');
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== 'boolean') {
    return badRequest('`stream` must be true or false.', 'stream');
  }
  if (b.user !== undefined && typeof b.user !== 'string') return badRequest('`user` must be a string.', 'user');
  if (b.n !== undefined && b.n !== null && b.n !== 1) return badRequest('Only `n: 1` is supported.', 'n');
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    return badRequest('`messages` must be a non-empty array.', 'messages');
  }
  if (b.messages.length > MAX_MESSAGES) {
    return badRequest(`\`messages\` may hold at most ${MAX_MESSAGES} messages.`, 'messages');
  }
  const turns: Turn[] = [];
  for (const [i, m] of b.messages.entries()) {
    if (typeof m !== 'object' || m === null) return badRequest(`messages[${i}] must be an object.`, `messages[${i}]`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    const text = contentText(content);
    if (text === undefined) {
      return badRequest(`messages[${i}].content must be a string or text parts.`, `messages[${i}].content`);
    }
    if (role === 'user') turns.push({ role: 'user', text });
    else if (role === 'assistant') turns.push({ role: 'twin', text });
    else if (role !== 'system' && role !== 'developer' && role !== 'tool') {
      return badRequest(`messages[${i}].role must be user, assistant or system.`, `messages[${i}].role`);
    }
  }
  const last = turns.at(-1);
  if (last?.role !== 'user') {
    return badRequest('The last message must be a user message: it is the question.', 'messages');
  }
  return {
    question: last.text,
    history: turns.slice(0, -1),
    stream: b.stream === true,
    model: typeof b.model === 'string' ? b.model : undefined,
    user: typeof b.user === 'string' && b.user.trim() !== '' ? b.user.trim().slice(0, 128) : undefined,
  };
}

/** A message's text: a string, or the text of its `{type: "text"}` parts; null content (tool calls) is empty. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part !== 'object' || part === null) return undefined;
    const p = part as { type?: unknown; text?: unknown };
    if (p.type !== 'text' || typeof p.text !== 'string') return undefined;
    parts.push(p.text);
  }
  return parts.join('\n');
}
