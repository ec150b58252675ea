/**
 * Reads what people wrote to the twin: the question text without the bot's mention, and a thread (bounded) as
 * conversation history, with the twin's own answers recognised by their block ids (slack-render.ts).
 */
import type { webApi } from '@slack/bolt';
import { HISTORY_RULES, type HistoryRule, keepHistory } from '../../core/history-rules.js';
import type { Turn } from '../../core/types.js';
import { BLOCK, unescapeMrkdwn, unneutralise } from './slack-render.js';

/** The bot's identity in a workspace, from auth.test or the installation. */
export interface BotIdentity {
  botUserId?: string;
  botId?: string;
}

/**
 * Plain text of a Slack message: the bot's own mention removed, other markup made readable
 * (`<@U1>` -> `@U1`, `<#C1|general>` -> `#general`, `<https://x|x>` -> `x`), entities decoded.
 */
export function questionText(text: string, botUserId: string | undefined): string {
  const withoutBot = botUserId ? text.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ') : text;
  const readable = withoutBot.replace(/<([^>]*)>/g, (_m, inner: string) => {
    const [target = '', label] = inner.split('|');
    if (target.startsWith('@')) return label ? `@${label}` : target;
    if (target.startsWith('#')) return label ? `#${label}` : target;
    if (target.startsWith('!')) return `@${(label ?? target.slice(1)).replace(/^subteam\^/, '')}`;
    return label ?? target;
  });
  return unescapeMrkdwn(readable).replace(/\s+/g, ' ').trim();
}

/** The fields of a message from conversations.replies that history needs. */
export interface ThreadMessage {
  ts?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  blocks?: unknown[];
}

interface TextObject {
  text?: unknown;
}
interface AnyBlock {
  type?: unknown;
  block_id?: unknown;
  /** A markdown block's text is a string; a section's is a text object. */
  text?: TextObject | string;
  elements?: TextObject[];
}

/** Compares Slack timestamps ("1700000000.000100") exactly, without float rounding. */
export function tsCompare(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const ints = BigInt(ai) - BigInt(bi);
  if (ints !== 0n) return ints < 0n ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const fa = af.padEnd(width, '0');
  const fb = bf.padEnd(width, '0');
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

const textOf = (o: TextObject | undefined): string => (typeof o?.text === 'string' ? o.text : '');

/** Turns one of the twin's own messages into turns: the echoed question (if any) and the answer. */
function twinTurns(message: ThreadMessage): Turn[] {
  const blocks = (message.blocks ?? []) as AnyBlock[];
  const id = (b: AnyBlock) => (typeof b.block_id === 'string' ? b.block_id : '');
  if (blocks.some((b) => id(b).startsWith(BLOCK.status) || id(b).startsWith(BLOCK.failure))) return [];
  const turns: Turn[] = [];
  const header = blocks.find((b) => id(b) === BLOCK.question);
  if (header) {
    const question = (header.elements ?? []).slice(1).map(textOf).join('');
    if (question.trim()) turns.push({ role: 'user', text: unescapeMrkdwn(question) });
  }
  // why: a streamed answer's markdown block is Slack's own (no block id of ours); a posted one carries our id.
  const answer = blocks
    .filter((b) => id(b).startsWith(BLOCK.answer) || b.type === 'markdown')
    .map((b) => (typeof b.text === 'string' ? unneutralise(b.text) : unescapeMrkdwn(textOf(b.text))))
    .join('\n\n');
  const text = answer || (blocks.length === 0 ? (message.text ?? '') : '');
  if (text.trim()) turns.push({ role: 'twin', text: answer ? text : unescapeMrkdwn(text) });
  return turns;
}

/**
 * Converts a thread (oldest first) into history turns before `beforeTs`: the twin's answers as `twin`, people's
 * messages as `user`, system messages left out; other bots, the merging of consecutive turns of one speaker and the
 * turns kept follow Slack's row of the history rules (core/history-rules.ts).
 */
export function threadTurns(
  messages: readonly ThreadMessage[],
  self: BotIdentity,
  beforeTs: string,
  maxTurns: number = HISTORY_RULES.slack.keptTurns,
  rule: HistoryRule = HISTORY_RULES.slack,
): Turn[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    if (!m.ts || tsCompare(m.ts, beforeTs) >= 0) continue;
    const mine = (self.botUserId !== undefined && m.user === self.botUserId) || (self.botId && m.bot_id === self.botId);
    const otherBot = !mine && Boolean(m.bot_id);
    if (mine) turns.push(...twinTurns(m));
    else if (otherBot && rule.otherBots === 'skip') continue;
    else if (m.subtype && m.subtype !== 'thread_broadcast' && !(otherBot && m.subtype === 'bot_message')) continue;
    else {
      const text = questionText(m.text ?? '', self.botUserId);
      if (text) turns.push({ role: 'user', text });
    }
  }
  return keepHistory(turns, rule, maxTurns);
}

/** Bounds on reading a thread: pages of 100 messages, at most `maxMessages` read, the last `maxTurns` kept. */
export interface ThreadReadLimits {
  maxMessages: number;
  maxTurns: number;
}

/** Slack's bounds, from its row of the history rules. */
export const THREAD_LIMITS: ThreadReadLimits = {
  maxMessages: HISTORY_RULES.slack.fetchedMessages,
  maxTurns: HISTORY_RULES.slack.keptTurns,
};

/** Reads a thread with conversations.replies (bounded) and returns the history before `beforeTs`. */
export async function fetchThreadTurns(
  client: webApi.WebClient,
  channel: string,
  threadTs: string,
  beforeTs: string,
  self: BotIdentity,
  limits: ThreadReadLimits = THREAD_LIMITS,
): Promise<Turn[]> {
  const messages: ThreadMessage[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.conversations.replies({
      channel,
      ts: threadTs,
      limit: Math.min(100, limits.maxMessages - messages.length),
      cursor,
    });
    messages.push(...((page.messages ?? []) as ThreadMessage[]));
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor && messages.length < limits.maxMessages);
  return threadTurns(messages, self, beforeTs, limits.maxTurns);
}
