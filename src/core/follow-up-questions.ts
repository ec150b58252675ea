/**
 * Follow-up suggestions (issue 16.4): after an answer, up to three questions a person might ask next, drawn from the
 * profile around the answer's sources: the role before the one just described, the story behind a role or a skill,
 * the next project. Any profile in the schema works: chunks are read by their type, section and tags, never by the
 * sample's ids; what the profile cannot support is filled from its own example questions. The question just asked,
 * and what the answer already covered, are never offered again.
 */
import type { Chunk, Source, TwinProfile } from './types.js';

/** why: Slack's button text holds 75 characters (Discord's label 80); a longer question is not offered. */
export const MAX_FOLLOW_UP_CHARS = 75;
export const MAX_FOLLOW_UPS = 3;

type Kind = 'role' | 'story' | 'project' | 'skills' | 'education' | 'goals' | 'development' | 'other';

interface Facts {
  chunk: Chunk;
  kind: Kind;
  company?: string;
}

interface Candidate {
  question: string;
  /** The chunk it would lead to, so what the answer already used is not offered again. */
  target?: string;
}

export interface FollowUpInput {
  question: string;
  sources: readonly Source[];
  profile: Pick<TwinProfile, 'chunks' | 'exampleQuestions'>;
  max?: number;
}

const lower = (s: string) => s.toLowerCase();
const hasTag = (c: Chunk, tag: string) => c.metadata.tags.some((t) => lower(t) === tag);

/** The company a role's title names after its last " at ", when a tag confirms it (or the section is a role's). */
function roleCompany(c: Chunk): string | undefined {
  const at = c.title.lastIndexOf(' at ');
  const named = at >= 0 ? c.title.slice(at + 4).trim() : undefined;
  const [section, index, ...rest] = c.metadata.section;
  const derivedRole = section === 'experience' && index !== undefined && rest.length === 0;
  if (named && (derivedRole || c.metadata.tags.some((t) => t === named))) return named;
  if (derivedRole) return c.metadata.tags[0];
  return undefined;
}

function kindOf(c: Chunk, company: string | undefined): Kind {
  const type = lower(c.type);
  const category = lower(c.metadata.category);
  if (hasTag(c, 'star') || c.metadata.section.includes('achievements_star') || type === 'leadership') return 'story';
  if (company !== undefined && (type === 'experience' || category === 'experience')) return 'role';
  if (type === 'project' || category === 'projects' || category === 'project') return 'project';
  if (type === 'skills') return 'skills';
  if (type === 'education') return 'education';
  if (type === 'goals' || category === 'career_goals') return 'goals';
  if (type === 'development') return 'development';
  return 'other';
}

function readFacts(chunks: readonly Chunk[]): Facts[] {
  const roles = new Map<string, string>();
  const facts = chunks.map((chunk) => {
    const company = roleCompany(chunk);
    const kind = kindOf(chunk, company);
    if (kind === 'role' && company) roles.set(chunk.metadata.section.slice(0, 2).join('/'), company);
    return { chunk, kind, company: kind === 'role' ? company : undefined };
  });
  const companies = [...new Set(roles.values())];
  // A story belongs to the role whose section holds it, or whose company its tags or title name.
  for (const f of facts) {
    if (f.kind !== 'story') continue;
    f.company =
      roles.get(f.chunk.metadata.section.slice(0, 2).join('/')) ??
      companies.find((name) => f.chunk.metadata.tags.includes(name) || f.chunk.title.includes(`(${name})`));
  }
  return facts;
}

/** "Project: Podmeter" -> "Podmeter". */
const projectName = (c: Chunk) => c.title.replace(/^project:\s*/i, '').trim();

/** "Leading the Kubernetes migration" -> "Tell me about leading the Kubernetes migration."; long titles by role. */
function storyQuestion(f: Facts): string | undefined {
  const title = f.chunk.title.trim();
  if (title.length <= 45 && !/[…(]/.test(title)) {
    const start = /^[A-Z][a-z]/.test(title) ? `${title[0]!.toLowerCase()}${title.slice(1)}` : title;
    return `Tell me about ${start.replace(/[.!?]$/, '')}.`;
  }
  return f.company ? `What's a story from your time at ${f.company}?` : undefined;
}

const roleQuestion = (f: Facts) => `What did you do at ${f.company}?`;
const projectQuestion = (f: Facts) => `Tell me about ${projectName(f.chunk)}.`;

/** Questions around the answer's main source, most natural first. */
function around(primary: Facts, facts: Facts[], used: Set<string>): Candidate[] {
  const of = (kind: Kind) => facts.filter((f) => f.kind === kind);
  const fresh = (f: Facts | undefined) => (f && !used.has(f.chunk.id) ? f : undefined);
  const out: Candidate[] = [];
  const add = (f: Facts | undefined, make: (f: Facts) => string | undefined) => {
    const q = f ? make(f) : undefined;
    if (f && q) out.push({ question: q, target: f.chunk.id });
  };
  const roles = of('role');
  const stories = of('story');
  const projects = of('project');
  switch (primary.kind) {
    case 'role': {
      const at = roles.indexOf(primary);
      add(fresh(stories.find((s) => s.company === primary.company && !used.has(s.chunk.id))), storyQuestion);
      // Profiles list roles newest first: the next one is the role before.
      add(fresh(roles[at + 1]), roleQuestion);
      if (at > 0) add(fresh(roles[at - 1]), roleQuestion);
      break;
    }
    case 'story': {
      add(fresh(roles.find((r) => r.company !== undefined && r.company === primary.company)), roleQuestion);
      const next = stories.slice(stories.indexOf(primary) + 1).concat(stories.slice(0, stories.indexOf(primary)));
      add(
        next.find((s) => !used.has(s.chunk.id)),
        storyQuestion,
      );
      break;
    }
    case 'project': {
      const at = projects.indexOf(primary);
      for (const p of [...projects.slice(at + 1), ...projects.slice(0, at)]) add(fresh(p), projectQuestion);
      break;
    }
    case 'skills':
      add(
        stories.find((s) => !used.has(s.chunk.id)),
        storyQuestion,
      );
      add(
        projects.find((p) => !used.has(p.chunk.id)),
        projectQuestion,
      );
      break;
    case 'education':
      add(fresh(roles.at(-1)), roleQuestion);
      break;
    case 'goals':
      add(fresh(of('development')[0]), () => 'What are you learning right now?');
      break;
    default:
      break;
  }
  return out;
}

/** Words every question shares; they say nothing about what it asks. */
const QUESTION_WORDS = new Set(
  'what did does you your tell about the and how why where when which who was were are have has from with for at'.split(
    ' ',
  ),
);

/** Lower-case content words of three letters or more, for telling a question from one just asked. */
function words(text: string): Set<string> {
  return new Set((lower(text).match(/[\p{L}\p{N}]{3,}/gu) ?? []).filter((w) => !QUESTION_WORDS.has(w)));
}

function sameQuestion(a: string, b: string): boolean {
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 || wb.size === 0) return lower(a).trim() === lower(b).trim();
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  // why: "Where did you study?" and "where did you study" are the same question; a shared name alone is not.
  return shared / Math.min(wa.size, wb.size) >= 0.75;
}

/** Up to `max` (3) follow-up questions for an answer; empty when the profile offers nothing new. */
export function followUpQuestions(input: FollowUpInput): string[] {
  const max = input.max ?? MAX_FOLLOW_UPS;
  const facts = readFacts(input.profile.chunks);
  const byId = new Map(facts.map((f) => [f.chunk.id, f]));
  const used = new Set(input.sources.map((s) => s.chunkId));
  const candidates: Candidate[] = [];
  for (const source of input.sources) {
    const f = byId.get(source.chunkId);
    if (f) candidates.push(...around(f, facts, used));
  }
  // why: an example about the role the answer just described ("What do you do at Kestrel?") would repeat it.
  const covered = [...used].flatMap((id) => byId.get(id)?.company ?? []);
  for (const question of input.profile.exampleQuestions) {
    if (!covered.some((company) => question.includes(company))) candidates.push({ question });
  }
  const chosen: string[] = [];
  for (const c of candidates) {
    if (chosen.length >= max) break;
    const q = c.question.replace(/\s+/g, ' ').trim();
    if (q === '' || q.length > MAX_FOLLOW_UP_CHARS) continue;
    if (c.target !== undefined && used.has(c.target)) continue;
    if (sameQuestion(q, input.question) || chosen.some((x) => sameQuestion(x, q))) continue;
    chosen.push(q);
  }
  return chosen;
}
