/**
 * What the fake Upstash uses in place of an embedding model: words and their character trigrams hashed into a
 * fixed number of dimensions, L2-normalised. Deterministic, no model to download, and texts sharing words (or
 * word fragments) come out closer than texts that share none.
 */

/** Dimensions of the fake's dense vectors (reported by `info`). */
export const EMBEDDING_DIMENSIONS = 4096;

const STOP = new Set(
  'a an and are as at be by do does did for from have has i in is it its me my of on or our so that the their this to was we were what when where which who why with you your how about tell know'.split(
    ' ',
  ),
);

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function wordsOf(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  // A crude stemmer: enough for "studied" to meet "study" and "teams" to meet "team".
  return words.filter((w) => !STOP.has(w)).map((w) => w.replace(/(ies|ied)$/, 'y').replace(/(ing|ed|es|s)$/, '') || w);
}

/** The fake embedding of `text`; all zeros when it has no content words. */
export function embed(text: string): number[] {
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of wordsOf(text)) {
    v[fnv1a(`w:${word}`) % EMBEDDING_DIMENSIONS]! += 1;
    const padded = `#${word}#`;
    for (let i = 0; i + 3 <= padded.length; i++) v[fnv1a(`t:${padded.slice(i, i + 3)}`) % EMBEDDING_DIMENSIONS]! += 0.1;
  }
  const norm = Math.hypot(...v);
  return norm === 0 ? v : v.map((x) => x / norm);
}

/** Upstash's score for a COSINE index: (1 + cosine) / 2, so 0..1 with 0.5 for unrelated texts. */
export function similarityScore(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) dot += a[i]! * b[i]!;
  return (1 + dot) / 2;
}
