/**
 * Finds private facts in a chunk's prose, whatever the chunk is labelled: sentences that state pay (a money amount
 * near a salary word) and sentences that hold a phone number. The profile owner decides whether the twin shares
 * them; when not, those sentences are withheld before the chunk is hashed, indexed or shown to a model.
 *
 * What it does not catch: pay written without a digit or a currency ("ninety thousand a year"), local phone
 * numbers under nine digits without a phone word nearby, and facts spread across sentences in ways the
 * neighbouring-sentence rule below does not see. Labels (type, category, tags, title) are checked separately.
 */

export type PrivateTopic = 'salary' | 'phone';

export interface PrivacySettings {
  shareSalary: boolean;
  sharePhone: boolean;
}

export interface WithheldText {
  /** The text without the withheld sentences ('' when nothing was left). */
  text: string;
  /** The topics of the sentences that were withheld. */
  withheld: PrivateTopic[];
}

const SALARY_WORD =
  /\b(salar(?:y|ies)|compensation|remuneration|pay|paid|payslip|wages?|earn(?:s|ed|ing)?|income|bonus|ote|total comp|stipend|(?:day|daily|hourly) rate|rate of pay|per (?:year|annum|hour|month)|a year|an hour|a month|annually|p\.a\.)(?=\W|$)/i;

/** A money amount: a currency sign or code beside a number, "90k", "90,000", or "six figures". */
const MONEY =
  /[$€£¥₹]\s?\d|\b(?:usd|eur|gbp|chf|cad|aud|sek|nok|dkk|inr|jpy)\s?\d|\d\s?(?:k|m)?\s?(?:usd|eur|gbp|chf|cad|aud|sek|nok|dkk|inr|jpy|euros?|dollars?|pounds?|francs?|rupees?)\b|\b\d{2,3}(?:[.,]\d+)?\s?k\b|\b\d{1,3}(?:[,.' ]\d{3})+\b|\b(?:five|six|seven)[- ]figures?\b/i;

/** A run of digits with the separators phone numbers use; a candidate until its digits are counted. */
const PHONE_CANDIDATE = /(?:\+\s?)?\(?\d[\d\s().\-‐-―]{5,}\d/g;
const PHONE_WORD = /\b(phone|telephone|tel|mobile|cell|call|text|whatsapp|signal|sms|ring)\b/i;
const YEAR_RANGE = /^\(?\d{4}\)?\s*[-‐-―]\s*\(?\d{4}\)?$/;

/** True when `sentence` holds something written like a phone number. */
export function hasPhoneNumber(sentence: string): boolean {
  const phoneWord = PHONE_WORD.test(sentence);
  for (const match of sentence.matchAll(PHONE_CANDIDATE)) {
    const candidate = match[0].trim();
    const digits = candidate.replace(/\D/g, '').length;
    if (YEAR_RANGE.test(candidate) || digits > 15) continue;
    if (digits >= 9 || (candidate.startsWith('+') && digits >= 8) || (phoneWord && digits >= 7)) return true;
  }
  return false;
}

/** True when `sentence` holds a money amount. */
export function hasMoneyAmount(sentence: string): boolean {
  return MONEY.test(sentence);
}

export function mentionsPay(sentence: string): boolean {
  return SALARY_WORD.test(sentence);
}

/**
 * Sentences with the whitespace after each, so joining them gives the text back. A boundary is `.`, `!` or `?`
 * followed by white space, or a line break: "€78.5k" and "e.g." inside a word stay in one piece.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(/[.!?]+["')\]]*\s+|\n+/g)) {
    const end = (m.index ?? 0) + m[0].length;
    out.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * Withholds the sentences the settings keep private. A sentence states pay when it holds a money amount and it,
 * or a sentence next to it, has a salary word: "Salary expectations: approx. €90k." splits at "approx." and must
 * still be caught.
 */
export function withholdPrivate(text: string, settings: PrivacySettings): WithheldText {
  const sentences = splitSentences(text);
  const pay = sentences.map(mentionsPay);
  const withheld = new Set<PrivateTopic>();
  const kept = sentences.filter((sentence, i) => {
    if (!settings.sharePhone && hasPhoneNumber(sentence)) {
      withheld.add('phone');
      return false;
    }
    const nearPay = pay[i] || pay[i - 1] === true || pay[i + 1] === true;
    if (!settings.shareSalary && nearPay && hasMoneyAmount(sentence)) {
      withheld.add('salary');
      return false;
    }
    return true;
  });
  if (withheld.size === 0) return { text, withheld: [] };
  return { text: kept.join('').trim(), withheld: [...withheld] };
}
