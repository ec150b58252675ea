/**
 * How much a profile gives the twin to say: chunks, the areas people ask about that hold real text, and whether a
 * typical question about each area retrieves something. What to add is said in the field names of the workshop's
 * template (`experience[].achievements_star`, ...), so the owner knows where in digitaltwin.json to write it.
 */
import type { ProfileRetriever } from '../core/ports.js';
import type { Chunk, TwinProfile } from '../core/types.js';
import { parseProfile } from './parse-profile.js';
import { starterProfile } from './starter-profile.js';

interface Area {
  name: string;
  /** Matched against a chunk's type and category. */
  kinds: RegExp;
  /** A question people ask about this area. */
  question: string;
  /** Where it goes in the template, in short. */
  section: string;
  /** What to add, in the template's words. */
  add: string;
}

export const PROFILE_AREAS: readonly Area[] = [
  {
    name: 'who you are',
    section: 'personal.summary',
    kinds: /^(personal|about|summary|introduction)$/i,
    question: 'Who are you?',
    add: 'personal: title, location, summary and elevator_pitch (who you are, in two or three sentences)',
  },
  {
    name: 'experience',
    section: 'experience[].achievements_star',
    kinds: /^(experience|leadership|work|roles?)$/i,
    question: 'Where have you worked?',
    add: 'experience[]: company, title, duration, company_context and achievements_star stories (situation, task, action, result)',
  },
  {
    name: 'skills',
    section: 'skills.technical',
    kinds: /^skills?$/i,
    question: 'What are your technical skills?',
    add: 'skills.technical: programming_languages (language, years, proficiency, frameworks), databases, cloud_platforms; skills.soft_skills',
  },
  {
    name: 'projects',
    section: 'projects_portfolio[]',
    kinds: /^(projects?|portfolio)$/i,
    question: 'Tell me about a project you built.',
    add: 'projects_portfolio[]: name, description, technologies, impact',
  },
  {
    name: 'education',
    section: 'education',
    kinds: /^education$/i,
    question: 'Where did you study?',
    add: 'education: university, degree, graduation_year, relevant_coursework, thesis_project',
  },
  {
    name: 'career goals',
    section: 'career_goals',
    kinds: /^(goals?|career[ _-]?goals)$/i,
    question: 'What are your career goals?',
    add: 'career_goals: short_term, long_term, learning_focus, industries_interested',
  },
];

/** Words an area's chunks must hold to count as filled: "I've worked at Quillworks." is a name, not a story. */
const MIN_AREA_WORDS = 15;

export interface AreaRating {
  name: string;
  filled: boolean;
  /** Its typical question retrieves at least one chunk. */
  answers: boolean;
  question: string;
}

export interface ProfileRating {
  /** good: every area filled; partial: half of them or more; thin: fewer. */
  level: 'good' | 'partial' | 'thin';
  chunks: number;
  words: number;
  areas: AreaRating[];
  filled: number;
  answered: number;
  /** What to add, in the template's words, most useful first; empty when the profile is good. */
  toAdd: string[];
  /** The same in short: the template's section names (`experience[].achievements_star`, ...). */
  sectionsToAdd: string[];
  /** One line: "6 of 6 areas filled, 16 chunks (1 240 words); 6 of 6 example questions find an answer". */
  summary: string;
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

function inArea(chunk: Chunk, area: Area): boolean {
  return area.kinds.test(chunk.type) || area.kinds.test(chunk.metadata.category);
}

export async function rateProfile(profile: TwinProfile, retriever: ProfileRetriever): Promise<ProfileRating> {
  // why: a section still as `twinbot profile init` wrote it says nothing about the person.
  const starter = new Set(parseProfile(starterProfile(profile.name), 'starter').profile.chunks.map((c) => c.text));
  const own = profile.chunks.filter((c) => !starter.has(c.text));
  const words = own.reduce((n, c) => n + wordCount(c.text), 0);
  const areas: AreaRating[] = [];
  for (const area of PROFILE_AREAS) {
    const areaWords = own.filter((c) => inArea(c, area)).reduce((n, c) => n + wordCount(c.text), 0);
    const found = await retriever.retrieve(area.question, { topK: 3 }).catch(() => []);
    areas.push({
      name: area.name,
      filled: areaWords >= MIN_AREA_WORDS,
      answers: found.length > 0,
      question: area.question,
    });
  }
  const filled = areas.filter((a) => a.filled).length;
  const answered = areas.filter((a) => a.answers).length;
  const level = filled === areas.length ? 'good' : filled * 2 >= areas.length ? 'partial' : 'thin';
  const missing = PROFILE_AREAS.filter((_, i) => !areas[i]?.filled);
  const toAdd = missing.map((a) => a.add);
  const sectionsToAdd = missing.map((a) => a.section);
  if (level === 'thin') {
    toAdd.push(
      'or content_chunks[]: id, title, type, content (40-70 words of first-person prose each), metadata.category and tags',
    );
  }
  const summary =
    `${filled} of ${areas.length} areas filled, ${profile.chunks.length} chunk${profile.chunks.length === 1 ? '' : 's'} ` +
    `(${words} words of its own); ${answered} of ${areas.length} example questions find an answer`;
  return { level, chunks: profile.chunks.length, words, areas, filled, answered, toAdd, sectionsToAdd, summary };
}

/** The verdict in words, for doctor and the start-up log. */
export function ratingVerdict(rating: ProfileRating): string {
  if (rating.level === 'good') return 'gives the twin plenty to say';
  const missing = rating.areas.filter((a) => !a.filled).map((a) => a.name);
  const what = `little or nothing yet on ${missing.join(', ')}`;
  return rating.level === 'thin' ? `gives the twin little to say: ${what}` : `gives the twin something to say; ${what}`;
}
