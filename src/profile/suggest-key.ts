/**
 * Spotting misspelt keys: "experiance" is almost certainly "experience", and silently ignoring it would leave the
 * twin without a whole section.
 */

/** Lowercase without separators, so `elevatorPitch`, `Elevator-Pitch` and `elevator_pitch` are one key. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Edit distance counting an adjacent swap as one edit ("titel" -> "title" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** How many edits still count as a typo: short keys allow fewer, so unrelated short words are not matched. */
function tolerance(length: number): number {
  if (length <= 4) return 1;
  if (length <= 9) return 2;
  return 3;
}

/**
 * The known key `key` is most likely a misspelling of, or undefined when none is close enough.
 * Keys equal after normalisation are not typos (the reader accepts them as they are).
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const norm = normalizeKey(key);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(norm, normalizeKey(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined || bestDistance === 0) return undefined;
  return bestDistance <= tolerance(Math.max(norm.length, normalizeKey(best).length)) ? best : undefined;
}
