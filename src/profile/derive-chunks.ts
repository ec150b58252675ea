/**
 * Chunks derived from the structured sections, for a profile without `content_chunks`. Ids come from the section
 * and a slug of its subject ("experience-northwind"), so they stay stable when entries are reordered or added.
 */
import type { ChunkDraft } from './chunk-hash.js';
import { educationChunk, projectChunk, roleChunks, skillChunks } from './derive-career-chunks.js';
import { joinList, lowerFirst, paragraph, sentence, slugify, withArticle } from './prose.js';
import type { WorkshopProfile } from './workshop-profile.js';

export interface DeriveOptions {
  shareSalary: boolean;
  shareContact: boolean;
}

/** `base`, or `base-2`, `base-3`... when taken. */
function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function personalChunk(p: WorkshopProfile['personal']): ChunkDraft {
  const title = p.title ? `, ${withArticle(p.title)}` : '';
  const place = p.location ? ` based in ${p.location}` : '';
  return {
    id: 'personal',
    title: 'About me',
    type: 'personal',
    text: paragraph(
      sentence(`I'm ${p.name}${title}${place}`),
      p.summary && sentence(p.summary),
      p.elevatorPitch && sentence(p.elevatorPitch),
    ),
    metadata: {
      category: 'personal',
      tags: [p.name, p.title, p.location].filter((t): t is string => t !== undefined),
      section: ['personal'],
    },
  };
}

function contactChunk(p: WorkshopProfile['personal']): ChunkDraft | undefined {
  const c = p.contact;
  const ways = [
    c.email && `by email at ${c.email}`,
    c.linkedin && `on LinkedIn (${c.linkedin})`,
    c.github && `on GitHub (${c.github})`,
    c.portfolio && `through my portfolio (${c.portfolio})`,
    c.website && `through my website (${c.website})`,
  ].filter((way): way is string => typeof way === 'string');
  if (ways.length === 0) return undefined;
  return {
    id: 'contact',
    title: 'Contact',
    type: 'contact',
    text: sentence(`You can reach me ${joinList(ways)}`),
    metadata: {
      category: 'contact',
      tags: ['contact', 'email', 'linkedin', 'github'],
      section: ['personal', 'contact'],
    },
  };
}

function locationChunk(profile: WorkshopProfile): ChunkDraft | undefined {
  const s = profile.salaryLocation;
  if (!s) return undefined;
  const relocation =
    s.relocationWilling === true
      ? "I'm open to relocating."
      : s.relocationWilling === false
        ? "I'd rather not relocate."
        : '';
  const text = paragraph(
    profile.personal.location && sentence(`I'm based in ${profile.personal.location}`),
    s.locationPreferences.length > 0 && `Where I'd like to work: ${sentence(joinList(s.locationPreferences))}`,
    relocation,
    s.remoteExperience && `Remote work: ${sentence(s.remoteExperience)}`,
    s.travelAvailability && `Travel: ${sentence(s.travelAvailability)}`,
    s.workAuthorization && `Work authorization: ${sentence(s.workAuthorization)}`,
  );
  const hasLocationFacts =
    s.locationPreferences.length > 0 ||
    s.relocationWilling !== undefined ||
    Boolean(s.remoteExperience || s.travelAvailability || s.workAuthorization);
  if (!hasLocationFacts) return undefined;
  return {
    id: 'location',
    title: 'Location and work authorization',
    type: 'location',
    text,
    metadata: {
      category: 'location',
      tags: ['location', 'relocation', 'remote', 'work authorization', ...s.locationPreferences],
      section: ['salary_location'],
    },
  };
}

function salaryChunk(profile: WorkshopProfile): ChunkDraft | undefined {
  const s = profile.salaryLocation;
  if (!s?.currentSalary && !s?.salaryExpectations) return undefined;
  return {
    id: 'salary',
    title: 'Salary',
    type: 'salary',
    text: paragraph(
      s.currentSalary && `My current salary: ${sentence(s.currentSalary)}`,
      s.salaryExpectations && `My salary expectations: ${sentence(s.salaryExpectations)}`,
    ),
    metadata: { category: 'salary', tags: ['salary', 'compensation'], section: ['salary_location'] },
  };
}

function goalsChunk(profile: WorkshopProfile): ChunkDraft | undefined {
  const g = profile.careerGoals;
  if (!g) return undefined;
  const text = paragraph(
    g.text && sentence(g.text),
    g.shortTerm && `My short-term goal: ${sentence(lowerFirst(g.shortTerm))}`,
    g.longTerm && `My long-term goal: ${sentence(lowerFirst(g.longTerm))}`,
    g.learningFocus.length > 0 && `I'm focusing my learning on ${sentence(joinList(g.learningFocus))}`,
    g.industries.length > 0 && `Industries that interest me: ${sentence(joinList(g.industries))}`,
  );
  if (text === '') return undefined;
  return {
    id: 'career-goals',
    title: 'Career goals',
    type: 'goals',
    text,
    metadata: {
      category: 'goals',
      tags: ['career goals', ...g.learningFocus, ...g.industries],
      section: ['career_goals'],
    },
  };
}

function developmentChunk(profile: WorkshopProfile): ChunkDraft | undefined {
  const d = profile.development;
  if (!d) return undefined;
  const text = paragraph(
    d.recentLearning.length > 0 && `Recently I've been learning ${sentence(joinList(d.recentLearning))}`,
    d.conferences.length > 0 && `Conferences I've attended: ${sentence(joinList(d.conferences))}`,
    d.publications.length > 0 && `My publications: ${sentence(joinList(d.publications))}`,
    d.openSource.length > 0 && `My open-source work: ${sentence(d.openSource.join('; '))}`,
    ...d.other.map((list) => `My ${list.label}: ${sentence(joinList(list.items))}`),
  );
  if (text === '') return undefined;
  return {
    id: 'professional-development',
    title: 'Professional development',
    type: 'development',
    text,
    metadata: {
      category: 'development',
      tags: ['learning', 'conferences', 'publications', 'open source'],
      section: ['professional_development'],
    },
  };
}

function weaknessChunk(profile: WorkshopProfile): ChunkDraft | undefined {
  const entries = profile.weaknesses.filter((w) => w.weakness || w.mitigation);
  if (entries.length === 0) return undefined;
  return {
    id: 'interview-weaknesses',
    title: 'Weaknesses and how I handle them',
    type: 'interview',
    text: paragraph(
      ...entries.map((w) =>
        paragraph(
          w.weakness && `A weakness I'm working on: ${sentence(lowerFirst(w.weakness))}`,
          w.mitigation && `What I'm doing about it: ${sentence(lowerFirst(w.mitigation))}`,
        ),
      ),
    ),
    metadata: {
      category: 'interview',
      tags: ['weakness', 'improvement'],
      section: ['interview_prep', 'weakness_mitigation'],
    },
  };
}

/** Every chunk the structured sections support, in reading order; salary and contact only when shared. */
export function deriveChunks(profile: WorkshopProfile, options: DeriveOptions): ChunkDraft[] {
  const used = new Set<string>(['personal', 'education', 'career-goals', 'professional-development']);
  const roles = profile.experience.flatMap((role, i) =>
    roleChunks(role, i, uniqueId(`experience-${slugify(role.company ?? role.title ?? '') || i + 1}`, used)),
  );
  const projects = profile.projects.map((project, i) =>
    projectChunk(project, i, uniqueId(`project-${slugify(project.name ?? '') || i + 1}`, used)),
  );
  const drafts: (ChunkDraft | undefined)[] = [
    personalChunk(profile.personal),
    ...roles,
    ...(profile.skills ? skillChunks(profile.skills) : []),
    ...projects,
    educationChunk(profile.education),
    goalsChunk(profile),
    developmentChunk(profile),
    weaknessChunk(profile),
    locationChunk(profile),
    options.shareContact ? contactChunk(profile.personal) : undefined,
    options.shareSalary ? salaryChunk(profile) : undefined,
  ];
  return drafts.filter((draft): draft is ChunkDraft => draft !== undefined && draft.text.trim() !== '');
}
