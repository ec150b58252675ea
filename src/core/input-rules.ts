/** Rules for what a question may be, applied before any work is done. */

export const MAX_QUESTION_CHARS = 2000;

export type QuestionCheck =
  | { ok: true; question: string }
  | { ok: false; code: 'empty_question' | 'question_too_long'; length: number };

/** Trims, collapses runs of blank space, and checks length. Control characters are removed (they break renderers). */
export function checkQuestion(raw: string, maxChars = MAX_QUESTION_CHARS): QuestionCheck {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const cleaned = raw.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  if (cleaned.length === 0) return { ok: false, code: 'empty_question', length: 0 };
  if (cleaned.length > maxChars) return { ok: false, code: 'question_too_long', length: cleaned.length };
  return { ok: true, question: cleaned.replace(/[ \t]+/g, ' ') };
}

const GREETING =
  /^(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)\b[\s!.,?]*(there|twin|twinbot)?[\s!.,?]*$/i;

/** A bare greeting gets a short introduction instead of a retrieval miss. */
export function isGreeting(question: string): boolean {
  return GREETING.test(question.trim());
}
