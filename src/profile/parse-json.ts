/**
 * JSON.parse with an error a person can act on: the file, line and column, and a hint for the usual slips
 * (trailing comma, comment, single quotes). Node 20's messages often lack a position, so the position comes from
 * a small scanner that stops at the first character JSON does not allow.
 */
import { ProfileError } from './profile-error.js';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class Stop {
  constructor(readonly at: number) {}
}

/** Offset of the first syntax error in `text`, or undefined when it is valid (or too deeply nested to scan). */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        const next = text[i + 1] ?? '';
        if (ESCAPES.has(next)) i += 2;
        else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail();
      } else if (ch < ' ') {
        fail();
      } else {
        i++;
      }
    }
    fail();
  };
  const members = (close: string, member: () => void) => {
    i++;
    skip();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      skip();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        return;
      } else fail();
    }
  };
  const value = (): void => {
    skip();
    const ch = text[i];
    if (ch === '{') {
      members('}', () => {
        skip();
        if (text[i] !== '"') fail();
        string();
        skip();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    } else if (ch === '[') {
      members(']', value);
    } else if (ch === '"') {
      string();
    } else {
      NUMBER.lastIndex = i;
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
      if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else if (literal) i += literal.length;
      else fail();
    }
  };
  try {
    value();
    skip();
    return i < text.length ? i : undefined;
  } catch (err) {
    if (err instanceof Stop) return err.at;
    return undefined;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function hint(text: string, offset: number): string {
  const ch = text[offset];
  const previous = text.slice(0, offset).trimEnd().at(-1);
  if ((ch === '}' || ch === ']') && previous === ',') return '; is there a trailing comma before it?';
  if (ch === '/') return '; JSON does not allow comments';
  if (ch === "'") return '; JSON strings need double quotes';
  if (ch === undefined) return '; the file ends too early (a missing } or ]?)';
  return '';
}

/** Parses `text` (a BOM is ignored) or throws a ProfileError: "x.json is not valid JSON (line 12, column 5: ...)". */
export function parseJson(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    const message = `${source} is empty; a profile is a JSON object with at least personal.name`;
    throw new ProfileError(source, [message], { message });
  }
  try {
    return JSON.parse(body);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const v8Offset = /at position (\d+)/.exec(raw)?.[1];
    const offset = v8Offset !== undefined ? Number(v8Offset) : (jsonErrorOffset(body) ?? body.length);
    const reason = raw
      .replace(/,\s*".*" is not valid JSON$/s, '')
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '');
    const { line, column } = lineAndColumn(body, offset);
    const message = `${source} is not valid JSON (line ${line}, column ${column}: ${reason}${hint(body, offset)})`;
    throw new ProfileError(source, [message], { message, cause: err });
  }
}
