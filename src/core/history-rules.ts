/**
 * The conversation-history rules (STYLE.md 13), defined once: per platform, how much of a conversation an adapter
 * reads, how many turns it keeps, how consecutive turns of one side are merged and what becomes of other bots'
 * messages; and the core's own limit on what reaches the prompt. The Slack thread reader, the Discord reply-chain
 * walk and `TwinService.ask` read their numbers and policies from here. The platforms differ today on purpose or by
 * history; each difference is stated as data with its `why`, so changing one is a one-line edit here.
 */
import type { Turn } from './types.js';

/** What an adapter does with a message another bot (not the twin) wrote in the conversation. */
export type OtherBotPolicy =
  /** Left out of the history, as if it were not there. */
  | 'skip'
  /** Read as a person's turn (`role: 'user'`). */
  | 'user';

export interface HistoryRule {
  /** At most this many platform messages are read to build the history. */
  readonly fetchedMessages: number;
  /** The adapter keeps at most this many turns (the newest), after merging. */
  readonly keptTurns: number;
  /** Joins the texts of consecutive turns of one side into one turn. */
  readonly mergeSeparator: string;
  readonly otherBots: OtherBotPolicy;
  /** Why this platform's numbers and policies are what they are. */
  readonly why: string;
}

/** The platforms whose adapters read history from the conversation (the others pass none). */
export const HISTORY_RULES = {
  slack: {
    fetchedMessages: 200,
    keptTurns: 12,
    mergeSeparator: '\n\n',
    otherBots: 'skip',
    why:
      'a thread is read whole with conversations.replies (pages of 100, bounded at 200 messages); a long answer is ' +
      'several section blocks, kept apart as paragraphs; other bots in a channel (alerts, CI) are noise to the twin',
  },
  discord: {
    fetchedMessages: 6,
    keptTurns: 6,
    mergeSeparator: '\n',
    otherBots: 'user',
    why:
      'the reply chain costs one REST fetch per message, so the walk is short, and 6 messages never make more than ' +
      '6 turns; an answer split over messages at the 2000-character limit rejoins with the newline it was split at; ' +
      'a bot in a reply chain was replied to on purpose, so it reads as a person',
  },
} as const satisfies Record<string, HistoryRule>;

export type HistoryPlatform = keyof typeof HISTORY_RULES;

/**
 * The core's own limit: `TwinService.ask` keeps the last this-many turns of whatever history an adapter passes
 * (TwinServiceOptions.maxHistoryTurns overrides it). why: the prompt budget; the retrieval query reads only the last
 * user turn, and older turns add tokens more than grounding.
 */
export const CORE_HISTORY_TURNS = 6;

/** Turns with consecutive turns of one side merged into one, joined by `separator`; the input is not changed. */
export function mergeTurns(turns: readonly Turn[], separator: string): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const last = merged.at(-1);
    if (last && last.role === turn.role) last.text = `${last.text}${separator}${turn.text}`;
    else merged.push({ ...turn });
  }
  return merged;
}

/** The history an adapter passes on: merged by its row's separator, the newest `keptTurns` kept. */
export function keepHistory(turns: readonly Turn[], rule: HistoryRule, keptTurns = rule.keptTurns): Turn[] {
  return mergeTurns(turns, rule.mergeSeparator).slice(-keptTurns);
}
