/**
 * Honest profile checks: empty sections leave no heading behind, and the rating says how much a profile gives the
 * twin to say (on the sample, the workshop template, an empty-sections profile and the starter), and what to add in
 * the template's own field names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TwinProfile } from '../../src/core/types.js';
import { loadProfile } from '../../src/profile/load-profile.js';
import { parseProfile } from '../../src/profile/parse-profile.js';
import { rateProfile, ratingVerdict } from '../../src/profile/rate-profile.js';
import { starterProfile } from '../../src/profile/starter-profile.js';
import { EmbeddedProfileRetriever } from '../../src/retrieval/embedded-profile-retriever.js';

const fixture = (name: string) => new URL(`../fixtures/profiles/${name}`, import.meta.url).pathname;
const SAMPLE = new URL('../../profiles/sample.json', import.meta.url).pathname;

const rate = (profile: TwinProfile) => rateProfile(profile, new EmbeddedProfileRetriever(profile.chunks));

/** A label with nothing after it: "Technical skills:" at the end of a line, or followed by a bare full stop. */
const EMPTY_HEADING = /:\s*($|[.;,])/m;

describe('empty sections', () => {
  it('an empty skills list gives no "My skills, by area: Technical skills:"', () => {
    for (const skills of [{ technical: [] }, { technical: {}, frontend: [] }, { technical: [''] }]) {
      const { profile } = parseProfile({ personal: { name: 'Sam Empty' }, skills }, 'skills.json');
      assert.deepEqual(
        profile.chunks.map((c) => c.id),
        ['personal'],
        JSON.stringify(skills),
      );
      assert.ok(!profile.exampleQuestions.some((q) => /skills/.test(q)), 'no example question about skills');
    }
  });

  it('a profile whose sections are all present but empty renders no heading without content', async () => {
    const { profile } = await loadProfile(fixture('empty-sections.json'));
    for (const chunk of profile.chunks) assert.doesNotMatch(chunk.text, EMPTY_HEADING, chunk.id);
    assert.deepEqual(
      profile.chunks.map((c) => c.id),
      ['personal', 'experience-quillworks'],
    );
  });

  it('the sample and the workshop template have no empty heading either', async () => {
    for (const path of [SAMPLE, fixture('workshop-template.json')]) {
      const { profile } = await loadProfile(path);
      for (const chunk of profile.chunks) assert.doesNotMatch(chunk.text, EMPTY_HEADING, `${path} ${chunk.id}`);
    }
  });
});

describe('rateProfile', () => {
  it('the sample profile: every area filled, every example question answered', async () => {
    const rating = await rate((await loadProfile(SAMPLE)).profile);
    assert.equal(rating.level, 'good');
    assert.equal(rating.chunks, 16);
    assert.equal(rating.filled, 6);
    assert.equal(rating.answered, 6);
    assert.deepEqual(rating.toAdd, []);
    assert.equal(ratingVerdict(rating), 'gives the twin plenty to say');
    assert.match(rating.summary, /^6 of 6 areas filled, 16 chunks \(\d+ words of its own\); 6 of 6 example questions/);
  });

  it('the workshop template (no content_chunks) rates good too', async () => {
    const rating = await rate((await loadProfile(fixture('workshop-template.json'))).profile);
    assert.equal(rating.level, 'good');
    assert.equal(rating.filled, 6);
    assert.equal(rating.answered, 6);
  });

  it('an empty-sections profile is thin, and what to add is said in the template words', async () => {
    const rating = await rate((await loadProfile(fixture('empty-sections.json'))).profile);
    assert.equal(rating.level, 'thin');
    assert.equal(rating.filled, 0);
    assert.ok(rating.answered < 6);
    assert.match(
      ratingVerdict(rating),
      /^gives the twin little to say: little or nothing yet on who you are, experience, skills, .*, career goals$/,
    );
    const adds = rating.toAdd.join('\n');
    for (const words of [
      'experience[]: company, title, duration',
      'achievements_star stories (situation, task, action, result)',
      'skills.technical: programming_languages (language, years, proficiency, frameworks)',
      'projects_portfolio[]: name, description, technologies, impact',
      'education: university, degree, graduation_year',
      'career_goals: short_term, long_term',
      'content_chunks[]',
    ]) {
      assert.ok(adds.includes(words), words);
    }
  });

  it('a profile with half its areas is partial and names only the missing ones', async () => {
    const { profile } = await loadProfile(fixture('real-world-variations.json'));
    const rating = await rate(profile);
    assert.equal(rating.level, 'partial');
    assert.equal(rating.toAdd.length, 6 - rating.filled);
    assert.ok(!rating.toAdd.some((a) => a.startsWith('content_chunks') || a.startsWith('or content_chunks')));
  });

  it('the starter that `profile init` writes loads, answers, and counts as not filled in until edited', async () => {
    const json = starterProfile('Ada Quill') as { education: { university: string } };
    const { profile } = parseProfile(json, 'digitaltwin.json');
    const found = await new EmbeddedProfileRetriever(profile.chunks).retrieve('Where did you study?', { topK: 3 });
    assert.equal(found[0]?.chunk.id, 'education');
    const untouched = await rate(profile);
    assert.equal(untouched.filled, 0);
    assert.equal(untouched.level, 'thin');
    json.education.university = 'Aldermoor University, where I studied computer science and wrote a compiler';
    const edited = await rate(parseProfile(json, 'digitaltwin.json').profile);
    assert.deepEqual(
      edited.areas.filter((a) => a.filled).map((a) => a.name),
      ['education'],
    );
  });
});
