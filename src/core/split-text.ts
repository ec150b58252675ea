/**
 * Splits a long answer into parts that each fit a platform limit (Discord 2 000 chars, a Slack section 3 000),
 * at paragraph, then line, then sentence, then word boundaries, never inside a code block when avoidable.
 * Nothing is ever dropped: joining the parts (with the separators they were cut at) gives the text back.
 */

/** Finds the best cut position at or before `limit`, preferring the strongest boundary in the back half. */
function cutPoint(text: string, limit: number): number {
  const window = text.slice(0, limit);
  const floor = Math.floor(limit / 2);
  const outsideCode = (pos: number) => (window.slice(0, pos).match(/```/g)?.length ?? 0) % 2 === 0;
  const candidates: RegExp[] = [/\n\n/g, /\n/g, /[.!?…](?=\s)/g, /[;:,](?=\s)/g, /\s/g];
  for (const pattern of candidates) {
    let best = -1;
    for (const m of window.matchAll(pattern)) {
      const end = (m.index ?? 0) + m[0].length;
      if (end >= floor && end <= limit && outsideCode(end)) best = end;
    }
    if (best > 0) return best;
  }
  // No boundary outside code: accept one inside a code block, then a hard cut.
  const anyNewline = window.lastIndexOf('\n');
  if (anyNewline >= floor) return anyNewline + 1;
  const anySpace = window.lastIndexOf(' ');
  if (anySpace >= floor) return anySpace + 1;
  return limit;
}

/**
 * Returns parts of at most `limit` characters. When a cut falls inside a ``` block, the part is closed with ```
 * and the next one reopens it, so each part renders on its own; the fence characters are counted in the limit.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 20) throw new RangeError('limit must be at least 20 characters');
  const parts: string[] = [];
  let rest = text;
  let reopen = '';
  while (rest.length > 0) {
    const room = limit - reopen.length;
    if (rest.length <= room) {
      parts.push(reopen + rest);
      break;
    }
    const at = cutPoint(rest, room - 4);
    let part = reopen + rest.slice(0, at);
    rest = rest.slice(at);
    const open = (part.match(/```/g)?.length ?? 0) % 2 === 1;
    if (open) {
      part = `${part.replace(/\n?$/, '\n')}\`\`\``;
      reopen = '```\n';
    } else {
      reopen = '';
    }
    parts.push(part.replace(/\s+$/, ''));
    rest = reopen ? rest : rest.replace(/^\s+/, '');
  }
  return parts.filter((p) => p.trim().length > 0);
}

/**
 * Splits raw text into parts whose platform form (`format`: escaping, link unmasking) is at most `limit`
 * characters. The cut happens in the raw text, so no cut falls inside an entity the formatting adds; a part that
 * grew past the limit when formatted is split again, smaller. Nothing is dropped.
 */
export function splitToFit(raw: string, limit: number, format: (raw: string) => string, cutAt = limit): string[] {
  const out: string[] = [];
  for (const part of splitText(raw, cutAt)) {
    const formatted = format(part).length;
    if (formatted <= limit) {
      out.push(part);
      continue;
    }
    const smaller = Math.max(20, Math.floor((limit * part.length) / formatted) - 1);
    out.push(...splitToFit(part, limit, format, Math.min(smaller, cutAt - 1)));
  }
  return out;
}
