import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadProfile } from '../../src/profile/load-profile.js';
import { facetIndex } from '../../src/retrieval/chunk-facets.js';
import { QuestionNormalizer } from '../../src/retrieval/question-text.js';
import { CAREER_WORDS, QUESTION_TYPES, questionTypesOf } from '../../src/retrieval/question-types.js';

const normalizer = new QuestionNormalizer(CAREER_WORDS);
const typesOf = (question: string) => questionTypesOf(normalizer.normalize(question)).map((t) => t.type);
const sample = new URL('../../profiles/sample.json', import.meta.url).pathname;
const template = new URL('../fixtures/profiles/workshop-template.json', import.meta.url).pathname;

describe('question types', () => {
  const cases: [string, string][] = [
    ['What do you do now?', 'current_role'],
    ['so what do you actually do all day', 'current_role'],
    ["What's your current job?", 'current_role'],
    ['Tell me a bit about yourself.', 'introduction'],
    ['who r u', 'introduction'],
    ['Why should we hire you?', 'why_hire'],
    ['What makes you stand out from other candidates?', 'why_hire'],
    ["What's the hardest technical problem you've solved?", 'star'],
    ['Tell me about a time you disagreed with your manager', 'star'],
    ['Have you ever mentored junior engineers?', 'leadership'],
    ['wat r ur biggest weaknesess', 'weakness'],
    ['What are you looking for in your next role?', 'goals'],
    ['Where do you see yourself in 5 yrs?', 'goals'],
    ['Would you relocate?', 'location'],
    ['Where did you go to uni?', 'education'],
    ['What languages do you speak?', 'spoken_languages'],
    ["What's your strongest programming language?", 'programming'],
    ['How would your colleagues describe your working style?', 'working_style'],
    ['Why did you leave nursing?', 'career_change'],
    ['What do you do in your free time?', 'hobbies'],
    ['tell me about ur experiance', 'experience'],
  ];
  for (const [question, type] of cases) {
    test(`"${question}" is a ${type} question`, () => {
      assert.ok(typesOf(question).includes(type), `got ${typesOf(question).join(', ') || 'none'}`);
    });
  }

  test('questions that are not about a person get no type', () => {
    for (const question of [
      'What is the capital of Australia?',
      'How do I bake sourdough bread?',
      'Which stock should I buy right now?',
      "What's the weather like in Paris?",
    ]) {
      assert.deepEqual(typesOf(question), [], question);
    }
  });

  test('"what do you do in your free time" is about hobbies, not the current role', () => {
    assert.ok(!typesOf('What do you do in your free time?').includes('current_role'));
  });

  test('a question about pay is only about pay, so a hidden salary leaves nothing to offer', async () => {
    assert.deepEqual(typesOf('How much do you earn at the moment?'), ['compensation']);
    const { profile } = await loadProfile(sample);
    assert.equal(facetIndex(profile.chunks).get('salary'), undefined, 'salary is hidden by default');
  });

  test('every type names facets, and every cue compiles to a word-bounded pattern', () => {
    for (const type of QUESTION_TYPES) {
      assert.ok(type.facets.length > 0, type.type);
      assert.ok(!type.cue.test('zzzz qqqq'), type.type);
    }
  });
});

describe('misspellings and chat shorthand', () => {
  test('are spelled out and corrected towards the career vocabulary', () => {
    assert.equal(normalizer.normalize('wat r ur strenghts?'), 'what are your strengths');
    assert.equal(normalizer.normalize('tell me abt ur experiance'), 'tell me about your experience');
    assert.equal(normalizer.normalize("how'd that happen"), 'how did that happen');
  });

  test('short words and words far from any known word are left alone', () => {
    assert.equal(normalizer.normalize('thing footballer sourdough'), 'thing footballer sourdough');
  });

  test("the profile's own long words correct typos of its tools", () => {
    const withProfile = new QuestionNormalizer(CAREER_WORDS, 'I run Kubernetes in production.');
    assert.equal(withProfile.normalize('kubernates in producton'), 'kubernetes in production');
  });
});

describe('facets of a profile', () => {
  test('content_chunks (author labels): the current role, the introduction, STAR stories, weaknesses', async () => {
    const { profile } = await loadProfile(sample);
    const facets = facetIndex(profile.chunks);
    assert.deepEqual(
      facets.get('current_role')?.map((c) => c.id),
      ['chunk_002'],
    );
    assert.equal(facets.get('intro')?.[0]?.id, 'chunk_001');
    assert.deepEqual(
      facets
        .get('star')
        ?.map((c) => c.id)
        .slice(0, 2),
      ['chunk_003', 'chunk_004'],
    );
    assert.equal(facets.get('education')?.[0]?.id, 'chunk_010');
    assert.equal(facets.get('goals')?.[0]?.id, 'chunk_013');
  });

  test('derived chunks (no content_chunks): the role dated "Present", one chunk per STAR story', async () => {
    const { profile } = await loadProfile(template);
    const facets = facetIndex(profile.chunks);
    assert.deepEqual(
      facets.get('current_role')?.map((c) => c.id),
      ['experience-harborline-payments'],
    );
    assert.ok(facets.get('star')?.some((c) => c.id === 'experience-harborline-payments-story-1'));
    assert.equal(facets.get('weakness')?.[0]?.id, 'interview-weaknesses');
    assert.equal(facets.get('education')?.[0]?.id, 'education');
    assert.equal(facets.get('projects')?.[0]?.id, 'project-ledgerlight');
  });
});
