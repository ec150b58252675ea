/**
 * Turns text into search terms: normalise, split into words, drop stop words, stem, fold aliases ("k8s" ->
 * kubernetes) and add concept terms ("studied" -> ~education). Documents and questions go through the same
 * steps so their terms meet; questions are grouped into units (one per thing asked about) so a retriever can
 * tell how much of a question a chunk covers.
 */
import { stem } from './stemmer.js';
import { GENERIC_WORDS, STOP_WORDS } from './stop-words.js';
import { ALIASES, CONCEPTS } from './synonyms.js';

/** Concept terms start with this, so they never collide with a word. */
export const CONCEPT_PREFIX = '~';

/** How much a concept reached through one related word counts, next to the word itself (1). */
export const RELATED_WEIGHT = 0.5;

/** One thing a question asks about: a word, an alias phrase or a concept phrase, with the terms that match it. */
export interface QueryUnit {
  /** The question's own words for it, for explanations. */
  label: string;
  /** term -> weight (1 for the word or alias itself, RELATED_WEIGHT for concepts reached through it). */
  terms: Map<string, number>;
  /** A framing word ("situation", "style"): it says little about which chunk answers. */
  generic: boolean;
}

interface Token {
  word: string;
  stem: string;
  stop: boolean;
}

interface Phrase {
  stems: string[];
  /** An alias canonical term, or concept terms. */
  terms: string[];
}

const aliasOfStem = new Map<string, string>();
const aliasPhrases = new Map<string, Phrase[]>();
const conceptsOfTerm = new Map<string, string[]>();
const conceptPhrases = new Map<string, Phrase[]>();

function wordsOf(text: string): string[] {
  const normalised = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    // Keep the names of technologies that punctuation would break apart.
    .replace(/c\+\+/g, ' cplusplus ')
    .replace(/\bc#/g, ' csharp ')
    .replace(/\bf#/g, ' fsharp ')
    .replace(/\.net\b/g, ' dotnet ')
    .replace(/\b([a-z]+)\.js\b/g, '$1js')
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/'/g, '');
  return normalised.match(/[\p{L}\p{N}]+/gu) ?? [];
}

function tokensOf(text: string): Token[] {
  return wordsOf(text).map((word) => ({ word, stem: stem(word), stop: STOP_WORDS.has(word) }));
}

/** The single term a stem stands for, after folding aliases. */
function termOf(s: string): string {
  return aliasOfStem.get(s) ?? s;
}

function addPhrase(table: Map<string, Phrase[]>, phrase: Phrase): void {
  const first = phrase.stems[0]!;
  const list = table.get(first) ?? [];
  list.push(phrase);
  // Longest first, so "google cloud platform" wins over "google cloud".
  list.sort((a, b) => b.stems.length - a.stems.length);
  table.set(first, list);
}

function buildTables(): void {
  for (const group of ALIASES) {
    const canonicalStems = tokensOf(group[0]!).map((t) => t.stem);
    const canonical = canonicalStems.join('_');
    for (const member of group) {
      const stems = tokensOf(member).map((t) => t.stem);
      if (stems.length === 1) aliasOfStem.set(stems[0]!, canonical);
      else addPhrase(aliasPhrases, { stems, terms: [canonical] });
    }
  }
  for (const [concept, list] of Object.entries(CONCEPTS)) {
    const conceptTerm = CONCEPT_PREFIX + concept;
    for (const entry of list.split(',')) {
      const stems = tokensOf(entry.trim()).map((t) => t.stem);
      if (stems.length === 0) continue;
      const alias = stems.length > 1 ? matchPhrase(aliasPhrases, stems, 0) : undefined;
      const single =
        stems.length === 1 ? termOf(stems[0]!) : alias?.stems.length === stems.length ? alias.terms[0] : undefined;
      if (single !== undefined) {
        const concepts = conceptsOfTerm.get(single) ?? [];
        if (!concepts.includes(conceptTerm)) concepts.push(conceptTerm);
        conceptsOfTerm.set(single, concepts);
      } else {
        const existing = conceptPhrases.get(stems[0]!)?.find((p) => p.stems.join(' ') === stems.join(' '));
        if (existing) existing.terms.push(conceptTerm);
        else addPhrase(conceptPhrases, { stems, terms: [conceptTerm] });
      }
    }
  }
}

function matchPhrase(table: Map<string, Phrase[]>, stems: readonly string[], at: number): Phrase | undefined {
  const candidates = table.get(stems[at]!);
  if (!candidates) return undefined;
  return candidates.find((p) => p.stems.every((s, k) => stems[at + k] === s));
}

buildTables();

/** The concept terms a term belongs to. */
export function conceptsOf(term: string): readonly string[] {
  return conceptsOfTerm.get(term) ?? [];
}

/**
 * Terms to index for a piece of text: every content word (stemmed, aliases folded), alias phrases as one term,
 * and the concepts of both. Repeats are kept: they are term frequency.
 */
export function analyzeDocument(text: string): string[] {
  const tokens = tokensOf(text);
  const stems = tokens.map((t) => t.stem);
  const terms: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const alias = matchPhrase(aliasPhrases, stems, i);
    if (alias) {
      const canonical = alias.terms[0]!;
      terms.push(canonical, ...conceptsOf(canonical));
    }
    const concept = matchPhrase(conceptPhrases, stems, i);
    if (concept) terms.push(...concept.terms);
    const token = tokens[i]!;
    if (token.stop) continue;
    const term = termOf(token.stem);
    terms.push(term, ...conceptsOf(term));
  }
  return terms;
}

/**
 * Units of a question. A phrase (alias or concept) is one unit and its words are not counted again; a concept
 * named by a whole phrase weighs 1 because a phrase is specific, one reached through a single word weighs less.
 */
export function analyzeQuery(text: string): QueryUnit[] {
  const tokens = tokensOf(text);
  const stems = tokens.map((t) => t.stem);
  const units: QueryUnit[] = [];
  let i = 0;
  while (i < tokens.length) {
    const alias = matchPhrase(aliasPhrases, stems, i);
    const concept = alias ? undefined : matchPhrase(conceptPhrases, stems, i);
    const phrase = alias ?? concept;
    if (phrase) {
      const label = tokens
        .slice(i, i + phrase.stems.length)
        .map((t) => t.word)
        .join(' ');
      const terms = new Map<string, number>();
      for (const term of phrase.terms) {
        terms.set(term, 1);
        for (const c of conceptsOf(term)) if (!terms.has(c)) terms.set(c, RELATED_WEIGHT);
      }
      if (concept) {
        // The phrase's own words still hint at the answer ("where do you *work*"), as related terms.
        for (const t of tokens.slice(i, i + phrase.stems.length)) {
          if (!t.stop && !terms.has(termOf(t.stem))) terms.set(termOf(t.stem), RELATED_WEIGHT);
        }
      }
      units.push({ label, terms, generic: false });
      i += phrase.stems.length;
      continue;
    }
    const token = tokens[i]!;
    i++;
    if (token.stop) continue;
    const term = termOf(token.stem);
    const terms = new Map<string, number>([[term, 1]]);
    for (const c of conceptsOf(term)) terms.set(c, RELATED_WEIGHT);
    const same = units.find((u) => u.terms.get(term) === 1 && u.terms.size === terms.size);
    if (!same) units.push({ label: token.word, terms, generic: GENERIC_WORDS.has(token.word) });
  }
  return units;
}
