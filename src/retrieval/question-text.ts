/**
 * Questions as people type them in chat: "wat r ur strenghts", "experiance with k8s?". Before a question is matched
 * against the question types and the index, chat shorthand is spelled out and a misspelt word is replaced by the
 * known word one or two letters away, so the rest of retrieval reads the question the person meant. The known words
 * are the career vocabulary of the question types, not the profile's text: correcting towards the profile would
 * turn unrelated words into matches. (Misspelt names are the named-thing matcher's business; the index has its
 * own fuzzy matching for long words.)
 */

/** Chat shorthand -> the words it stands for. Only forms that are never a different English word. */
const SHORTHAND: Readonly<Record<string, string>> = {
  u: 'you',
  ya: 'you',
  yu: 'you',
  ur: 'your',
  yr: 'your',
  urself: 'yourself',
  r: 'are',
  wat: 'what',
  wut: 'what',
  whats: 'what is',
  wats: 'what is',
  abt: 'about',
  bout: 'about',
  bc: 'because',
  cuz: 'because',
  coz: 'because',
  pls: 'please',
  plz: 'please',
  thx: 'thanks',
  im: 'i am',
  ive: 'i have',
  youre: 'you are',
  youve: 'you have',
  hv: 'have',
  hav: 'have',
  howd: 'how did',
  whatd: 'what did',
  whered: 'where did',
  whyd: 'why did',
  whod: 'who did',
  knw: 'know',
  kno: 'know',
  wher: 'where',
  wen: 'when',
  hw: 'how',
  dat: 'that',
  wht: 'what',
  ppl: 'people',
  yrs: 'years',
  exp: 'experience',
  xp: 'experience',
  wanna: 'want to',
  gonna: 'going to',
  gotta: 'have to',
  rn: 'right now',
  atm: 'at the moment',
  tbh: '',
  ngl: '',
  btw: '',
  w: 'with',
  b4: 'before',
  '2day': 'today',
};

/** Lowercase words, accents folded, apostrophes dropped ("what's" -> "whats" -> "what is"). */
export function chatWords(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[\u2018\u2019`']/g, '')
      .match(/[\p{L}\p{N}+#]+/gu) ?? []
  );
}

/**
 * Damerau-Levenshtein distance capped at `max` (returns max + 1 beyond it): a swap of two neighbouring letters
 * ("strenght") counts as one edit, as people make it.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

/** Edits allowed for a word of this length: none below 6 letters (too many real words are one letter apart: thing, think). */
function allowedEdits(word: string): number {
  if (word.length >= 9) return 2;
  return word.length >= 6 ? 1 : 0;
}

/** Long profile words ("kubernetes", "production") also correct typos: at this length few real words collide. */
const MIN_PROFILE_WORD = 8;

/**
 * Spells out shorthand and corrects misspellings against known words: the career vocabulary for words of six
 * letters or more, and the profile's own long words (eight or more) for the names of its tools and topics.
 */
export class QuestionNormalizer {
  private readonly known = new Set<string>();
  private readonly byLength = new Map<number, string[]>();

  constructor(vocabulary: Iterable<string>, profileText = '') {
    const profileWords = chatWords(profileText).filter((w) => w.length >= MIN_PROFILE_WORD);
    for (const word of [...vocabulary, ...profileWords]) {
      if (!/^[\p{L}]+$/u.test(word) || this.known.has(word)) continue;
      this.known.add(word);
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
    }
  }

  /** The question in lowercase words, shorthand spelled out and misspellings corrected, joined by spaces. */
  normalize(question: string): string {
    const out: string[] = [];
    for (const word of chatWords(question)) {
      const spelled = SHORTHAND[word];
      if (spelled !== undefined) {
        if (spelled !== '') out.push(spelled);
        continue;
      }
      out.push(this.correct(word));
    }
    return out.join(' ');
  }

  /** The word itself when known (or too short to judge), else the closest known word within the allowed edits. */
  correct(word: string): string {
    const max = allowedEdits(word);
    if (max === 0 || this.known.has(word) || /\d/.test(word)) return word;
    let best: string | undefined;
    let bestDistance = max + 1;
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        // why: people rarely get a word's first letter wrong; requiring it keeps "boarding" from becoming "onboarding".
        if (candidate[0] !== word[0]) continue;
        const d = editDistance(word, candidate, max);
        // why: on a tie the first candidate wins; vocabulary order puts the question-type words first.
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
        }
      }
    }
    return best ?? word;
  }
}
