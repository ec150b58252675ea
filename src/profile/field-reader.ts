/**
 * Reads loosely typed JSON into the documented types, collecting every problem (with the field's path) instead of
 * stopping at the first, so one error can list them all. Harmless variations are accepted here, in one place:
 * numbers as strings, "yes"/"no" booleans, one string where a list is expected, one object where a list of objects
 * is expected, blank strings and null as "absent", and keys spelt `camelCase` or `Title Case`.
 */
import { normalizeKey, suggestKey } from './suggest-key.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `experience` + 2 -> `experience[2]`; `experience[2]` + `title` -> `experience[2].title`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** A short, safe rendering of a value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const NUMBER_TEXT = /^[~≈]?\s*(\d+(?:\.\d+)?)\s*\+?\s*(?:years?|yrs?|people|members)?$/i;
const TRUE_TEXT = new Set(['yes', 'y', 'true', 'on', '1']);
const FALSE_TEXT = new Set(['no', 'n', 'false', 'off', '0']);

export class FieldReader {
  readonly problems: string[] = [];
  readonly warnings: string[] = [];

  problem(path: string, message: string): void {
    this.problems.push(`${path} ${message}`);
  }

  /** The key of `obj` holding `keys[0]` or one of its aliases, matched the way `normalizeKey` does. */
  keyOf(obj: JsonObject, ...keys: string[]): string | undefined {
    for (const key of keys) {
      if (obj[key] !== undefined) return key;
    }
    const wanted = new Set(keys.map(normalizeKey));
    return Object.keys(obj).find((key) => wanted.has(normalizeKey(key)) && obj[key] !== undefined);
  }

  /** The value under `keys[0]` or one of its aliases (see `keyOf`). */
  field(obj: JsonObject, ...keys: string[]): unknown {
    const key = this.keyOf(obj, ...keys);
    return key === undefined ? undefined : obj[key];
  }

  /**
   * Warns about keys that look like typos of `known` ones; `aliases` are accepted spellings that are never suggested.
   * Other unknown keys are kept silently.
   */
  checkKeys(obj: JsonObject, path: string, known: readonly string[], aliases: readonly string[] = []): void {
    const knownNorm = new Set([...known, ...aliases].map(normalizeKey));
    for (const key of Object.keys(obj)) {
      if (knownNorm.has(normalizeKey(key))) continue;
      const guess = suggestKey(key, known);
      if (guess === undefined) continue;
      const what = path === '' ? `section '${key}'` : `field '${joinPath(path, key)}'`;
      this.warnings.push(`unknown ${what} (did you mean '${guess}'?)`);
    }
  }

  object(value: unknown, path: string): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (isJsonObject(value)) return value;
    this.problem(path, `must be an object, got ${describeValue(value)}`);
    return undefined;
  }

  text(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value.trim() || undefined;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      // why: a list of short strings where one text is expected is a harmless variation; keep every item.
      const items = value.map((v) => String(v).trim()).filter((v) => v !== '');
      return items.length > 0 ? items.join('; ') : undefined;
    }
    this.problem(path, `must be text, got ${describeValue(value)}`);
    return undefined;
  }

  number(value: unknown, path: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (trimmed === '') return undefined;
      const match = NUMBER_TEXT.exec(trimmed);
      if (match) return Number(match[1]);
    }
    this.problem(path, `must be a number, got ${describeValue(value)}`);
    return undefined;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    const word = String(value).trim().toLowerCase();
    if ((typeof value === 'string' || typeof value === 'number') && word === '') return undefined;
    if (typeof value === 'string' || typeof value === 'number') {
      if (TRUE_TEXT.has(word)) return true;
      if (FALSE_TEXT.has(word)) return false;
    }
    this.problem(path, `must be true or false, got ${describeValue(value)}`);
    return undefined;
  }

  /** A list of text; one string is a list of one; objects inside it are summarised ("AWS SAA (2023)"). */
  textList(value: unknown, path: string): string[] {
    if (value === undefined || value === null) return [];
    if (typeof value === 'string' || typeof value === 'number') {
      const item = String(value).trim();
      return item === '' ? [] : [item];
    }
    if (!Array.isArray(value)) {
      this.problem(path, `must be a list, got ${describeValue(value)}`);
      return [];
    }
    const items: string[] = [];
    value.forEach((element, i) => {
      const item = this.listItem(element, joinPath(path, i));
      if (item !== undefined) items.push(item);
    });
    return items;
  }

  private listItem(element: unknown, path: string): string | undefined {
    if (element === undefined || element === null) return undefined;
    if (typeof element === 'string' || typeof element === 'number') return String(element).trim() || undefined;
    const parts = isJsonObject(element) ? Object.values(element) : Array.isArray(element) ? element : [];
    const texts = parts
      .flatMap((part) => (Array.isArray(part) ? part : [part]))
      .filter((part) => typeof part === 'string' || typeof part === 'number')
      .map((part) => String(part).trim())
      .filter((part) => part !== '');
    if (texts.length === 0) {
      this.problem(path, `must be text, got ${describeValue(element)}`);
      return undefined;
    }
    const [head, ...rest] = texts;
    return rest.length > 0 ? `${head} (${rest.join(', ')})` : head;
  }

  /**
   * A list of objects read by `read`; one object is a list of one. A text element is passed to `fromText` when the
   * section has an obvious text form (a language name, a story), else it is a problem.
   */
  objectList<T>(
    value: unknown,
    path: string,
    read: (obj: JsonObject, path: string) => T,
    fromText?: (text: string, path: string) => T,
  ): T[] {
    if (value === undefined || value === null) return [];
    if (isJsonObject(value)) return [read(value, path)];
    const elements = Array.isArray(value)
      ? value.map((v, i) => [v, joinPath(path, i)] as const)
      : [[value, path] as const];
    if (!Array.isArray(value) && !(fromText && (typeof value === 'string' || typeof value === 'number'))) {
      this.problem(path, `must be a list, got ${describeValue(value)}`);
      return [];
    }
    const out: T[] = [];
    for (const [element, at] of elements) {
      if (element === undefined || element === null) continue;
      if (isJsonObject(element)) {
        out.push(read(element, at));
      } else if (fromText && (typeof element === 'string' || typeof element === 'number')) {
        const text = String(element).trim();
        if (text !== '') out.push(fromText(text, at));
      } else {
        this.problem(at, `must be an object, got ${describeValue(element)}`);
      }
    }
    return out;
  }
}
