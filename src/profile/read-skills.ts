/** Reads `skills` (shared/PROFILE.md), keeping lists the format does not name, e.g. `skills.frontend`. */
import { type FieldReader, isJsonObject, type JsonObject, joinPath } from './field-reader.js';
import { humanizeKey } from './prose.js';
import { normalizeKey } from './suggest-key.js';
import type { NamedList, ProgrammingLanguage, Skills } from './workshop-profile.js';

const SKILLS_KEYS = ['technical', 'soft_skills', 'certifications'] as const;
const TECHNICAL_KEYS = ['programming_languages', 'databases', 'cloud_platforms', 'ai_ml'] as const;
const TECHNICAL_ALIASES = ['languages', 'cloud'];
const LANGUAGE_KEYS = ['language', 'years', 'proficiency', 'frameworks'] as const;
const LANGUAGE_ALIASES = ['name', 'level', 'libraries'];

/** Lists under `obj` whose keys are not in `known`: text lists become named lists, anything else is left alone. */
export function otherLists(r: FieldReader, obj: JsonObject, path: string, known: readonly string[]): NamedList[] {
  const knownNorm = new Set(known.map(normalizeKey));
  const lists: NamedList[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (knownNorm.has(normalizeKey(key))) continue;
    if (!Array.isArray(value) && typeof value !== 'string') continue;
    if (Array.isArray(value) && value.some((v) => isJsonObject(v) || Array.isArray(v))) continue;
    const items = r.textList(value, joinPath(path, key));
    if (items.length > 0) lists.push({ label: humanizeKey(key), items });
  }
  return lists;
}

function readLanguage(r: FieldReader, obj: JsonObject, path: string): ProgrammingLanguage | undefined {
  r.checkKeys(obj, path, LANGUAGE_KEYS, LANGUAGE_ALIASES);
  const at = (key: string) => joinPath(path, key);
  const language = r.text(r.field(obj, 'language', 'name'), at('language'));
  const entry = {
    years: r.number(r.field(obj, 'years'), at('years')),
    proficiency: r.text(r.field(obj, 'proficiency', 'level'), at('proficiency')),
    frameworks: r.textList(r.field(obj, 'frameworks', 'libraries'), at('frameworks')),
  };
  if (language === undefined) {
    r.warnings.push(`${at('language')} is missing; that entry is skipped`);
    return undefined;
  }
  return { language, ...entry };
}

export function readSkills(r: FieldReader, value: unknown): Skills | undefined {
  if (Array.isArray(value) || typeof value === 'string') {
    // why: a flat "skills": ["Go", "SQL"] is a common shorthand; keep it as one unnamed list.
    const items = r.textList(value, 'skills');
    return { ...emptySkills(), other: items.length > 0 ? [{ label: 'skills', items }] : [] };
  }
  const skills = r.object(value, 'skills');
  if (!skills) return undefined;
  r.checkKeys(skills, 'skills', SKILLS_KEYS);
  const out = emptySkills();
  const technicalValue = r.field(skills, 'technical');
  if (Array.isArray(technicalValue) || typeof technicalValue === 'string') {
    const items = r.textList(technicalValue, 'skills.technical');
    // why: an empty list is an unfilled section; kept, it became a heading with nothing under it.
    if (items.length > 0) out.other.push({ label: 'technical skills', items });
  } else {
    const technical = r.object(technicalValue, 'skills.technical');
    if (technical) {
      const at = (key: string) => joinPath('skills.technical', key);
      r.checkKeys(technical, 'skills.technical', TECHNICAL_KEYS, TECHNICAL_ALIASES);
      out.languages = r
        .objectList(
          r.field(technical, 'programming_languages', 'languages'),
          at('programming_languages'),
          (obj, path) => readLanguage(r, obj, path),
          (language) => ({ language, frameworks: [] }),
        )
        .filter((entry) => entry !== undefined);
      out.databases = r.textList(r.field(technical, 'databases'), at('databases'));
      out.cloudPlatforms = r.textList(r.field(technical, 'cloud_platforms', 'cloud'), at('cloud_platforms'));
      out.aiMl = r.textList(r.field(technical, 'ai_ml'), at('ai_ml'));
      out.other.push(...otherLists(r, technical, 'skills.technical', [...TECHNICAL_KEYS, ...TECHNICAL_ALIASES]));
    }
  }
  out.softSkills = r.textList(r.field(skills, 'soft_skills'), 'skills.soft_skills');
  out.certifications = r.textList(r.field(skills, 'certifications'), 'skills.certifications');
  out.other.push(...otherLists(r, skills, 'skills', SKILLS_KEYS));
  return out;
}

function emptySkills(): Skills {
  return { languages: [], databases: [], cloudPlatforms: [], aiMl: [], softSkills: [], certifications: [], other: [] };
}
