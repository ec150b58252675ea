/**
 * Two readings of a question the twin makes before deciding anything. Whether it speaks to the person ("you", "your", chat's "u" and "ur", or their name). A question that does
 * not ("What is the capital of Australia?", "How do I bake sourdough?") is plainly not about them: with nothing in
 * the profile matching its words either, the twin declines it without asking the model (issue 12).
 */

const SECOND_PERSON = new Set([
  'you',
  'your',
  'yours',
  'yourself',
  'youre',
  'youve',
  'youd',
  'youll',
  'u',
  'ur',
  'ya',
  'yu',
  'yr',
  'urself',
]);

function words(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[\u2018\u2019`']s\b/g, '')
      .replace(/[\u2018\u2019`']/g, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function addressesThePerson(question: string, personName: string): boolean {
  const asked = words(question);
  if (asked.some((w) => SECOND_PERSON.has(w))) return true;
  // why: "What does Talia do?" asks about the person by name; initials and short particles ("de", "van") do not count.
  const names = words(personName).filter((w) => w.length >= 3);
  return asked.some((w) => names.includes(w));
}

const FOLLOW_UP_START =
  /^(and|but|so|also|then|what about|how about|why|how come|tell me more|more|go on|what else|anything else|such as|like what|really|for example|example)\b/;
const FOLLOW_UP_WORD =
  /\b(that|this|it|its|there|them|those|these|then|they|before|after|else|more|earlier|later|next)\b/;
/** Longer than this, a question carries its own topic. */
const FOLLOW_UP_MAX_WORDS = 8;
/** This short, it is a follow-up whatever its words. */
const FOLLOW_UP_SHORT_WORDS = 4;

/**
 * Whether a question continues the conversation ("and before that?", "tell me more", "how did that go?") rather
 * than starting a topic of its own ("how do I bake bread?"): only then is it searched together with the previous one.
 */
export function looksLikeFollowUp(question: string): boolean {
  const asked = words(question);
  if (asked.length === 0 || asked.length > FOLLOW_UP_MAX_WORDS) return false;
  // why: in a conversation a question this short ("which ones?", "what was the result?") leans on the last one.
  if (asked.length <= FOLLOW_UP_SHORT_WORDS) return true;
  const text = asked.join(' ');
  return FOLLOW_UP_START.test(text) || FOLLOW_UP_WORD.test(text);
}
