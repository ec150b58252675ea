/**
 * The questions people ask a twin most, and the parts of a profile that answer them: one table (issue 12).
 *
 * A question of a known type ("What do you do now?", "Why should we hire you?", "Tell me about a time you...")
 * often shares no word with the chunk that answers it, so keyword or vector search alone misses it. Each type
 * names the facets of a profile that answer it, in order; chunk-facets.ts says how to recognise a chunk that has one from
 * the chunk's labels (type, category, title, tags, section) and, more weakly, its text. Both work for the
 * workshop's `content_chunks` (labels written by the author) and for chunks derived from the structured sections
 * (labels written by twinbot), so the table holds for any profile in the schema.
 *
 * Cues are regular expressions over the normalised question (lowercase words separated by single spaces, chat
 * shorthand spelled out, misspellings corrected: question-text.ts). Cues that use everyday words ("right now",
 * "based") include "you" or "your", so a question that is not about the person does not get a type.
 */
import { INTRODUCTION_TYPE } from '../core/types.js';
import type { Facet } from './chunk-facets.js';

export type { Facet } from './chunk-facets.js';

export interface QuestionType {
  type: string;
  /** How `twinbot search` names it. */
  label: string;
  cue: RegExp;
  /** The facets that answer it, most direct first. */
  facets: readonly Facet[];
  /**
   * Its cue words are also topic words ("experience", "tools", "projects"): it picks chunks only when the
   * question's words found nothing, so "How much Kubernetes experience...?" stays a question about Kubernetes.
   */
  broad?: boolean;
  /**
   * When it matches, the other types step aside: "How much do you earn at the moment?" is about pay, not the current
   * role, and when the owner keeps pay private there is no chunk for it, so nothing is offered as evidence.
   */
  exclusive?: boolean;
}

/** A word-bounded alternation over the normalised question. */
function cue(...alternatives: string[]): RegExp {
  return new RegExp(`(?:^| )(?:${alternatives.join('|')})(?= |$)`);
}

const YOU = '(?:you|yourself)';

export const QUESTION_TYPES: readonly QuestionType[] = [
  {
    type: INTRODUCTION_TYPE,
    label: 'introduction',
    cue: cue(
      `(?:tell|talk) (?:me|us)(?: \\w+){0,3} about ${YOU}`,
      'about yourself',
      'introduce yourself',
      'introduction',
      `who (?:are|r) ${YOU}`,
      'who you are',
      'your (?:background|story|bio|elevator pitch|profile)',
      'elevator pitch',
      'describe yourself',
      '(?:summary|summarize|summarise) (?:of )?(?:you|yourself|your career)',
      'walk (?:me|us) through your (?:background|career|resume|cv|experience)',
      'what should i know about you',
      'your deal',
      'what is your story',
    ),
    facets: ['intro', 'current_role'],
  },
  {
    type: 'current_role',
    label: 'current role',
    cue: cue(
      `what (?:do|are) you (?:actually |really |currently |mainly |mostly )?(?:do|doing|work on|working on)(?! (?:in|for|on|at|outside|with|when|after|during) (?:your )?(?:free|spare|fun|weekend|weekends|evenings|hobby|hobbies|time))`,
      'what is your (?:job|role|position|title|current role|current job|day job)',
      'current (?:role|job|position|title|company|employer|work|gig|team|responsibilities)',
      'you (?:currently|presently) (?:work|working|do|doing|employed)',
      `where (?:do|are) you (?:work|working|employed)`,
      'who do you work for',
      'who (?:is|s) your (?:employer|company)',
      'your (?:job|role|position|employer|company|day job|day to day)',
      'you do for (?:a living|work)',
      `(?:you|your) \\w+(?: \\w+){0,4} (?:right now|these days|nowadays|at the moment|currently)`,
    ),
    facets: ['current_role'],
  },
  {
    type: 'why_hire',
    label: 'why hire me',
    cue: cue(
      '(?:why|how come) (?:should|would|do|will|must|shall) (?:we|i|they|anyone|someone|a company|an employer|recruiters)(?: \\w+){0,3} (?:hire|pick|choose|select|consider|recruit|want)',
      'why (?:you|hire you)',
      'what makes you (?:stand out|different|unique|special|a good|a great|the right|qualified|the best|good)',
      'stand out',
      'sets? you apart',
      'what (?:value )?(?:can|would|will|do) you (?:bring|add|offer|contribute)',
      'value (?:you|would you|can you) (?:bring|add)',
      '(?:good|great|right|strong) fit',
      'convince (?:me|us)',
      'sell (?:yourself|me on)',
      'your (?:unique selling point|usp|value proposition|pitch)',
    ),
    facets: ['intro', 'star', 'skills', 'current_role'],
  },
  {
    type: 'career_change',
    label: 'career change',
    cue: cue(
      'why (?:did|do|would) you (?:leave|quit|switch|change|move|stop)',
      'how (?:did|do) you (?:get|go|move|switch|end up|make the (?:move|switch|jump)|transition|pivot)',
      'career (?:change|changes|switch|transition|changer|pivot)',
      'switch(?:ed|ing)? (?:to|from|into|careers|fields|industries)',
      'transition(?:ed|ing)?',
      'pivot(?:ed|ing)?',
      'what (?:got|brought|drew|led|made) you (?:into|to|choose|pick|go|move|swap|switch|leave)',
      'how (?:did )?(?:that|this|it) (?:happen|come about)',
      'ended up (?:in|as|at)',
      'from (?:\\w+ ){1,2}(?:to|into) (?:\\w+)',
    ),
    facets: ['intro', 'experience', 'goals'],
  },
  {
    type: 'strengths',
    label: 'strengths',
    cue: cue(
      'strengths?',
      'strongest',
      '(?:best|good|great|excellent) at',
      'excel (?:at|in)',
      'superpowers?',
      'expertise',
      'specialt(?:y|ies)',
      'speciali[sz](?:e|ed|ation)',
      'what are you known for',
    ),
    facets: ['skills', 'star', 'intro', 'working_style'],
  },
  {
    type: 'star',
    label: 'achievements and STAR stories',
    cue: cue(
      'hardest',
      'toughest',
      'trickiest',
      '(?:most )?(?:difficult|challenging|complex|interesting)',
      'challenges?',
      `(?:problem|problems|issue|bug|incident|outage)s? (?:you|you have|you ve) (?:solved|fixed|faced|tackled|handled|resolved)`,
      'proud(?:est)?',
      'achievements?',
      'accomplish(?:ment|ments|ed)',
      'biggest (?:win|success|impact|contribution|result)',
      '(?:a|an|one) (?:time|situation|example|moment|occasion) (?:when |where |that )?(?:you|your)',
      'a time (?:\\w+ ){0,3}(?:went|happened|broke|failed)',
      '(?:messiest|worst|biggest|nastiest) (?:\\w+ ){0,2}(?:mess|problem|problems|issue|issues|bug|incident|challenge)',
      'you (?:have |ve )?had to',
      'examples? of',
      'impact',
      'results? (?:you|did you)',
      'success stor(?:y|ies)',
    ),
    facets: ['star', 'projects', 'leadership'],
  },
  {
    type: 'leadership',
    label: 'leadership and mentoring',
    cue: cue(
      'lead(?:s|ing|er|ers|ership)?',
      'led',
      'manag(?:e|ed|es|er|ers|ing|ement)',
      'mentor(?:s|ed|ing|ship)?',
      'coach(?:ed|es|ing)?',
      'direct reports?',
      'supervis(?:e|ed|ing|or)',
      'people manager',
      'in charge',
      'charge of',
      'responsible for (?:a|the) team',
      'run (?:a|the) team',
      'ran (?:a|the) team',
      'onboard(?:ed|ing)?',
      'train(?:ed|ing)? (?:new|junior|others|people|staff|colleagues)',
    ),
    facets: ['leadership', 'star', 'working_style'],
  },
  {
    type: 'weakness',
    label: 'weaknesses and failures',
    cue: cue(
      'weakness(?:es)?',
      'weak (?:spots?|points?|areas?|sides?)',
      'fail(?:ed|ure|ures|ing)?',
      'mistakes?',
      'regrets?',
      'flaws?',
      'shortcomings?',
      'struggle(?:d|s)? (?:with)?',
      'improve on',
      '(?:areas?|things?) (?:of|for|to) (?:growth|improvement|development|improve)',
      'growth areas?',
      'blind spots?',
      'what went wrong',
      'went (?:badly|wrong|poorly)',
      'lessons? learn(?:ed|t)',
      'something you (?:are|re) not good at',
    ),
    facets: ['weakness', 'working_style', 'star'],
  },
  {
    type: 'goals',
    label: 'goals and next role',
    cue: cue(
      'goals?',
      'next (?:role|job|step|steps|move|position|chapter|challenge|opportunity)',
      '(?:are|you) (?:looking|searching) for',
      'looking for in',
      `want(?:ing)? to (?:do|be|go|work|move|grow|get|become|learn)`,
      'see yourself',
      '(?:five|5|ten|10|three|3|two|2|few|couple of|next few) (?:years|yrs)',
      '(?:further|looking) ahead',
      'like to (?:be|do|work|move|go|grow|become)',
      'industr(?:y|ies)',
      'future',
      'ambitions?',
      'aspir(?:e|ation|ations)',
      'career (?:plans?|path|direction)',
      'long term',
      'short term',
      'what is next',
      'seeking',
      'dream (?:job|role)',
      'why (?:are you )?(?:leaving|looking|changing)',
      'open to (?:new )?(?:roles|opportunities|offers)',
    ),
    facets: ['goals', 'location'],
  },
  {
    type: 'location',
    label: 'location and relocation',
    cue: cue(
      'relocat(?:e|ed|ing|ion)',
      'remote(?:ly)?',
      'hybrid',
      'on ?site',
      'in (?:the )?office',
      `where (?:are|do|r) (?:you|your) (?:based|live|living|located|from|family)`,
      'you (?:based|located)',
      'move to',
      'moving to',
      'visa',
      'sponsor(?:ship)?',
      'work authori[sz]ation',
      'time ?zones?',
      'commute',
      'travel',
    ),
    facets: ['location'],
  },
  {
    type: 'education',
    label: 'education',
    cue: cue(
      'stud(?:y|ied|ies|ying)',
      'degrees?',
      'universit(?:y|ies)',
      'uni',
      'college',
      'school',
      'educat(?:ion|ed)',
      'graduat(?:e|ed|ion)',
      'thesis',
      'dissertation',
      'major(?:ed)?',
      'gpa',
      'grades',
      'diploma',
      'bachelor(?:s)?',
      'masters?',
      'phd',
      'academic',
      'course ?work',
      'qualifications?',
    ),
    facets: ['education', 'learning'],
  },
  {
    type: 'spoken_languages',
    label: 'languages spoken',
    cue: cue(
      `languages? (?:do|can|does) (?:you|your) (?:speak|know)`,
      '(?:which|what) languages',
      'speak(?:s|ing)?',
      'spoken languages?',
      'fluent(?:ly)?',
      'bilingual',
      'multilingual',
      'native (?:language|tongue|speaker)',
      'mother tongue',
      'foreign languages?',
    ),
    facets: ['spoken_languages', 'intro'],
  },
  {
    type: 'programming',
    label: 'programming languages',
    cue: cue(
      'programming',
      'coding',
      'code in',
      '(?:best|main|primary|favou?rite|strongest|go to|preferred) (?:programming )?languages?',
      '(?:which|what) languages',
      'languages? (?:do|can) you (?:code|program|write|use)',
    ),
    facets: ['programming', 'skills'],
  },
  {
    type: 'stack',
    label: 'tools and stack',
    cue: cue(
      '(?:tech )?stacks?',
      'tools?',
      'tooling',
      'technolog(?:y|ies)',
      'tech',
      'frameworks?',
      'libraries',
      'platforms?',
      'databases?',
      'cloud',
      'what do you use',
      'technical skills?',
      'hard skills?',
      'skills?',
      'skillset',
    ),
    facets: ['skills', 'programming', 'current_role'],
    broad: true,
  },
  {
    type: 'working_style',
    label: 'working style',
    cue: cue(
      'work(?:ing)? style',
      'how (?:do|would) you (?:work|approach|collaborate|communicate|handle|deal)',
      'how you work',
      'team ?player',
      'collaborat(?:e|ion|ive)',
      'communicat(?:e|ion|or)',
      'personality',
      'colleagues?(?: \\w+){0,2} (?:describe|say|think)',
      '(?:describe|describes) you',
      '(?:management|leadership|communication|working) style',
      'under pressure',
      'handle (?:feedback|conflict|stress|disagreement|criticism|pressure)',
      'conflicts?',
      'disagree(?:ment|ments)?',
      'values',
      'soft skills?',
      'what are you like',
      'work with others',
    ),
    facets: ['working_style', 'leadership', 'weakness'],
  },
  {
    type: 'projects',
    label: 'projects',
    cue: cue(
      'projects?',
      'side projects?',
      'portfolio',
      'built',
      'build',
      'shipped',
      'open source',
      'github',
      'made',
      'created',
    ),
    facets: ['projects', 'star'],
    broad: true,
  },
  {
    type: 'learning',
    label: 'learning and certifications',
    cue: cue(
      'learn(?:ing|ed|t)?',
      'certif(?:ied|icate|icates|ication|ications)',
      'courses?',
      'training',
      'conferences?',
      'reading',
      'upskill(?:ing)?',
      'keep up',
      'talks?',
      'publications?',
      'blog',
    ),
    facets: ['learning', 'goals'],
    broad: true,
  },
  {
    type: 'hobbies',
    label: 'hobbies and life outside work',
    cue: cue(
      'free time',
      'spare time',
      'hobb(?:y|ies)',
      'outside (?:of )?work',
      'for fun',
      'weekends?',
      'interests',
      'passions?',
      'passionate about',
    ),
    facets: ['hobbies', 'intro'],
  },
  {
    type: 'experience',
    label: 'work experience',
    cue: cue(
      'experience',
      'worked',
      'career',
      'background',
      '(?:previous|past|earlier|last|first|other) (?:job|jobs|role|roles|company|companies|employer|employers|positions?)',
      'before that',
      'employment',
      'work history',
      'resume',
      'cv',
    ),
    facets: ['experience', 'current_role'],
    broad: true,
  },
  {
    type: 'compensation',
    label: 'salary and pay',
    cue: cue(
      'salary',
      'salaries',
      'compensation',
      'pay',
      'paid',
      'earn(?:s|ing|ings)?',
      'make (?:a year|per year|an hour|per hour)',
      'how much (?:do|did|would|will) you (?:make|earn|charge|cost|want|expect|ask)',
      '(?:day|hourly|daily) rate',
      'wages?',
      'income',
      'remuneration',
      'bonus',
    ),
    facets: ['salary'],
    exclusive: true,
  },
  {
    type: 'contact',
    label: 'contact',
    cue: cue('contact', 'reach (?:you|out)', 'email', 'linkedin', 'get in touch', 'connect with you', 'phone'),
    facets: ['contact'],
  },
];

/**
 * The words the cues use, so a misspelling of one ("experiance", "strenghts") is corrected to it: every whole word
 * of five letters or more in a cue (not a stem followed by a group, like "relocat(e|ion)"), and the forms of the
 * stems people type.
 */
export const CAREER_WORDS: readonly string[] = [
  ...new Set([
    ...QUESTION_TYPES.flatMap((t) => t.cue.source.match(/(?<![a-z])[a-z]{5,}(?![a-z(?[])/g) ?? []),
    ...(
      'experience experienced strength strengths weaknesses weakness achievement achievements accomplishment ' +
      'challenge challenges challenging difficult leadership management manager mentoring mentor languages ' +
      'language programming education university college school degree graduated studied projects project ' +
      'portfolio career goals relocate relocation remote skills technologies technology tools favourite favorite ' +
      'yourself background hardest toughest proudest biggest company companies employer looking future position ' +
      'currently current describe introduce certifications certification conferences conference professional ' +
      'hobbies interests colleagues teamwork collaborate communication database databases framework frameworks ' +
      'production presented present python kubernetes javascript typescript analytics dashboards'
    ).split(' '),
  ]),
];

/** The types whose cue the normalised question matches, in table order (only the exclusive one when one matches). */
export function questionTypesOf(normalizedQuestion: string): QuestionType[] {
  const types = QUESTION_TYPES.filter((t) => t.cue.test(normalizedQuestion));
  const exclusive = types.find((t) => t.exclusive);
  return exclusive ? [exclusive] : types;
}
