/**
 * Suggested prompts for a new assistant thread (the app's DM / agent view): the profile's example questions, so a
 * person sees at once what the twin can answer. Slack takes at most four, each a short title and the message sent.
 */
import type { TwinProfile } from '../../core/types.js';

export interface SuggestedPrompt {
  title: string;
  message: string;
}

/** why: Slack shows at most four suggested prompts in a thread. */
const MAX_PROMPTS = 4;
/** why: the title is a chip in the composer; long ones are cut there, so they are kept short here. */
const TITLE_CHARS = 40;

function titleOf(question: string): string {
  const q = question.replace(/\s+/g, ' ').trim();
  if (q.length <= TITLE_CHARS) return q;
  const cut = q.slice(0, TITLE_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** The prompts and their heading for `profile`; none when the profile offers no example questions. */
export function suggestedPrompts(profile: Pick<TwinProfile, 'name' | 'exampleQuestions'>): {
  title: string;
  prompts: SuggestedPrompt[];
} {
  const questions = [...new Set(profile.exampleQuestions.map((q) => q.trim()).filter((q) => q !== ''))];
  return {
    title: 'Things you can ask me',
    prompts: questions.slice(0, MAX_PROMPTS).map((q) => ({ title: titleOf(q), message: q })),
  };
}
