/**
 * Splits a long chunk so retrieval and prompts stay bounded: at paragraph boundaries first, then sentences, then
 * words, and only as a last resort inside a word. Parts are balanced (no 20-character tail after a 1 480-character
 * part), every part is at most `maxChars`, and nothing is lost: the parts in order hold every character of the
 * text except the whitespace at the cuts.
 */

/** The size above which a chunk is split; about 250-350 words, a few paragraphs of profile prose. */
export const MAX_CHUNK_CHARS = 1500;

interface Piece {
  /** Whitespace that preceded this piece in the original text (kept when it is joined to the previous one). */
  sep: string;
  text: string;
}

/** Splits `text` at `boundary` (a regex with one capturing group for the separator), keeping separators. */
function cut(text: string, boundary: RegExp, sep: string): Piece[] {
  const parts = text.split(boundary);
  const pieces: Piece[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const piece = parts[i] ?? '';
    if (piece !== '') pieces.push({ sep: i === 0 ? sep : (parts[i - 1] ?? ' '), text: piece });
  }
  return pieces;
}

const PARAGRAPH = /(\n[ \t]*\n\s*)/;
const SENTENCE = /(?<=[.!?…]["')\]]*)(\s+)/;
const WORD = /(\s+)/;

/** The smallest pieces, each at most `max` characters, found by descending to finer boundaries only when needed. */
function atoms(text: string, max: number): Piece[] {
  const levels = [SENTENCE, WORD];
  const refine = (piece: Piece, level: number): Piece[] => {
    if (piece.text.length <= max) return [piece];
    const boundary = levels[level];
    if (!boundary) {
      const slices: Piece[] = [];
      for (let at = 0; at < piece.text.length; at += max) {
        slices.push({ sep: at === 0 ? piece.sep : '', text: piece.text.slice(at, at + max) });
      }
      return slices;
    }
    return cut(piece.text, boundary, piece.sep).flatMap((p) => refine(p, level + 1));
  };
  return cut(text, PARAGRAPH, '').flatMap((p) => refine(p, 0));
}

export function splitLongText(text: string, maxChars: number = MAX_CHUNK_CHARS): string[] {
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return [trimmed];
  // why: aim for equal parts; a part closes once it reaches the average size or the next piece would overflow.
  const target = Math.ceil(trimmed.length / Math.ceil(trimmed.length / maxChars));
  const parts: string[] = [];
  let current = '';
  for (const piece of atoms(trimmed, maxChars)) {
    const joined = current === '' ? piece.text : `${current}${piece.sep}${piece.text}`;
    if (current !== '' && joined.length > maxChars) {
      parts.push(current);
      current = piece.text;
    } else {
      current = joined;
    }
    if (current.length >= target) {
      parts.push(current);
      current = '';
    }
  }
  if (current !== '') parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}
