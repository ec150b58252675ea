/**
 * The prompt styles an arm may answer in, as one table (STYLE.md 13): each replaces the style line of the system
 * instructions (core/prompt.ts) and nothing else, so grounding, declining and the leak rules stay the same in every
 * arm. An operator's own style comes from a file (`prompt=file:<path>`).
 */
import { DEFAULT_STYLE } from '../prompt.js';
import type { PromptStyle } from './experiment.js';

export interface PromptVariant extends PromptStyle {
  meaning: string;
}

export const PROMPT_VARIANTS: readonly PromptVariant[] = [
  { name: 'default', text: DEFAULT_STYLE, meaning: 'warm, concise and specific: 2 to 5 sentences' },
  {
    name: 'brief',
    text: 'Be direct and brief: one to three sentences, plain text, no headings. Do not mention "the profile".',
    meaning: 'direct, one to three sentences',
  },
  {
    name: 'detailed',
    text:
      'Be warm and thorough: give concrete examples from the facts, usually 4 to 8 sentences, plain text, no ' +
      'headings. Do not mention "the profile".',
    meaning: 'thorough, with examples: 4 to 8 sentences',
  },
];

/** Longest style text a file may hold. why: the style line is sent with every question, so it costs every time. */
export const MAX_STYLE_CHARS = 1_000;

export const PROMPT_VARIANT_NAMES = PROMPT_VARIANTS.map((v) => v.name);

export function promptVariant(name: string): PromptVariant | undefined {
  return PROMPT_VARIANTS.find((v) => v.name === name.toLowerCase());
}
