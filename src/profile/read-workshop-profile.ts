/**
 * Validates a parsed `digitaltwin.json` (shared/PROFILE.md) into a `WorkshopProfile`. Every section is optional
 * except `personal.name`; problems are collected in the reader so one error can name them all.
 */
import { describeValue, type FieldReader, isJsonObject, type JsonObject, joinPath } from './field-reader.js';
import { readContentChunks } from './read-content-chunks.js';
import { readEducation } from './read-education.js';
import { readExperience, readProjects } from './read-experience.js';
import { otherLists, readSkills } from './read-skills.js';
import { suggestKey } from './suggest-key.js';
import type {
  CareerGoals,
  Personal,
  ProfessionalDevelopment,
  SalaryLocation,
  Weakness,
  WorkshopProfile,
} from './workshop-profile.js';

/** The top-level sections of the format. */
export const PROFILE_SECTIONS = [
  'personal',
  'salary_location',
  'experience',
  'skills',
  'education',
  'projects_portfolio',
  'career_goals',
  'interview_prep',
  'professional_development',
  'content_chunks',
] as const;
const SECTION_KEY_ALIASES: Record<string, string[]> = {
  experience: ['work_experience'],
  projects_portfolio: ['projects'],
};
const SECTION_ALIASES = Object.values(SECTION_KEY_ALIASES).flat();

const PERSONAL_KEYS = ['name', 'title', 'location', 'summary', 'elevator_pitch', 'contact'] as const;
const CONTACT_KEYS = ['email', 'linkedin', 'github', 'portfolio'] as const;
const SALARY_KEYS = [
  'current_salary',
  'salary_expectations',
  'location_preferences',
  'relocation_willing',
  'remote_experience',
  'travel_availability',
  'work_authorization',
] as const;
const GOALS_KEYS = ['short_term', 'long_term', 'learning_focus', 'industries_interested'] as const;
const PREP_KEYS = ['common_questions', 'weakness_mitigation'] as const;
const DEVELOPMENT_KEYS = ['recent_learning', 'conferences_attended', 'publications', 'open_source'] as const;

function readPersonal(r: FieldReader, root: JsonObject): Personal | undefined {
  const value = r.field(root, 'personal');
  const personal = r.object(value, 'personal');
  if (value !== undefined && value !== null && !personal) return undefined;
  const obj = personal ?? {};
  if (personal) r.checkKeys(personal, 'personal', PERSONAL_KEYS, ['full_name']);
  const rawName = r.field(obj, 'name', 'full_name');
  const name = r.text(rawName, 'personal.name');
  if (name === undefined) {
    // A name of the wrong type was reported by r.text; only an absent or blank one is "missing".
    if (rawName === undefined || rawName === null || typeof rawName === 'string') {
      r.problem('personal.name', `is missing${nameHint(obj, root)}`);
    }
    return undefined;
  }
  const contact = r.object(r.field(obj, 'contact'), 'personal.contact') ?? {};
  if (Object.keys(contact).length > 0) r.checkKeys(contact, 'personal.contact', CONTACT_KEYS, ['website']);
  const at = (key: string) => joinPath('personal', key);
  return {
    name,
    title: r.text(r.field(obj, 'title'), at('title')),
    location: r.text(r.field(obj, 'location'), at('location')),
    summary: r.text(r.field(obj, 'summary'), at('summary')),
    elevatorPitch: r.text(r.field(obj, 'elevator_pitch'), at('elevator_pitch')),
    contact: {
      email: r.text(r.field(contact, 'email'), 'personal.contact.email'),
      linkedin: r.text(r.field(contact, 'linkedin'), 'personal.contact.linkedin'),
      github: r.text(r.field(contact, 'github'), 'personal.contact.github'),
      portfolio: r.text(r.field(contact, 'portfolio'), 'personal.contact.portfolio'),
      website: r.text(r.field(contact, 'website'), 'personal.contact.website'),
    },
  };
}

/** Points at the likely cause of a missing name: a typo in the key, or the name outside `personal`. */
function nameHint(personal: JsonObject, root: JsonObject): string {
  const typo = Object.keys(personal).find((key) => suggestKey(key, ['name']) === 'name');
  if (typo) return ` (there is a 'personal.${typo}': a typo for 'name'?)`;
  if (typeof root['name'] === 'string') return " (there is a top-level 'name'; it belongs inside 'personal')";
  return '';
}

function readSalaryLocation(r: FieldReader, value: unknown): SalaryLocation | undefined {
  const obj = r.object(value, 'salary_location');
  if (!obj) return undefined;
  r.checkKeys(obj, 'salary_location', SALARY_KEYS, ['current_salary_range', 'visa_status']);
  const at = (key: string) => joinPath('salary_location', key);
  return {
    currentSalary: r.text(r.field(obj, 'current_salary', 'current_salary_range'), at('current_salary')),
    salaryExpectations: r.text(r.field(obj, 'salary_expectations'), at('salary_expectations')),
    locationPreferences: r.textList(r.field(obj, 'location_preferences'), at('location_preferences')),
    relocationWilling: r.boolean(r.field(obj, 'relocation_willing'), at('relocation_willing')),
    remoteExperience: r.text(r.field(obj, 'remote_experience'), at('remote_experience')),
    travelAvailability: r.text(r.field(obj, 'travel_availability'), at('travel_availability')),
    workAuthorization: r.text(r.field(obj, 'work_authorization', 'visa_status'), at('work_authorization')),
  };
}

function readCareerGoals(r: FieldReader, value: unknown): CareerGoals | undefined {
  if (typeof value === 'string') {
    const text = r.text(value, 'career_goals');
    return text ? { learningFocus: [], industries: [], text } : undefined;
  }
  const obj = r.object(value, 'career_goals');
  if (!obj) return undefined;
  r.checkKeys(obj, 'career_goals', GOALS_KEYS);
  const at = (key: string) => joinPath('career_goals', key);
  return {
    shortTerm: r.text(r.field(obj, 'short_term'), at('short_term')),
    longTerm: r.text(r.field(obj, 'long_term'), at('long_term')),
    learningFocus: r.textList(r.field(obj, 'learning_focus'), at('learning_focus')),
    industries: r.textList(r.field(obj, 'industries_interested'), at('industries_interested')),
  };
}

function readWeaknesses(r: FieldReader, value: unknown): Weakness[] {
  const obj = r.object(value, 'interview_prep');
  if (!obj) return [];
  r.checkKeys(obj, 'interview_prep', PREP_KEYS);
  const path = 'interview_prep.weakness_mitigation';
  return r.objectList<Weakness>(
    r.field(obj, 'weakness_mitigation', 'weaknesses'),
    path,
    (entry, at) => ({
      weakness: r.text(r.field(entry, 'weakness'), joinPath(at, 'weakness')),
      mitigation: r.text(r.field(entry, 'mitigation'), joinPath(at, 'mitigation')),
    }),
    (weakness) => ({ weakness }),
  );
}

function readDevelopment(r: FieldReader, value: unknown): ProfessionalDevelopment | undefined {
  const obj = r.object(value, 'professional_development');
  if (!obj) return undefined;
  r.checkKeys(obj, 'professional_development', DEVELOPMENT_KEYS);
  const at = (key: string) => joinPath('professional_development', key);
  return {
    recentLearning: r.textList(r.field(obj, 'recent_learning'), at('recent_learning')),
    conferences: r.textList(r.field(obj, 'conferences_attended'), at('conferences_attended')),
    publications: r.textList(r.field(obj, 'publications'), at('publications')),
    openSource: r.textList(r.field(obj, 'open_source'), at('open_source')),
    other: otherLists(r, obj, 'professional_development', DEVELOPMENT_KEYS),
  };
}

/**
 * The validated profile, or undefined when the top level is not an object. `r.problems` lists every fault found
 * (a missing `personal.name` among them) and `r.warnings` every doubt; the caller throws when there are problems.
 */
export function readWorkshopProfile(r: FieldReader, json: unknown): WorkshopProfile | undefined {
  if (!isJsonObject(json)) {
    r.problems.push(`the top level must be a JSON object, got ${describeValue(json)}`);
    return undefined;
  }
  r.checkKeys(json, '', PROFILE_SECTIONS, SECTION_ALIASES);
  // why: errors name the key the file really uses ("projects[2].name"), not the canonical one.
  const sectionKey = (section: string) => r.keyOf(json, section, ...(SECTION_KEY_ALIASES[section] ?? [])) ?? section;
  const personal = readPersonal(r, json);
  const profile: WorkshopProfile = {
    personal: personal ?? { name: '', contact: {} },
    salaryLocation: readSalaryLocation(r, r.field(json, 'salary_location')),
    experience: readExperience(r, r.field(json, 'experience', 'work_experience'), sectionKey('experience')),
    skills: readSkills(r, r.field(json, 'skills')),
    education: readEducation(r, r.field(json, 'education')),
    projects: readProjects(r, r.field(json, 'projects_portfolio', 'projects'), sectionKey('projects_portfolio')),
    careerGoals: readCareerGoals(r, r.field(json, 'career_goals')),
    weaknesses: readWeaknesses(r, r.field(json, 'interview_prep')),
    development: readDevelopment(r, r.field(json, 'professional_development')),
    contentChunks: readContentChunks(r, r.field(json, 'content_chunks')),
  };
  return profile;
}
