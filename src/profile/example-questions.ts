/**
 * A few questions the profile can answer, for the console banner and the hint after a bare mention. Each is offered
 * only when some chunk covers its topic, so the examples never lead to "that isn't in my profile".
 */
import type { Chunk } from '../core/types.js';
import type { WorkshopProfile } from './workshop-profile.js';

const PRESENT = /\b(present|current|now|ongoing|today)\b/i;

interface Topic {
  /** Matched against each chunk's type, category, title and tags. */
  label: RegExp;
  question: (profile: WorkshopProfile, chunks: readonly Chunk[]) => string;
}

function labels(chunk: Chunk): string {
  return [chunk.type, chunk.metadata.category, chunk.title, ...chunk.metadata.tags].join(' | ');
}

/** "What do you do at Northwind?" when a chunk names the latest company, else a general work question. */
function workQuestion(profile: WorkshopProfile, chunks: readonly Chunk[]): string {
  const latest = profile.experience.find((role) => role.company);
  if (latest?.company && chunks.some((c) => c.text.includes(latest.company!))) {
    const current = !latest.duration || PRESENT.test(latest.duration);
    return current ? `What do you do at ${latest.company}?` : `What did you do at ${latest.company}?`;
  }
  return 'Where have you worked?';
}

const TOPICS: Topic[] = [
  { label: /\b(experience|work|jobs?|employment|roles?)\b/i, question: workQuestion },
  { label: /\b(projects?|portfolio)\b/i, question: () => "Tell me about a project you're proud of." },
  {
    label: /\b(education|stud(y|ied|ies)|universit(y|ies)|degree|school|college)\b/i,
    question: () => 'Where did you study?',
  },
  { label: /\bprogramming\b/i, question: () => 'Which programming languages do you know?' },
  { label: /\b(leader\w*|led|lead|mentor\w*)\b/i, question: () => 'Tell me about a time you led a team.' },
  { label: /\b(goals?|aspirations?|ambitions?)\b/i, question: () => 'What are your career goals?' },
  { label: /\b(skills?|technical)\b/i, question: () => 'What are your strongest technical skills?' },
];

const FALLBACKS = ['Who are you?', "What's your name?", 'Can you introduce yourself?'];

/** 3 to 5 questions, most useful first. */
export function exampleQuestions(profile: WorkshopProfile, chunks: readonly Chunk[]): string[] {
  const questions: string[] = [];
  for (const topic of TOPICS) {
    if (questions.length >= 5) break;
    if (chunks.some((chunk) => topic.label.test(labels(chunk)))) questions.push(topic.question(profile, chunks));
  }
  for (const fallback of FALLBACKS) {
    if (questions.length >= 3) break;
    questions.push(fallback);
  }
  return questions;
}
