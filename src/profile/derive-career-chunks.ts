/**
 * First-person chunks for roles, skills, projects and education, for profiles without `content_chunks`
 * (the workshop's template). Each reads as something the person would say: "I worked at Northwind as ...".
 */
import type { ChunkDraft } from './chunk-hash.js';
import { joinList, lowerFirst, paragraph, sentence, withArticle, yearsText } from './prose.js';
import type { Education, Project, Role, Skills, StarStory } from './workshop-profile.js';

const PRESENT = /\b(present|current|now|ongoing|today)\b/i;

/** "I have been working at X as a Y since Jan 2021", "I worked at X as a Y from 2018 to 2021", ... */
function roleOpening(role: Role): string {
  const where = role.company ? ` at ${role.company}` : '';
  const as = role.title ? ` as ${withArticle(role.title)}` : '';
  const duration = role.duration;
  if (!duration) return sentence(`I've worked${where}${as}`);
  const current = /^(.+?)\s*(?:-|–|—|to)\s*(?:present|current|now|today)\b\s*(.*)$/i.exec(duration);
  if (current)
    return sentence(`I have been working${where}${as} since ${current[1]}${current[2] ? ` ${current[2]}` : ''}`);
  if (PRESENT.test(duration)) return sentence(`I work${where}${as} (${duration})`);
  if (/^\d+(\.\d+)?\+?\s*(years?|yrs?|months?)\b/i.test(duration))
    return sentence(`I worked${where}${as} for ${duration}`);
  const range = /^(.+?)\s*(?:-|–|—)\s*(.+)$/.exec(duration);
  if (range) return sentence(`I worked${where}${as} from ${range[1]} to ${range[2]}`);
  return sentence(`I worked${where}${as} (${duration})`);
}

/** A story as the person tells it, naming the company so it stands on its own. */
function storyText(story: StarStory, role: Role): string {
  const where = role.company ? ` at ${role.company}` : role.title ? ` as ${withArticle(role.title)}` : '';
  if (story.text && !story.situation && !story.task && !story.action && !story.result) {
    return `An achievement from my time${where}: ${sentence(story.text)}`;
  }
  return paragraph(
    `A story from my time${where}:`,
    story.situation && sentence(story.situation),
    story.task && `My task: ${sentence(lowerFirst(story.task))}`,
    story.action && `What I did: ${sentence(lowerFirst(story.action))}`,
    story.result && `The result: ${sentence(lowerFirst(story.result))}`,
  );
}

/** "Cutting sepsis treatment delays", from the story's task (or situation), for a chunk title. */
function storyHeadline(story: StarStory): string {
  const source = (story.task ?? story.situation ?? story.text ?? story.action ?? '').trim();
  const first = source.split(/(?<=[.!?])\s/)[0] ?? source;
  const clipped = first.length > 70 ? `${first.slice(0, 70).replace(/\s+\S*$/, '')}…` : first;
  return clipped.replace(/[.!?]$/, '');
}

/**
 * A role as chunks: one with the role itself (where, when, team, tools, how I led), and one per STAR story, so a
 * question about a hard problem or an achievement retrieves that story and not a whole career (issue 12).
 */
export function roleChunks(role: Role, index: number, id: string): ChunkDraft[] {
  const stories = role.stories.filter((s) => s.text || s.situation || s.task || s.action || s.result);
  if (!role.company && !role.title && stories.length === 0) return [];
  const teamSize = role.teamSizeManaged;
  const text = paragraph(
    roleOpening(role),
    role.companyContext && `About ${role.company ?? 'the company'}: ${sentence(role.companyContext)}`,
    role.teamStructure && `My team: ${sentence(role.teamStructure)}`,
    teamSize !== undefined &&
      teamSize > 0 &&
      `I managed a team of ${teamSize} ${teamSize === 1 ? 'person' : 'people'}.`,
    role.budgetManaged && `Budget I was responsible for: ${sentence(role.budgetManaged)}`,
    role.skillsUsed.length > 0 && `Technologies I used there: ${sentence(joinList(role.skillsUsed))}`,
    role.leadership.length > 0 && `How I led there: ${sentence(role.leadership.map(lowerFirst).join('; '))}`,
  );
  const led = role.leadership.length > 0 || (teamSize ?? 0) > 0;
  const where = role.company ?? role.title;
  const title = role.company
    ? `Experience at ${role.company}`
    : role.title
      ? `Experience as ${role.title}`
      : `Experience ${index + 1}`;
  const roleTags = [role.company, role.title].filter(isText);
  const section = ['experience', String(index)];
  const summary: ChunkDraft = {
    id,
    title,
    type: 'experience',
    text,
    metadata: {
      category: 'experience',
      tags: [...roleTags, ...(led ? ['leadership'] : []), ...role.skillsUsed],
      section,
    },
  };
  const storyChunks = stories.map(
    (story, i): ChunkDraft => ({
      id: `${id}-story-${i + 1}`,
      title: where ? `${storyHeadline(story)} (${where})` : storyHeadline(story),
      type: 'experience',
      text: storyText(story, role),
      metadata: {
        category: 'experience',
        tags: [...roleTags, 'STAR', 'achievement'],
        section: [...section, 'achievements_star', String(i)],
      },
    }),
  );
  return [...(text === '' ? [] : [summary]), ...storyChunks];
}

function languageSentence(entry: Skills['languages'][number]): string {
  const level = entry.proficiency ? ` (${entry.proficiency})` : '';
  const frameworks = entry.frameworks.length > 0 ? `, with ${joinList(entry.frameworks)}` : '';
  const use =
    entry.years !== undefined ? `I've used ${entry.language} for ${yearsText(entry.years)}` : `I use ${entry.language}`;
  return sentence(`${use}${level}${frameworks}`);
}

/** Up to three chunks: languages and frameworks; databases, cloud and AI/ML; lists the format does not name. */
export function skillChunks(skills: Skills): ChunkDraft[] {
  const chunks: ChunkDraft[] = [];
  if (skills.languages.length > 0) {
    const names = skills.languages.map((l) => l.language);
    chunks.push({
      id: 'skills-languages',
      title: 'Programming languages and frameworks',
      type: 'skills',
      text: paragraph(
        `The programming languages I know: ${sentence(joinList(names))}`,
        ...skills.languages.map(languageSentence),
      ),
      metadata: {
        category: 'skills',
        tags: ['programming languages', ...names, ...skills.languages.flatMap((l) => l.frameworks)],
        section: ['skills', 'technical', 'programming_languages'],
      },
    });
  }
  if (skills.databases.length + skills.cloudPlatforms.length + skills.aiMl.length > 0) {
    chunks.push({
      id: 'skills-platforms',
      title: 'Databases, cloud and AI/ML',
      type: 'skills',
      text: paragraph(
        skills.databases.length > 0 && `Databases I work with: ${sentence(joinList(skills.databases))}`,
        skills.cloudPlatforms.length > 0 && `Cloud and infrastructure: ${sentence(joinList(skills.cloudPlatforms))}`,
        skills.aiMl.length > 0 && `AI and machine learning: ${sentence(joinList(skills.aiMl))}`,
      ),
      metadata: {
        category: 'skills',
        tags: [...skills.databases, ...skills.cloudPlatforms, ...skills.aiMl],
        section: ['skills', 'technical'],
      },
    });
  }
  // why: a heading is written only above something; an empty list is a section not filled in yet.
  const other = skills.other.filter((list) => list.items.some((item) => item.trim() !== ''));
  if (other.length > 0) {
    chunks.push({
      id: 'skills-other',
      title: chunks.length > 0 ? 'More skills' : 'Skills',
      type: 'skills',
      text: paragraph(
        'My skills, by area:',
        ...other.map((list) => `${capitalize(list.label)}: ${sentence(joinList(list.items))}`),
      ),
      metadata: {
        category: 'skills',
        tags: other.flatMap((list) => [list.label, ...list.items]),
        section: ['skills'],
      },
    });
  }
  if (skills.softSkills.length + skills.certifications.length > 0) {
    chunks.push({
      id: 'skills-soft-certifications',
      title: 'Soft skills and certifications',
      type: 'skills',
      text: paragraph(
        skills.softSkills.length > 0 && `Soft skills I bring: ${sentence(joinList(skills.softSkills))}`,
        skills.certifications.length > 0 && `Certifications I hold: ${sentence(joinList(skills.certifications))}`,
      ),
      metadata: {
        category: 'skills',
        tags: ['soft skills', 'certifications', ...skills.softSkills, ...skills.certifications],
        section: ['skills'],
      },
    });
  }
  return chunks;
}

export function projectChunk(project: Project, index: number, id: string): ChunkDraft | undefined {
  if (!project.name && !project.description) return undefined;
  const text = paragraph(
    project.name && project.description
      ? `One of my projects is ${project.name}: ${sentence(lowerFirst(project.description))}`
      : project.name
        ? `One of my projects is ${sentence(project.name)}`
        : `One of my projects: ${sentence(lowerFirst(project.description ?? ''))}`,
    project.technologies.length > 0 && `I built it with ${sentence(joinList(project.technologies))}`,
    project.impact && `The impact: ${sentence(lowerFirst(project.impact))}`,
    // why: a URL is wrapped in parentheses so no full stop sticks to it when a chat client turns it into a link.
    project.githubUrl && `The code is public (${project.githubUrl}).`,
    project.liveDemo && `There is a live demo (${project.liveDemo}).`,
  );
  return {
    id,
    title: project.name ? `Project: ${project.name}` : `Project ${index + 1}`,
    type: 'project',
    text,
    metadata: {
      category: 'projects',
      tags: [project.name, ...project.technologies].filter(isText),
      section: ['projects_portfolio', String(index)],
    },
  };
}

function educationText(entry: Education): string {
  if (entry.text && !entry.university && !entry.degree) return sentence(entry.text);
  const graduation =
    typeof entry.graduation === 'number'
      ? `, graduating in ${entry.graduation}`
      : entry.graduation
        ? ` (${entry.graduation})`
        : '';
  // why: "I studied at the University of X" but "at X University"; only the "<Kind> of ..." form takes "the".
  const school =
    entry.university && /^(university|institute|college|school|academy) of\b/i.test(entry.university)
      ? `the ${entry.university}`
      : entry.university;
  const opening =
    school && entry.degree
      ? `I studied at ${school}, where I earned ${withArticle(entry.degree)}${graduation}`
      : school
        ? `I studied at ${school}${graduation}`
        : entry.degree
          ? `I earned ${withArticle(entry.degree)}${graduation}`
          : '';
  return paragraph(
    opening && sentence(opening),
    entry.gpa && `My GPA: ${sentence(entry.gpa)}`,
    entry.coursework.length > 0 && `Relevant coursework included ${sentence(joinList(entry.coursework))}`,
    entry.thesis && `My thesis project: ${sentence(entry.thesis)}`,
  );
}

export function educationChunk(education: Education[]): ChunkDraft | undefined {
  const texts = education.map(educationText).filter((text) => text !== '');
  if (texts.length === 0) return undefined;
  return {
    id: 'education',
    title: 'Education',
    type: 'education',
    text: texts.join('\n\n'),
    metadata: {
      category: 'education',
      tags: ['education', ...education.flatMap((e) => [e.university, e.degree])].filter(isText),
      section: ['education'],
    },
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isText(value: string | undefined): value is string {
  return typeof value === 'string' && value !== '';
}
