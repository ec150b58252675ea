/**
 * Named things of a profile: employers, projects, products, places, certifications. A question that names one
 * ("...the Podmeter project you built...") is about the chunks that name it, however many other words it has, so
 * names count heavily (issue 12). Names are found in the chunks themselves, for any profile: a tag or a title part
 * that is capitalised wherever the profile's text uses it ("Podmeter", "Kestrel Freightworks", "AWS"), unlike
 * ordinary words that are capitalised only at the start of a title ("Education").
 */
import type { Chunk } from '../core/types.js';
import { chatWords, editDistance } from './question-text.js';
import { STOP_WORDS } from './stop-words.js';

export interface NamedThing {
  /** As the profile writes it. */
  name: string;
  /** Lowercase words, for matching. */
  words: string[];
  /** Chunks that name it in their title or tags: they are about it. */
  labelled: Chunk[];
  /** Chunks that only mention it in their text. */
  mentioned: Chunk[];
}

/** A name this common across the profile says nothing about which chunk answers ("Kubernetes" in a platform engineer's profile). */
const MAX_SHARE_OF_CHUNKS = 0.25;

function candidatesOf(chunk: Chunk): string[] {
  const titleParts = chunk.title.split(/\s*(?:[:,;()–—]| - | at | and | & )\s*/);
  return [...chunk.metadata.tags, ...titleParts].map((s) => s.trim()).filter((s) => s.length >= 3);
}

/** Capitalised in every word (or an acronym / a name with inner capitals), and not only function words. */
function looksLikeName(candidate: string): boolean {
  const words = candidate.split(/\s+/);
  if (!words.every((w) => /^[\p{Lu}\p{N}]/u.test(w) || STOP_WORDS.has(w.toLowerCase()))) return false;
  return words.some((w) => /^[\p{Lu}]/u.test(w) && !STOP_WORDS.has(w.toLowerCase()));
}

const WORD_SEPARATORS = /[^\p{L}\p{N}]+/u;

/** Every word the texts write, as written (case kept). */
function wordsOf(texts: readonly string[]): Set<string> {
  return new Set(texts.flatMap((text) => text.split(WORD_SEPARATORS)));
}

/**
 * Whether the profile's text ever writes the candidate in lowercase (then it is an ordinary word, not a name).
 * `written` is wordsOf(texts): a match needs each of the candidate's words there, which most candidates fail
 * without the regex. why: one regex per candidate over every text took ~50 ms of each start.
 */
function writtenLowercase(candidate: string, texts: readonly string[], written: ReadonlySet<string>): boolean {
  const lower = candidate.toLowerCase();
  if (lower === candidate) return true;
  if (!lower.split(WORD_SEPARATORS).every((w) => w === '' || written.has(w))) return false;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(lower)}(?![\\p{L}\\p{N}])`, 'u');
  return texts.some((text) => pattern.test(text));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mentions(chunk: Chunk, words: readonly string[], inLabels: boolean): boolean {
  const source = inLabels ? [chunk.title, ...chunk.metadata.tags].join(' | ') : chunk.text;
  return containsWords(chatWords(source), words);
}

/** Whether `haystack` holds `needle` as consecutive words (a long word may be one typo away). */
export function containsWords(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) {
      const want = needle[k]!;
      const got = haystack[i + k]!;
      if (got === want) continue;
      if (want.length >= 6 && got[0] === want[0] && editDistance(got, want, 1) <= 1) continue;
      continue outer;
    }
    return true;
  }
  return false;
}

/** The profile's named things that pick out a few chunks, longest names first. */
export function findNamedThings(chunks: readonly Chunk[]): NamedThing[] {
  const texts = chunks.map((c) => c.text);
  const written = wordsOf(texts);
  const seen = new Set<string>();
  const things: NamedThing[] = [];
  for (const chunk of chunks) {
    for (const candidate of candidatesOf(chunk)) {
      const key = candidate.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      if (!looksLikeName(candidate) || writtenLowercase(candidate, texts, written)) continue;
      const words = chatWords(candidate);
      // why: one short word ("Go", "AI") is too easily a different word in a question.
      if (words.length === 0 || (words.length === 1 && words[0]!.length < 4)) continue;
      const labelled = chunks.filter((c) => mentions(c, words, true));
      const inText = chunks.filter((c) => !labelled.includes(c) && mentions(c, words, false));
      const all = labelled.length + inText.length;
      if (all === 0 || all > Math.max(2, Math.floor(chunks.length * MAX_SHARE_OF_CHUNKS))) continue;
      things.push({ name: candidate, words, labelled, mentioned: inText });
    }
  }
  return things.sort((a, b) => b.words.length - a.words.length);
}

/** The named things a question mentions; a longer name wins over a name inside it ("Kestrel Freightworks" over "Kestrel"). */
export function namedThingsIn(question: string, things: readonly NamedThing[]): NamedThing[] {
  const words = chatWords(question);
  const found: NamedThing[] = [];
  for (const thing of things) {
    if (!containsWords(words, thing.words)) continue;
    if (found.some((f) => containsWords(f.words, thing.words))) continue;
    found.push(thing);
  }
  return found;
}
