/**
 * What people read when a request ends without an answer. One place, so every platform says the same thing,
 * and every message says what happened and what to do (DESIGN.md "What people see").
 */
import type { TwinError } from './errors.js';
import type { Failure, FailureCode } from './types.js';

export function formatWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 90) return `${m} minutes`;
  const h = Math.round(m / 60);
  return `${h} hour${h === 1 ? '' : 's'}`;
}

export function failure(code: FailureCode, message: string, retryAfterMs?: number): Failure {
  return retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs };
}

export function emptyQuestion(exampleQuestion?: string): Failure {
  const example = exampleQuestion ? ` For example: "${exampleQuestion}"` : '';
  return failure('empty_question', `Ask me something about my experience, skills, projects or goals.${example}`);
}

export function questionTooLong(length: number, max: number): Failure {
  return failure(
    'question_too_long',
    `That question is ${length.toLocaleString('en-US')} characters long; I can take up to ${max.toLocaleString('en-US')}. Could you ask it more briefly?`,
  );
}

export function userRateLimited(retryAfterMs: number): Failure {
  return failure(
    'user_rate_limited',
    `You're asking faster than I can keep up with. Please wait ${formatWait(retryAfterMs)} and ask again.`,
    retryAfterMs,
  );
}

export function shuttingDown(): Failure {
  return failure('shutting_down', "I'm restarting right now. Please ask again in a minute.", 60_000);
}

/** Translates a fault from the LLM path into what the person reads. */
export function fromError(err: TwinError, deadlineMs: number): Failure {
  switch (err.code) {
    case 'busy':
    case 'rate_limited':
    case 'capacity': {
      const wait = err.retryAfterMs ?? 30_000;
      if (err.code === 'rate_limited' && err.limitScope === 'day') {
        return failure(
          'busy',
          `I've used up today's allowance with my language model. Please try again in ${formatWait(wait)}.`,
          wait,
        );
      }
      return failure(
        'busy',
        `I'm busy answering lots of questions right now. Please try again in ${formatWait(wait)}.`,
        wait,
      );
    }
    case 'auth':
      return failure(
        'misconfigured',
        "I can't answer right now: my language model refused the bot's API key. The bot's operator needs to check GROQ_API_KEY.",
      );
    case 'model_gone':
      return failure(
        'misconfigured',
        "I can't answer right now: the language model I'm set up to use is no longer available. The bot's operator needs to update GROQ_MODEL or GROQ_FALLBACK_MODELS.",
      );
    case 'timeout':
    case 'deadline':
      return failure(
        'timeout',
        `My language model didn't finish within ${formatWait(deadlineMs)}. Please try again in a moment.`,
        10_000,
      );
    case 'upstream':
    case 'network':
      return failure(
        'llm_unavailable',
        "My language model (Groq) isn't responding right now. Please try again in a minute.",
        60_000,
      );
    case 'aborted':
      return shuttingDown();
    case 'too_large':
      return failure(
        'internal',
        'That conversation got too long for my language model. Please ask again as a new question.',
      );
    default:
      return failure(
        'internal',
        "Something went wrong on my side while answering. Please try again; if it keeps happening, let the bot's operator know.",
      );
  }
}

/**
 * A command from a Slack workspace (or Discord server) where the bot has no installation: nothing can be answered
 * there until someone with the right to install apps adds it again.
 */
export function notInstalled(): string {
  return (
    "I can't answer here: I'm not installed in this workspace any more (the app was removed, or its installation " +
    'was lost). A workspace admin needs to install the app again from its install page (the /slack/install ' +
    "address of this bot, or ask the bot's operator for it); then ask your question again."
  );
}
