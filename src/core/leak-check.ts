/**
 * Spots a reply that recites the twin's instructions or the prompt's data delimiters, a prompt-injection tell, so
 * the reply can be replaced before its final edit.
 *
 * It is a tell, not a guard. It catches the instructions quoted, re-cased, re-punctuated, turned into the first
 * person or lightly reworded (it counts the instructions' three-word sequences, in any order, found in the reply),
 * and the same hidden in base64 or hex. It does not catch translations, summaries in other words ("I was told to
 * stick to my profile"), other encodings (rot13, reversed or spaced-out letters), or a recital spread over several
 * answers. That is why the instructions hold nothing secret, and why privacy rests on what reaches the prompt at
 * all (the profile's private-fact filter and the retriever's allowed chunks), never on this check.
 */
import { NOT_IN_PROFILE, systemInstructions } from './prompt.js';

export const LEAK_REPLACEMENT =
  "I'd rather stick to questions about my experience, skills, projects, education and goals. What would you like to know?";

/** The data delimiters `buildPrompt` wraps the profile and the question in; no answer has a reason to write them. */
const DELIMITERS = ['<profile', '</profile', '<overview', '</overview', '<chunk', '</chunk', '<question', '</question'];

/** Distinct instruction word triples a reply must hold to count as a recital: one sentence and a bit. */
const MIN_SHARED_TRIPLES = 2;

const STOP_WORDS = new Set(
  (
    'a an the and or but if then than as at by for from in into of on onto to with without within about ' +
    'i me my mine myself you your yours yourself we us our he she it its they them their this that these those ' +
    'is are was were be been being am do does did done have has had will would shall should can could may might must ' +
    'not no nor never any all each every some such so too very just only also there here what which who whom how ' +
    "s t re ve ll d m don isn aren doesn usually exactly 's"
  ).split(' '),
);

function stem(word: string): string {
  return word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/** A word of a text: folded to lower case without accents, and whether it was written with a capital. */
interface Word {
  text: string;
  capital: boolean;
}

/** Content words of a text: stop words and pronouns (which a recital flips to the first person) left out. */
function contentWords(text: string): Word[] {
  const words =
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .map((w) => ({ text: stem(w.toLowerCase()), capital: /^\p{Lu}/u.test(w) }))
    .filter((w) => !STOP_WORDS.has(w.text));
}

/** Every run of three consecutive content words, order within the run ignored (light rewording keeps them). */
function triples(words: readonly Word[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= words.length; i++) {
    out.add(
      words
        .slice(i, i + 3)
        .map((w) => w.text)
        .sort()
        .join(' '),
    );
  }
  return out;
}

interface Fingerprint {
  triples: Set<string>;
  /** Every content word of the instructions. */
  vocabulary: Set<string>;
  markers: string[];
}

let cached: Fingerprint | undefined;

/**
 * Built from the instructions themselves, so it follows any change to them. The person's name is left out (it is
 * in every honest answer), and so is the sentence the twin says when the profile has no answer.
 */
function fingerprint(): Fingerprint {
  if (cached) return cached;
  const instructions = systemInstructions('', undefined);
  const declined = triples(contentWords(NOT_IN_PROFILE));
  const words = contentWords(instructions.split(NOT_IN_PROFILE).join(' '));
  const own = triples(words);
  for (const t of declined) own.delete(t);
  const markers = [...instructions.matchAll(/\[([A-Z][A-Z0-9-]{5,})\]/g)].map((m) => (m[1] ?? '').toLowerCase());
  cached = { triples: own, vocabulary: new Set(words.map((w) => w.text)), markers: [...DELIMITERS, ...markers] };
  return cached;
}

function recites(text: string, print: Fingerprint): boolean {
  const lower = text.toLowerCase();
  if (print.markers.some((m) => lower.includes(m))) return true;
  // why: names (the person's, an employer's) sit inside a recital but not in the instructions: skip them.
  const words = contentWords(text).filter((w) => !w.capital || print.vocabulary.has(w.text));
  let shared = 0;
  for (const t of triples(words)) {
    if (print.triples.has(t) && ++shared >= MIN_SHARED_TRIPLES) return true;
  }
  return false;
}

/** Texts hidden in the reply as base64 (runs of 24+ characters, also split over lines) or hex (16+ bytes). */
function decodedTexts(reply: string): string[] {
  const out: string[] = [];
  const base64Runs = reply.match(/[A-Za-z0-9+/_-]{24,}={0,2}/g) ?? [];
  for (const run of [...base64Runs, base64Runs.join('')]) out.push(Buffer.from(run, 'base64').toString('utf8'));
  for (const run of reply.match(/(?:[0-9a-fA-F]{2}[\s:]?){16,}/g) ?? []) {
    out.push(Buffer.from(run.replace(/[\s:]/g, ''), 'hex').toString('utf8'));
  }
  // why: random bytes decode to mostly replacement characters; only text worth reading is checked.
  return out.filter((text) => (text.match(/[\p{L}\p{N}\s.,'"<>-]/gu) ?? []).length >= text.length * 0.8);
}

/** True when `reply` recites the instructions or the prompt's delimiters, plainly or encoded. */
export function looksLikeLeakedInstructions(reply: string): boolean {
  const print = fingerprint();
  return recites(reply, print) || decodedTexts(reply).some((text) => recites(text, print));
}
