/**
 * The profile overview (issue 12): who the person is at a glance, for every prompt, so open questions ("tell me
 * about yourself", "why should we hire you?") meet the whole person and not only the chunks a search picked.
 * Built from the structured sections when the file has them and from the chunks' titles always, so a profile with
 * only `content_chunks`, only sections, or both gets one. Private topics stay out: the overview names what the
 * chunks (already filtered for salary and contact) hold, and never reads the salary or contact fields.
 */
import type { Chunk, ProfileOverview } from '../core/types.js';
import { joinList, lowerFirst, sentence, withArticle } from './prose.js';
import type { Role, WorkshopProfile } from './workshop-profile.js';

/** About 300 tokens: the overview sits in every prompt, so it must stay a table of contents, not the profile. */
export const MAX_OVERVIEW_CHARS = 1_100;
/** One line may take this much; a summary longer than this is cut at a sentence or word boundary. */
const MAX_LINE_CHARS = 320;

const PRESENT = /\b(present|current|now|ongoing|today)\b/i;

/** The role the person holds now: the first one whose duration runs to the present, else the first listed. */
export function currentRole(profile: WorkshopProfile): Role | undefined {
  const roles = profile.experience.filter((role) => role.title || role.company);
  return roles.find((role) => role.duration !== undefined && PRESENT.test(role.duration)) ?? roles[0];
}

function isCurrent(role: Role): boolean {
  return role.duration === undefined || PRESENT.test(role.duration);
}

function roleLabel(role: Role): string {
  const what = [role.title, role.company].filter(Boolean).join(' at ');
  return role.duration ? `${what} (${role.duration})` : what;
}

/** Cuts text to `max` characters at a sentence end when one is near, else at a word, with an ellipsis. */
function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  if (end > max * 0.5) return cut.slice(0, end + 1);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > max * 0.6 ? space : max).replace(/[\s,;:.]+$/, '')}…`;
}

function educationLine(profile: WorkshopProfile): string | undefined {
  const entries = profile.education
    .map((e) => {
      if (e.text) return e.text;
      const what = [e.degree, e.university].filter(Boolean).join(', ');
      return e.graduation !== undefined && what ? `${what} (${e.graduation})` : what;
    })
    .filter((line) => line.trim() !== '');
  return entries.length > 0 ? joinList(entries) : undefined;
}

function skillsLine(profile: WorkshopProfile): string | undefined {
  const s = profile.skills;
  if (!s) return undefined;
  const names = [...s.languages.map((l) => l.language), ...s.cloudPlatforms, ...s.databases, ...s.aiMl];
  return names.length > 0 ? joinList(names.slice(0, 10)) : undefined;
}

/**
 * Labelled lines, most important first; lines that would overflow the budget are dropped from the end, except the
 * chunk titles, which are shortened instead (they tell the model what else there is to ask about).
 */
export function buildOverview(profile: WorkshopProfile, chunks: readonly Chunk[]): ProfileOverview {
  const p = profile.personal;
  const now = currentRole(profile);
  const earlier = profile.experience.filter((role) => role !== now && (role.title || role.company));
  const projects = profile.projects.map((project) => project.name).filter((name): name is string => Boolean(name));
  const goals = profile.careerGoals;
  const goal = goals?.shortTerm ?? goals?.text ?? goals?.longTerm;

  const lines: (string | undefined)[] = [
    `Name: ${p.name}`,
    p.title && `Title: ${p.title}`,
    p.location && `Location: ${p.location}`,
    (p.summary || p.elevatorPitch) && `Summary: ${clip(p.summary ?? p.elevatorPitch ?? '', MAX_LINE_CHARS)}`,
    now && `${isCurrent(now) ? 'Current role' : 'Latest role'}: ${roleLabel(now)}`,
    earlier.length > 0 && `Earlier roles: ${clip(earlier.map(roleLabel).join('; '), MAX_LINE_CHARS)}`,
    projects.length > 0 && `Projects: ${clip(joinList(projects), MAX_LINE_CHARS / 2)}`,
    educationLine(profile) && `Education: ${clip(educationLine(profile) ?? '', MAX_LINE_CHARS / 2)}`,
    skillsLine(profile) && `Key skills: ${skillsLine(profile)}`,
    goal && `Goal: ${clip(goal, MAX_LINE_CHARS / 2)}`,
  ].map((line) => (typeof line === 'string' ? line : undefined));

  const titles = [...new Set(chunks.map((chunk) => chunk.title.replace(/ \(part \d+ of \d+\)$/, '')))];
  const kept: string[] = [];
  let used = 0;
  const titlesLine = `Topics in my profile: ${titles.join('; ')}`;
  const reserve = titles.length > 0 ? Math.min(titlesLine.length, MAX_OVERVIEW_CHARS / 3) : 0;
  for (const line of lines) {
    if (!line) continue;
    if (used + line.length + 1 > MAX_OVERVIEW_CHARS - reserve) continue;
    kept.push(line);
    used += line.length + 1;
  }
  if (titles.length > 0) kept.push(clip(titlesLine, Math.max(60, MAX_OVERVIEW_CHARS - used - 1)));

  return { text: kept.join('\n'), introduction: introduction(profile, now) };
}

/** "I'm Ada Lovelace, a Senior Engineer based in London. <summary> Right now I'm ... at ...". */
function introduction(profile: WorkshopProfile, now: Role | undefined): string {
  const p = profile.personal;
  const title = p.title ? `, ${withArticle(p.title)}` : '';
  const place = p.location ? ` based in ${p.location}` : '';
  const parts = [sentence(`I'm ${p.name}${title}${place}`)];
  if (p.summary) parts.push(sentence(clip(p.summary, MAX_LINE_CHARS)));
  if (p.elevatorPitch && p.elevatorPitch !== p.summary) parts.push(sentence(clip(p.elevatorPitch, MAX_LINE_CHARS)));
  if (now?.company && now.title) {
    const verb = isCurrent(now) ? "Right now I'm" : 'Most recently I was';
    parts.push(sentence(`${verb} ${withArticle(lowerFirstTitle(now.title))} at ${now.company}`));
  } else if (now?.company) {
    parts.push(sentence(`${isCurrent(now) ? 'I work at' : 'Most recently I worked at'} ${now.company}`));
  }
  return parts.join(' ');
}

/** Job titles keep their capitals ("Senior Platform Engineer"); only a leading common word is lowered. */
function lowerFirstTitle(title: string): string {
  return /^[A-Z][a-z]+ [a-z]/.test(title) ? lowerFirst(title) : title;
}
