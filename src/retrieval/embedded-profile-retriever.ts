/**
 * The embedded index: BM25 over the profile's chunks (MiniSearch), with field boosts, stemming, stop words,
 * aliases and concepts (text-analyzer.ts). It needs no network and is the default retriever and the fallback.
 *
 * Scores are 0..1: `coverage x sqrt(relative BM25)`. Coverage is the share of what the question asks about that the
 * chunk matches, each thing weighted by how rare it is in the profile (a word no chunk uses counts as rare), so
 * "what's the weather in Paris?" covers nothing in any profile and retrieves nothing, whatever the profile says.
 * Relative BM25 is the square root of the chunk's BM25 over the best chunk's, so weaker matches fade out below
 * the minimum score.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { TwinError } from '../core/errors.js';
import type { ProfileRetriever, RetrieveOptions } from '../core/ports.js';
import type { Chunk, RetrievedChunk } from '../core/types.js';
import { analyzeDocument, analyzeQuery, CONCEPT_PREFIX, type QueryUnit } from './text-analyzer.js';

/** Default minimum score: the best chunk must cover at least 40% of what the question asks about. */
export const DEFAULT_EMBEDDED_MIN_SCORE = 0.4;

/** Titles name what a chunk is about; tags and categories are the author's own keywords. */
const FIELD_BOOSTS = { title: 2.5, tags: 2, category: 1.5, text: 1 };

/**
 * Coverage credit for a unit matched only through a related concept: fair when the profile never uses the
 * question's own word ("Haskell" asked, only other languages listed), small when another chunk does (then that
 * chunk is the answer, and this one merely shares a topic). A one-letter typo match gets half credit.
 */
const RELATED_CREDIT = 0.7;
const RELATED_CREDIT_WHEN_WORD_KNOWN = 0.35;
const FUZZY_CREDIT = 0.5;
/** How much a framing word ("situation", "style") weighs next to a topic word of the same rarity. */
const GENERIC_FACTOR = 0.3;

export interface EmbeddedRetrieverOptions {
  /** Minimum score (0..1) for a chunk to be retrieved. Default 0.4. */
  minScore?: number;
}

/** One candidate with the parts of its score, for `twinbot search` and tuning. */
export interface EmbeddedSearchHit extends RetrievedChunk {
  /** Weighted share (0..1) of the question's units this chunk matches. */
  coverage: number;
  /** MiniSearch's BM25 score (unbounded). */
  bm25: number;
  /** The question's words this chunk matched. */
  matched: string[];
  /** Whether `score` reaches the minimum score (what `retrieve` returns). */
  accepted: boolean;
}

interface IndexedChunk {
  id: number;
  title: string;
  tags: string;
  category: string;
  text: string;
}

export class EmbeddedProfileRetriever implements ProfileRetriever {
  readonly name = 'embedded';
  readonly minScore: number;
  private readonly chunks: Chunk[];
  private readonly index: MiniSearch<IndexedChunk>;
  /** term -> positions of the chunks holding it, in any field (document frequency for unit weights). */
  private readonly postings = new Map<string, Set<number>>();

  constructor(chunks: Chunk[], options: EmbeddedRetrieverOptions = {}) {
    this.minScore = options.minScore ?? DEFAULT_EMBEDDED_MIN_SCORE;
    if (!(this.minScore >= 0 && this.minScore <= 1)) {
      throw new TwinError(
        'config',
        `the embedded retriever's minimum score must be between 0 and 1, got ${this.minScore}`,
      );
    }
    this.chunks = [...chunks];
    this.index = new MiniSearch<IndexedChunk>({
      fields: ['title', 'tags', 'category', 'text'],
      // why: analysis (stems, aliases, concepts) happens in the tokenizer; terms come out final.
      tokenize: (text) => analyzeDocument(text),
      processTerm: (term) => term,
    });
    const docs = this.chunks.map((chunk, id) => toIndexed(chunk, id));
    this.index.addAll(docs);
    for (const doc of docs) {
      for (const term of analyzeDocument(`${doc.title} ${doc.tags} ${doc.category} ${doc.text}`)) {
        let set = this.postings.get(term);
        if (!set) {
          set = new Set();
          this.postings.set(term, set);
        }
        set.add(doc.id);
      }
    }
  }

  async retrieve(question: string, options: RetrieveOptions): Promise<RetrievedChunk[]> {
    if (options.signal?.aborted) throw new TwinError('aborted', 'retrieval was cancelled');
    return this.search(question, options.topK)
      .filter((hit) => hit.accepted || (options.includeWeak === true && hit.score > 0))
      .map(({ chunk, score, matched, accepted }) => ({
        chunk,
        score,
        reasons: [{ kind: 'words' as const, words: matched }],
        ...(!accepted && { weak: true }),
      }));
  }

  /** The best `topK` candidates with their score parts, accepted or not. */
  search(question: string, topK: number): EmbeddedSearchHit[] {
    const units = analyzeQuery(question);
    if (units.length === 0 || this.chunks.length === 0 || topK <= 0) return [];

    const termWeights = new Map<string, number>();
    for (const unit of units) {
      for (const [term, weight] of unit.terms) termWeights.set(term, Math.max(weight, termWeights.get(term) ?? 0));
    }
    const results = this.index.search([...termWeights.keys()].join(' '), {
      tokenize: (text) => text.split(' '),
      processTerm: (term) => term,
      boost: FIELD_BOOSTS,
      boostTerm: (term) => termWeights.get(term) ?? 1,
      combineWith: 'OR',
      prefix: false,
      // why: one typo in a long word ("kubernetse") should still find it; concepts and short words must match exactly.
      fuzzy: (term) => (term.length >= 6 && !term.startsWith(CONCEPT_PREFIX) && !term.includes('_') ? 1 : false),
      weights: { fuzzy: 0.3, prefix: 0 },
    });
    if (results.length === 0) return [];

    const unitWeights = units.map((unit) => this.unitWeight(unit));
    const relatedCredits = units.map((unit) =>
      [...unit.terms].some(([term, weight]) => weight >= 1 && this.postings.has(term))
        ? RELATED_CREDIT_WHEN_WORD_KNOWN
        : RELATED_CREDIT,
    );
    const totalWeight = unitWeights.reduce((a, b) => a + b, 0);
    const topBm25 = Math.max(...results.map((r) => r.score));

    const hits = results.map((result): EmbeddedSearchHit => {
      let covered = 0;
      let informative = false;
      const matched: string[] = [];
      units.forEach((unit, k) => {
        const credit = unitCredit(unit, result, relatedCredits[k]!);
        if (credit > 0) {
          covered += credit * unitWeights[k]!;
          matched.push(unit.label);
          informative ||= !unit.generic;
        }
      });
      const coverage = totalWeight > 0 ? covered / totalWeight : 0;
      // why: the square root keeps a second chunk that answers part of the question (BM25 a quarter of the best)
      // in play, while chunks sharing one common word with the question (a few percent) still fall away.
      const score = round(coverage * Math.sqrt(result.score / topBm25));
      return {
        chunk: this.chunks[result.id as number]!,
        score,
        coverage: round(coverage),
        bm25: round(result.score),
        matched,
        // why: a chunk that shares only framing words with the question ("a typical day") does not answer it.
        accepted: informative && score >= this.minScore && score > 0,
      };
    });
    hits.sort((a, b) => b.score - a.score || b.bm25 - a.bm25);
    return hits.slice(0, topK);
  }

  /**
   * Inverse document frequency of a unit: of its own word when some chunk uses it (how specific the question
   * is), else of the concepts it reached (how broad the fallback is); a unit no chunk mentions counts as rare.
   */
  private unitWeight(unit: QueryUnit): number {
    const own = new Set<number>();
    const any = new Set<number>();
    for (const [term, weight] of unit.terms) {
      for (const id of this.postings.get(term) ?? []) {
        any.add(id);
        if (weight >= 1) own.add(id);
      }
    }
    const n = this.chunks.length;
    const df = Math.max(1, own.size > 0 ? own.size : any.size);
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    return unit.generic ? idf * GENERIC_FACTOR : idf;
  }
}

function toIndexed(chunk: Chunk, id: number): IndexedChunk {
  // why: the section names a chunk's place in the file, not its topic ("salary_location" holds the location chunk,
  // whose words must not answer a salary question); category and type already say what it is about.
  const category = [chunk.metadata.category, chunk.type];
  return {
    id,
    title: chunk.title,
    tags: chunk.metadata.tags.join(' '),
    category: category.filter((s) => s.length > 0).join(' '),
    text: chunk.text,
  };
}

/** 1 when the chunk holds the unit's own term, less for a related concept or a fuzzy match, 0 when neither. */
function unitCredit(unit: QueryUnit, result: SearchResult, relatedCredit: number): number {
  let best = 0;
  for (const [term, weight] of unit.terms) {
    const base = weight >= 1 ? 1 : relatedCredit;
    if (result.terms.includes(term)) best = Math.max(best, base);
    else if (result.queryTerms.includes(term)) best = Math.max(best, base * FUZZY_CREDIT);
  }
  return best;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
