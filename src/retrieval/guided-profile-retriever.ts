/**
 * Retrieval that understands the questions people ask a twin (issue 12), in front of any retriever (the embedded
 * index, Upstash Vector, or Upstash with the embedded fallback):
 * 1. the question is normalised (chat shorthand, misspellings: question-text.ts);
 * 2. named things of the profile it mentions pick their chunks (named-things.ts);
 * 3. its question types pick the chunks with the facets that answer them (question-types.ts), even when the
 *    question shares no word with them ("What do you do now?" -> the current role);
 * 4. the inner retriever ranks by the question's words or meaning.
 * The lists are fused by weighted reciprocal rank, so agreement between them ranks first, and every chunk carries
 * the reasons it was picked. Named and typed chunks count as evidence (not weak) even when the inner retriever
 * scored them low, as long as the question speaks to the person: a type cue or a name in a question to the twin is a
 * stronger signal than a word count, but "What's the weather in Rotterdam?" is not about the person who lives there.
 */
import { addressesThePerson } from '../core/addressing.js';
import type { ProfileRetriever, RetrieveOptions } from '../core/ports.js';
import type { Chunk, MatchReason, RetrievedChunk } from '../core/types.js';
import { type Facet, facetIndex } from './chunk-facets.js';
import { findNamedThings, type NamedThing, namedThingsIn } from './named-things.js';
import { QuestionNormalizer } from './question-text.js';
import { CAREER_WORDS, type QuestionType, questionTypesOf } from './question-types.js';

/** Reciprocal-rank constant: how fast a list's later ranks fade. */
const RRF_K = 4;
/** A named thing is the most specific signal a question carries. */
const NAMED_WEIGHT = 1.5;
/** The inner retriever's confident matches. */
const WORDS_WEIGHT = 1;
/** A question type's cue is as strong a signal as the words (broad types step aside when the words found something). */
const TYPE_WEIGHT = 1;
/** Weak candidates only fill the rest of the list. */
const WEAK_WEIGHT = 0.3;
/** Chunks one question type contributes at most. */
const MAX_TYPE_CHUNKS = 3;
/** How many candidates to ask the inner retriever for, beyond `topK`, so fusion has something to choose from. */
const INNER_EXTRA = 4;

/** A candidate with the parts of its ranking, for `twinbot search`. */
export interface GuidedSearchHit extends RetrievedChunk {
  reasons: MatchReason[];
  /** Whether the twin would use it offline (strict): false for weak candidates. */
  accepted: boolean;
}

/** What `search` found for one question, before fusion. */
export interface QuestionAnalysis {
  normalized: string;
  /** Whether it speaks to the person ("you", their name): only then do types and names count as evidence. */
  addressed: boolean;
  types: QuestionType[];
  named: NamedThing[];
}

interface Vote {
  chunk: Chunk;
  fused: number;
  innerScore?: number;
  weak: boolean;
  reasons: MatchReason[];
}

export class GuidedProfileRetriever implements ProfileRetriever {
  readonly name: string;
  private readonly facets: Map<Facet, Chunk[]>;
  private readonly named: NamedThing[];
  private readonly normalizer: QuestionNormalizer;

  constructor(
    private readonly inner: ProfileRetriever,
    chunks: readonly Chunk[],
    private readonly personName: string,
  ) {
    this.name = inner.name;
    this.facets = facetIndex(chunks);
    this.named = findNamedThings(chunks);
    this.normalizer = new QuestionNormalizer(CAREER_WORDS, chunks.map((c) => `${c.title} ${c.text}`).join('\n'));
  }

  /** The question as the tables read it: normalised text, its question types and the named things it mentions. */
  analyze(question: string): QuestionAnalysis {
    const normalized = this.normalizer.normalize(question);
    return {
      normalized,
      addressed: addressesThePerson(question, this.personName),
      types: questionTypesOf(normalized),
      named: namedThingsIn(question, this.named),
    };
  }

  async retrieve(question: string, options: RetrieveOptions): Promise<RetrievedChunk[]> {
    const hits = await this.search(question, options.topK, options);
    return hits
      .filter((hit) => options.includeWeak || hit.accepted)
      .map(({ chunk, score, weak, reasons }) => ({ chunk, score, reasons, ...(weak && { weak }) }));
  }

  /** The best `topK` candidates with their reasons, weak ones included (marked not accepted). */
  async search(
    question: string,
    topK: number,
    options: Omit<RetrieveOptions, 'topK'> = {},
  ): Promise<GuidedSearchHit[]> {
    if (topK <= 0) return [];
    const analysis = this.analyze(question);
    const innerHits = await this.inner.retrieve(analysis.normalized || question, {
      topK: topK + INNER_EXTRA,
      signal: options.signal,
      includeWeak: true,
    });
    const votes = new Map<string, Vote>();
    const vote = (chunk: Chunk, weight: number, rank: number, reason: MatchReason | undefined, weak: boolean) => {
      const v = votes.get(chunk.id) ?? { chunk, fused: 0, weak: true, reasons: [] };
      v.fused += weight / (RRF_K + rank);
      v.weak &&= weak;
      if (reason && !v.reasons.some((r) => sameReason(r, reason))) v.reasons.push(reason);
      votes.set(chunk.id, v);
    };

    const strongInner = innerHits.filter((h) => !h.weak);
    for (const [rank, hit] of strongInner.entries()) {
      vote(hit.chunk, WORDS_WEIGHT, rank, innerReason(hit), false);
      votes.get(hit.chunk.id)!.innerScore = hit.score;
    }
    for (const thing of analysis.named) {
      const reason: MatchReason = { kind: 'named', name: thing.name };
      // why: a chunk titled or tagged with the name is about it; one that mentions it in passing only touches it.
      for (const chunk of thing.labelled) vote(chunk, NAMED_WEIGHT, 0, reason, !analysis.addressed);
      for (const [rank, chunk] of thing.mentioned.entries()) {
        vote(chunk, NAMED_WEIGHT / 2, rank, reason, !analysis.addressed);
      }
    }
    const innerRank = new Map(innerHits.map((hit, rank) => [hit.chunk.id, rank]));
    for (const type of analysis.types) {
      if (type.broad && strongInner.length > 0) continue;
      for (const [rank, chunk] of this.chunksFor(type, innerRank).entries()) {
        vote(chunk, TYPE_WEIGHT, rank, { kind: 'type', type: type.type, label: type.label }, !analysis.addressed);
      }
    }
    for (const [rank, hit] of innerHits.filter((h) => h.weak).entries()) {
      vote(hit.chunk, WEAK_WEIGHT, rank, innerReason(hit), true);
      const v = votes.get(hit.chunk.id)!;
      v.innerScore ??= hit.score;
    }

    const ranked = [...votes.values()].sort((a, b) => b.fused - a.fused || (b.innerScore ?? 0) - (a.innerScore ?? 0));
    const top = ranked[0]?.fused ?? 1;
    return ranked.slice(0, topK).map((v) => ({
      chunk: v.chunk,
      // why: a 0..1 score relative to the best candidate; fused scores from different lists are not comparable
      // across questions, but within one question they order the candidates.
      score: Math.round((v.fused / top) * 1000) / 1000,
      weak: v.weak,
      reasons: v.reasons,
      accepted: !v.weak,
    }));
  }

  /**
   * The chunks that answer a question type: its facets in order, a few chunks each, no repeats. Within a facet the
   * chunks the inner retriever also found move up a place or two ("which databases..." -> the skills chunk about
   * databases), without passing a chunk whose title names the facet for one that only carries it in a tag.
   */
  private chunksFor(type: QuestionType, innerRank: ReadonlyMap<string, number>): Chunk[] {
    const picked: Chunk[] = [];
    for (const facet of type.facets) {
      const list = this.facets.get(facet) ?? [];
      const key = (chunk: Chunk, at: number) => at + (innerRank.has(chunk.id) ? -1.5 : 0);
      const ordered = list
        .map((chunk, at) => ({ chunk, key: key(chunk, at) }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.chunk);
      // why: the first facet is the direct answer and may fill the list; later ones add a chunk or two.
      for (const chunk of ordered.slice(0, picked.length === 0 ? MAX_TYPE_CHUNKS : 2)) {
        if (picked.length >= MAX_TYPE_CHUNKS) return picked;
        if (!picked.includes(chunk)) picked.push(chunk);
      }
    }
    return picked;
  }
}

function innerReason(hit: RetrievedChunk): MatchReason {
  const own = hit.reasons?.find((r) => r.kind === 'words' || r.kind === 'semantic');
  return own ?? { kind: 'semantic' };
}

function sameReason(a: MatchReason, b: MatchReason): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** "type: current role", "named: Podmeter", "words: kubernetes, migration", "meaning (vector search)". */
export function describeReason(reason: MatchReason): string {
  switch (reason.kind) {
    case 'type':
      return `type: ${reason.label}`;
    case 'named':
      return `named: ${reason.name}`;
    case 'words':
      return `words: ${reason.words.join(', ')}`;
    case 'semantic':
      return 'meaning (vector search)';
  }
}
