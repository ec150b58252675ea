/**
 * An English stemmer: Martin Porter's 1980 suffix-stripping algorithm, so "studied", "studies" and "study"
 * meet at "studi", and "managed", "manager", "management" at "manag". Irregular forms the suffix rules cannot
 * reach ("led", "built", "taught") are mapped first.
 */

const IRREGULAR: Readonly<Record<string, string>> = {
  led: 'lead',
  built: 'build',
  taught: 'teach',
  wrote: 'write',
  written: 'write',
  grew: 'grow',
  grown: 'grow',
  ran: 'run',
  began: 'begin',
  begun: 'begin',
  spoke: 'speak',
  spoken: 'speak',
  gave: 'give',
  given: 'give',
  chose: 'choos',
  chosen: 'choos',
  drove: 'drive',
  driven: 'drive',
  won: 'win',
  met: 'meet',
  thought: 'think',
  brought: 'bring',
  bought: 'buy',
  made: 'make',
  took: 'take',
  taken: 'take',
  went: 'go',
  gone: 'go',
  knew: 'know',
  known: 'know',
  children: 'child',
  women: 'woman',
  men: 'man',
};

// Martin Porter's consonant/vowel patterns: m() counts VC sequences in the stem.
const cons = '[^aeiou]';
const vowel = '[aeiouy]';
const CONS_SEQ = `${cons}[^aeiouy]*`;
const VOWEL_SEQ = `${vowel}[aeiou]*`;
const M_GT_0 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}`);
const M_EQ_1 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}(${VOWEL_SEQ})?$`);
const M_GT_1 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}${VOWEL_SEQ}${CONS_SEQ}`);
const HAS_VOWEL = new RegExp(`^(${CONS_SEQ})?${vowel}`);
const CVC = new RegExp(`^${CONS_SEQ}${vowel}[^aeiouwxy]$`);

const STEP2: Readonly<Record<string, string>> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};
const STEP2_RE =
  /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;

const STEP3: Readonly<Record<string, string>> = {
  icate: 'ic',
  ative: '',
  alize: 'al',
  iciti: 'ic',
  ical: 'ic',
  ful: '',
  ness: '',
};
const STEP3_RE = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
const STEP4_RE = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;

/**
 * Stems one lower-case word. Words shorter than three letters and tokens holding anything but a-z
 * (k8s, 2019, nodejs is fine) come back unchanged.
 */
export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular !== undefined) return irregular;
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;

  // A leading y is a consonant; mark it so the vowel patterns skip it.
  const leadingY = word.startsWith('y');
  let w = leadingY ? `Y${word.slice(1)}` : word;

  // Step 1a: plurals.
  if (/^(.+?)(ss|i)es$/.test(w)) w = w.replace(/^(.+?)(ss|i)es$/, '$1$2');
  else if (/^(.+?)([^s])s$/.test(w)) w = w.replace(/^(.+?)([^s])s$/, '$1$2');

  // Step 1b: -eed, -ed, -ing.
  let m = /^(.+?)eed$/.exec(w);
  if (m) {
    if (M_GT_0.test(m[1]!)) w = w.slice(0, -1);
  } else {
    m = /^(.+?)(ed|ing)$/.exec(w);
    if (m && HAS_VOWEL.test(m[1]!)) {
      w = m[1]!;
      if (/(at|bl|iz)$/.test(w)) w += 'e';
      else if (/([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
      else if (CVC.test(w)) w += 'e';
    }
  }

  // Step 1c: y -> i after a vowel-bearing stem.
  m = /^(.+?)y$/.exec(w);
  if (m && HAS_VOWEL.test(m[1]!)) w = `${m[1]}i`;

  // Step 2 and 3: map double suffixes to single ones.
  m = STEP2_RE.exec(w);
  if (m && M_GT_0.test(m[1]!)) w = m[1]! + STEP2[m[2]!];
  m = STEP3_RE.exec(w);
  if (m && M_GT_0.test(m[1]!)) w = m[1]! + STEP3[m[2]!];

  // Step 4: drop -ant, -ence, -ment... when the stem stays long enough.
  m = STEP4_RE.exec(w);
  if (m) {
    if (M_GT_1.test(m[1]!)) w = m[1]!;
  } else {
    m = /^(.+?)(s|t)(ion)$/.exec(w);
    if (m && M_GT_1.test(m[1]! + m[2]!)) w = m[1]! + m[2]!;
  }

  // Step 5: a final -e, and -ll -> -l.
  m = /^(.+?)e$/.exec(w);
  if (m) {
    const s = m[1]!;
    if (M_GT_1.test(s) || (M_EQ_1.test(s) && !CVC.test(s))) w = s;
  }
  if (/ll$/.test(w) && M_GT_1.test(w)) w = w.slice(0, -1);

  return leadingY ? `y${w.slice(1)}` : w;
}
