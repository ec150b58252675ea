/**
 * The LLM half of answering: streams the model's reply as reply events, holding back the first words until they
 * pass the leaked-instruction check (and the whole answer before its final edit), tallying attempts and tokens for the ledger, and turning faults into the
 * sentence the person reads.
 */
import { asTwinError, TwinError } from './errors.js';
import * as fail from './failure-messages.js';
import { LEAK_REPLACEMENT, looksLikeLeakedInstructions } from './leak-check.js';
import { type LlmCall, type LlmClient, type Logger, systemClock } from './ports.js';
import { type BuiltPrompt, isDecline, NOT_IN_PROFILE } from './prompt.js';
import type { Answer, Failure, ReplyEvent, RetrievedChunk } from './types.js';

/** What one request spent, filled in as the stream goes; the ledger record is made from it. */
export interface Tally {
  model?: string;
  promptTokens: number;
  completionTokens: number;
  attempts: number;
  queueMs: number;
  /** Epoch ms of the model's first token (of any attempt), for the ledger's time to first token. */
  firstTokenAt?: number;
}

export interface StreamInput {
  llm: LlmClient;
  prompt: BuiltPrompt;
  call: Omit<LlmCall, 'messages'> & { signal: AbortSignal };
  tally: Tally;
  logger: Logger;
  deadlineMs: number;
  /** True once the service is shutting down: an abort then means "restarting", not a fault. */
  closing: () => boolean;
  /** Epoch ms now, to note the first token's time; default the system clock. */
  now?: () => number;
}

export type StreamOutcome = { answer: Answer } | { failure: Failure; errorCode: string };

/** why: the first words of a reply are checked for leaked instructions before anyone sees them. */
const HOLD_BACK_CHARS = 160;
/** why: the newest words stay unshown while streaming, so a delimiter split over two deltas is seen whole first. */
const HOLD_BACK_TAIL = 48;
/** why: each delta checks only the recent text (bounded work however long the answer); the end checks it all. */
const STREAM_CHECK_CHARS = 1_000;

/** Where the text may be cut for showing: `at`, or one before when that would split a surrogate pair. */
function cutAt(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

export function sourcesOf(chunks: RetrievedChunk[]) {
  return chunks.map((r) => ({ chunkId: r.chunk.id, title: r.chunk.title, score: r.score }));
}

/** Streams an answer from the LLM, holding back the first words until they pass the leak check. */
export async function* streamAnswer(input: StreamInput): AsyncGenerator<ReplyEvent, StreamOutcome> {
  const { llm, prompt, call, tally, logger } = input;
  const { signal } = call;
  let text = '';
  let shown = 0;
  let leaked = false;
  let lastPosition = 0;
  try {
    for await (const event of llm.stream({ ...call, messages: prompt.messages })) {
      switch (event.type) {
        case 'queued':
          if (event.position !== lastPosition && event.position > 1) {
            yield {
              type: 'status',
              phase: 'queued',
              position: event.position,
              text: `You're number ${event.position} in line…`,
            };
          }
          lastPosition = event.position;
          break;
        case 'attempt':
          tally.attempts = event.attempt;
          tally.model = event.model;
          tally.queueMs = event.queueMs;
          if (lastPosition > 1) yield { type: 'status', phase: 'thinking', text: 'Thinking…' };
          lastPosition = 0;
          break;
        case 'usage':
          tally.model = event.model;
          tally.promptTokens += event.promptTokens;
          tally.completionTokens += event.completionTokens;
          break;
        case 'restart':
          if (shown > 0) yield { type: 'reset' };
          // why: a retry answers afresh; a leak in the attempt that broke off says nothing about the new text,
          // which the deltas below and the whole-answer check at the end go on checking.
          text = '';
          shown = 0;
          leaked = false;
          break;
        case 'delta': {
          tally.firstTokenAt ??= (input.now ?? systemClock.now)();
          if (leaked) break;
          text += event.text;
          if (looksLikeLeakedInstructions(text.slice(-STREAM_CHECK_CHARS))) {
            leaked = true;
            if (shown > 0) yield { type: 'reset' };
            shown = 0;
            break;
          }
          const upTo = cutAt(text, text.length - HOLD_BACK_TAIL);
          if (text.length >= HOLD_BACK_CHARS && upTo > shown) {
            yield { type: 'delta', text: text.slice(shown, upTo) };
            shown = upTo;
          }
          break;
        }
        case 'done':
          tally.model = event.model;
          break;
        case 'limits':
          break;
      }
    }
  } catch (err) {
    const reason = signal.aborted ? signal.reason : undefined;
    const e = asTwinError(reason instanceof TwinError ? reason : err, 'internal');
    if (e.code === 'internal') logger.error({ event: 'twin.bug', err }, 'unexpected error while answering');
    if (tally.attempts === 0) tally.attempts = 1;
    const f = input.closing() && e.code === 'aborted' ? fail.shuttingDown() : fail.fromError(e, input.deadlineMs);
    return { failure: f, errorCode: e.code };
  }
  if (tally.attempts === 0) tally.attempts = 1;
  // why: while streaming only a window was checked; the whole answer is checked before its final edit.
  if (!leaked && looksLikeLeakedInstructions(text)) {
    leaked = true;
    if (shown > 0) yield { type: 'reset' };
    shown = 0;
  }
  if (leaked) {
    logger.warn({ event: 'twin.leak_replaced', tenant: call.tenantId }, 'reply repeated instructions');
    yield { type: 'delta', text: LEAK_REPLACEMENT };
    return { answer: { text: LEAK_REPLACEMENT, sources: [], mode: 'llm', model: tally.model } };
  }
  // why: the model declines with a token (prompt.ts); the person reads the decline sentence instead.
  const declined = text.trim() === '' || isDecline(text);
  const finalText = declined ? NOT_IN_PROFILE : text;
  if (declined && shown > 0) {
    yield { type: 'reset' };
    shown = 0;
  }
  if (shown < finalText.length) yield { type: 'delta', text: finalText.slice(shown) };
  return {
    answer: {
      text: finalText,
      sources: declined ? [] : sourcesOf(prompt.usedChunks),
      mode: declined ? 'declined' : 'llm',
      model: tally.model,
    },
  };
}
