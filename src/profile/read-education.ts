/**
 * Reads `education`. The format has one object; real files also hold a list of them, or an object of them
 * (`{ "institution_1": {...}, "institution_2": {...} }`). Each entry is taken.
 */
import { type FieldReader, isJsonObject, type JsonObject, joinPath } from './field-reader.js';
import type { Education } from './workshop-profile.js';

const EDUCATION_KEYS = [
  'university',
  'degree',
  'graduation_year',
  'gpa',
  'relevant_coursework',
  'thesis_project',
] as const;
const EDUCATION_ALIASES = ['institution', 'school', 'college', 'qualification', 'dates', 'coursework', 'thesis'];

const YEAR_IN_TEXT = /\b(19|20)\d{2}\b/;

function readGraduation(r: FieldReader, obj: JsonObject, path: string): number | string | undefined {
  const value = r.field(obj, 'graduation_year', 'graduation');
  const at = joinPath(path, 'graduation_year');
  if (typeof value === 'string' && !/^\s*\d+\s*$/.test(value) && YEAR_IN_TEXT.test(value)) {
    // why: "Expected 2026" or "2019 (First Class)" is a year with a note, not a wrong type.
    return value.trim();
  }
  const year = r.number(value, at);
  if (year !== undefined) return year;
  return r.text(r.field(obj, 'dates'), joinPath(path, 'dates'));
}

function readEntry(r: FieldReader, obj: JsonObject, path: string): Education {
  r.checkKeys(obj, path, EDUCATION_KEYS, EDUCATION_ALIASES);
  const at = (key: string) => joinPath(path, key);
  return {
    university: r.text(r.field(obj, 'university', 'institution', 'school', 'college'), at('university')),
    degree: r.text(r.field(obj, 'degree', 'qualification'), at('degree')),
    graduation: readGraduation(r, obj, path),
    gpa: r.text(r.field(obj, 'gpa'), at('gpa')),
    coursework: r.textList(r.field(obj, 'relevant_coursework', 'coursework'), at('relevant_coursework')),
    thesis: r.text(r.field(obj, 'thesis_project', 'thesis'), at('thesis_project')),
  };
}

export function readEducation(r: FieldReader, value: unknown): Education[] {
  if (isJsonObject(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([, entry]) => isJsonObject(entry))) {
      return entries.map(([key, entry]) => readEntry(r, entry as JsonObject, joinPath('education', key)));
    }
  }
  return r.objectList(
    value,
    'education',
    (obj, path) => readEntry(r, obj, path),
    (text) => ({ coursework: [], text }),
  );
}
