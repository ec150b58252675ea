/** Reads `experience[]` and `projects_portfolio[]` (shared/PROFILE.md) into roles and projects. */
import { type FieldReader, type JsonObject, joinPath } from './field-reader.js';
import type { Project, Role, StarStory } from './workshop-profile.js';

const ROLE_KEYS = [
  'company',
  'title',
  'duration',
  'company_context',
  'team_structure',
  'achievements_star',
  'technical_skills_used',
  'leadership_examples',
  'budget_managed',
  'team_size_managed',
] as const;

const ROLE_ALIASES = [
  'employer',
  'organization',
  'position',
  'role',
  'dates',
  'period',
  'achievements',
  'technologies',
  'skills',
  'leadership',
];

const STORY_KEYS = ['situation', 'task', 'action', 'result'] as const;
const STORY_ALIASES = ['description', 'summary', 'achievement'];

const PROJECT_KEYS = ['name', 'description', 'technologies', 'impact', 'github_url', 'live_demo'] as const;
const PROJECT_ALIASES = ['title', 'summary', 'tech_stack', 'stack', 'outcome', 'github', 'repository', 'demo', 'url'];

function readStory(r: FieldReader, obj: JsonObject, path: string): StarStory {
  r.checkKeys(obj, path, STORY_KEYS, STORY_ALIASES);
  const story: StarStory = {
    situation: r.text(r.field(obj, 'situation'), joinPath(path, 'situation')),
    task: r.text(r.field(obj, 'task'), joinPath(path, 'task')),
    action: r.text(r.field(obj, 'action'), joinPath(path, 'action')),
    result: r.text(r.field(obj, 'result'), joinPath(path, 'result')),
  };
  if (!story.situation && !story.task && !story.action && !story.result) {
    // why: some files write achievements as { "description": ... }; keep the words rather than drop the story.
    story.text = r.text(r.field(obj, 'description', 'summary', 'achievement'), joinPath(path, 'description'));
  }
  return story;
}

function readRole(r: FieldReader, obj: JsonObject, path: string): Role {
  r.checkKeys(obj, path, ROLE_KEYS, ROLE_ALIASES);
  const at = (key: string) => joinPath(path, key);
  return {
    company: r.text(r.field(obj, 'company', 'employer', 'organization'), at('company')),
    title: r.text(r.field(obj, 'title', 'position', 'role'), at('title')),
    duration: r.text(r.field(obj, 'duration', 'dates', 'period'), at('duration')),
    companyContext: r.text(r.field(obj, 'company_context'), at('company_context')),
    teamStructure: r.text(r.field(obj, 'team_structure'), at('team_structure')),
    stories: r.objectList(
      r.field(obj, 'achievements_star', 'achievements'),
      at('achievements_star'),
      (story, storyPath) => readStory(r, story, storyPath),
      (text) => ({ text }),
    ),
    skillsUsed: r.textList(
      r.field(obj, 'technical_skills_used', 'technologies', 'skills'),
      at('technical_skills_used'),
    ),
    leadership: r.textList(r.field(obj, 'leadership_examples', 'leadership'), at('leadership_examples')),
    budgetManaged: r.text(r.field(obj, 'budget_managed'), at('budget_managed')),
    teamSizeManaged: r.number(r.field(obj, 'team_size_managed'), at('team_size_managed')),
  };
}

/** `experience` as a list of roles; a text entry is an error because a role needs its fields. */
export function readExperience(r: FieldReader, value: unknown, path = 'experience'): Role[] {
  return r.objectList(value, path, (obj, at) => readRole(r, obj, at));
}

function readProject(r: FieldReader, obj: JsonObject, path: string): Project {
  r.checkKeys(obj, path, PROJECT_KEYS, PROJECT_ALIASES);
  const at = (key: string) => joinPath(path, key);
  return {
    name: r.text(r.field(obj, 'name', 'title'), at('name')),
    description: r.text(r.field(obj, 'description', 'summary'), at('description')),
    technologies: r.textList(r.field(obj, 'technologies', 'tech_stack', 'stack'), at('technologies')),
    impact: r.text(r.field(obj, 'impact', 'outcome'), at('impact')),
    githubUrl: r.text(r.field(obj, 'github_url', 'github', 'repository'), at('github_url')),
    liveDemo: r.text(r.field(obj, 'live_demo', 'demo', 'url'), at('live_demo')),
  };
}

/** `projects_portfolio` as a list of projects; a text entry is taken as a project's name. */
export function readProjects(r: FieldReader, value: unknown, path: string): Project[] {
  return r.objectList(
    value,
    path,
    (obj, at) => readProject(r, obj, at),
    (name) => ({ name, technologies: [] }),
  );
}
