/**
 * The facets of a profile: which chunks introduce the person, hold their current role, a STAR story, a weakness,
 * their goals... recognised from each chunk's labels (type, category, title, tags, section) and, more weakly, its
 * text, so the same rules hold for the workshop's `content_chunks` and for chunks derived from the sections. The
 * question-type table (question-types.ts) names the facets that answer each kind of question.
 */
import type { Chunk } from '../core/types.js';

export type Facet =
  | 'intro'
  | 'current_role'
  | 'experience'
  | 'star'
  | 'leadership'
  | 'weakness'
  | 'goals'
  | 'location'
  | 'education'
  | 'spoken_languages'
  | 'skills'
  | 'programming'
  | 'projects'
  | 'working_style'
  | 'learning'
  | 'hobbies'
  | 'contact'
  | 'salary';

interface FacetRule {
  /** Matched against the chunk's type, category, title, tags and section path. A match is a strong signal. */
  labels?: RegExp;
  /** Matched against the chunk's text. A weaker signal, used when no chunk's labels have the facet. */
  text?: RegExp;
}

const CURRENT = /\b(present|current|currently|now|ongoing|today)\b/i;

const FACET_RULES: Readonly<Record<Exclude<Facet, 'current_role'>, FacetRule>> = {
  intro: {
    labels: /\b(about me|about|introduction|intro|summary|bio|biography|overview|elevator pitch|profile|personal)\b/i,
  },
  experience: {
    labels: /\b(experience|work|works|job|jobs|role|roles|employment|career history|position|employer)\b/i,
  },
  star: {
    labels: /\b(star|achievements?|accomplishments?|challenges?|stor(y|ies)|impact|case study|incident|migration)\b/i,
    text: /\b(what i did|the result|as a result|which (cut|reduced|saved|increased|improved)|resulted in)\b/i,
  },
  leadership: {
    labels: /\b(leader(ship)?|lead|led|mentor(ing|ship)?|management|manager|coaching|team lead)\b/i,
    text: /\b(i led|i lead|led (a|the|five|four|three|two|six|\d+)|mentor(ed|ing)?|managed (a|the) team|team of \d+|coach(ed|ing)?)\b/i,
  },
  weakness: {
    labels: /\b(weakness(es)?|improvement|growth areas?|failures?|mistakes?|lessons?)\b/i,
    text: /\b(weakness|i'?m working on|i tend to|i used to struggle)\b/i,
  },
  goals: {
    labels: /\b(goals?|career goals|career_goals|ambitions?|aspirations?|future|next step|plans)\b/i,
  },
  location: {
    labels: /\b(location|relocation|remote|hybrid|work authori[sz]ation|visa|salary_location)\b/i,
  },
  education: {
    labels: /\b(education|university|degree|school|college|academic|thesis|studies)\b/i,
  },
  spoken_languages: {
    labels: /\b(spoken languages|languages spoken|language skills)\b/i,
    text: /\b(i speak|speak \w+ (fluently|natively)|fluent (in )?\w+|native \w+ speaker|bilingual|mother tongue|conversational \w+)\b/i,
  },
  skills: {
    labels: /\b(skills?|technical|stack|tools?|technolog(y|ies)|programming|cloud|databases?|devops|frameworks?)\b/i,
  },
  programming: {
    labels: /\b(programming|programming languages|languages|coding)\b/i,
  },
  projects: {
    labels: /\b(projects?|portfolio|side projects?|open source)\b/i,
  },
  working_style: {
    labels:
      /\b(soft skills?|working style|work style|how i work|values|personality|collaboration|communication|teamwork)\b/i,
  },
  learning: {
    labels: /\b(learning|certifications?|development|conferences?|courses?|training|reading|publications?)\b/i,
  },
  hobbies: {
    labels: /\b(hobb(y|ies)|interests|free time|outside work|personal life|fun)\b/i,
    text: /\b(in my (free|spare) time|outside (of )?work|at weekends|on weekends|for fun|hobby|hobbies)\b/i,
  },
  contact: {
    labels: /\b(contact|email)\b/i,
  },
  salary: {
    labels: /\b(salary|salaries|compensation|pay|remuneration)\b/i,
  },
};

/** What a chunk says it is (type, category, title): a facet named here is the chunk's topic. */
function primaryLabelsOf(chunk: Chunk): string {
  return [chunk.type, chunk.metadata.category, chunk.title].join(' | ');
}

function labelsOf(chunk: Chunk): string {
  const section = chunk.metadata.section[0] === 'content_chunks' ? [] : chunk.metadata.section;
  return [primaryLabelsOf(chunk), ...chunk.metadata.tags, ...section].join(' | ');
}

/**
 * For each facet, the chunks that have it, strongest first: chunks whose type, category or title name it, then those
 * whose tags or section do, then (only when no chunk's labels name it) chunks whose text says so. The current role is
 * the experience chunk labelled or dated as current, else the first experience chunk in the profile (profiles list
 * the latest role first).
 */
export function facetIndex(chunks: readonly Chunk[]): Map<Facet, Chunk[]> {
  const index = new Map<Facet, Chunk[]>();
  for (const [facet, rule] of Object.entries(FACET_RULES) as [Exclude<Facet, 'current_role'>, FacetRule][]) {
    const labels = rule.labels;
    const primary = labels ? chunks.filter((c) => labels.test(primaryLabelsOf(c))) : [];
    const secondary = labels ? chunks.filter((c) => !primary.includes(c) && labels.test(labelsOf(c))) : [];
    const byLabel = [...primary, ...secondary];
    const byText = byLabel.length === 0 && rule.text ? chunks.filter((c) => rule.text!.test(c.text)) : [];
    const found = byLabel.length > 0 ? byLabel : byText;
    if (found.length > 0) index.set(facet, found);
  }
  const roles = (index.get('experience') ?? []).filter((c) => !/\b(skills?|projects?)\b/i.test(c.type));
  const current = roles.filter((c) => CURRENT.test(labelsOf(c)) || CURRENT.test(firstLine(c.text)));
  const pick = current.length > 0 ? current.slice(0, 1) : roles.slice(0, 1);
  if (pick.length > 0) index.set('current_role', pick);
  return index;
}

/** The first sentence or so, where a derived role chunk states its dates ("Mar 2022 - Present"). */
function firstLine(text: string): string {
  return text.slice(0, 200);
}
