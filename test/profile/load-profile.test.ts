import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isTwinError } from '../../src/core/errors.js';
import { formatSize, loadProfile } from '../../src/profile/load-profile.js';
import { ProfileError } from '../../src/profile/profile-error.js';

const fixture = (name: string) => new URL(`../fixtures/profiles/${name}`, import.meta.url).pathname;
const SAMPLE = new URL('../../profiles/sample.json', import.meta.url).pathname;
const FIRST_PERSON = /\b(I|I'm|I've|my|me)\b/;

/** Runs `fn`, expecting a ProfileError, and returns it. */
async function profileError(fn: () => Promise<unknown>): Promise<ProfileError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ProfileError, `expected a ProfileError, got ${String(err)}`);
    assert.ok(isTwinError(err));
    assert.equal(err.code, 'profile');
    return err;
  }
  assert.fail('expected the profile to be refused');
}

describe('loadProfile: the sample profile', () => {
  it('loads with 14-18 content chunks, salary hidden by default', async () => {
    const { profile, warnings, notices } = await loadProfile(SAMPLE);
    assert.equal(profile.name, 'Talia Brennock');
    assert.equal(profile.title, 'Senior Platform Engineer');
    assert.ok(profile.chunks.length >= 14 && profile.chunks.length <= 18, `${profile.chunks.length} chunks`);
    assert.ok(profile.chunks.every((c) => /^chunk_\d{3}$/.test(c.id)));
    assert.ok(profile.chunks.every((c) => c.metadata.section[0] === 'content_chunks'));
    assert.ok(!profile.chunks.some((c) => c.text.includes('78,000') || c.type === 'salary'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(notices, ['salary sharing is off, so content_chunks about salary are left out: chunk_017']);
  });

  it('has first-person chunks of 40-70 words that cover the questions people ask', async () => {
    const { profile } = await loadProfile(SAMPLE, { shareSalary: true });
    for (const chunk of profile.chunks) {
      const words = chunk.text.split(/\s+/).length;
      assert.ok(words >= 40 && words <= 70, `${chunk.id} has ${words} words`);
      assert.match(chunk.text, FIRST_PERSON, chunk.id);
    }
    const of = (type: string) => profile.chunks.filter((c) => c.type === type);
    assert.ok(of('education')[0]?.text.includes('University of Aldermoor'));
    assert.ok(profile.chunks.some((c) => c.metadata.tags.includes('Kubernetes') && /CKA/.test(c.text)));
    assert.ok(of('leadership')[0]?.text.includes('I led five engineers'));
    assert.ok(of('goals')[0]?.text.includes('staff engineer'));
    assert.ok(profile.chunks.some((c) => /Go.*Python.*TypeScript.*Rust/s.test(c.text)));
    assert.ok(of('project').length >= 2);
    assert.ok(of('salary')[0]?.text.includes('€78,000'), 'shareSalary shows the salary chunk');
  });

  it('offers 3-5 example questions', async () => {
    const { profile } = await loadProfile(SAMPLE);
    assert.ok(profile.exampleQuestions.length >= 3 && profile.exampleQuestions.length <= 5);
    assert.equal(profile.exampleQuestions[0], 'What do you do at Kestrel Freightworks?');
    assert.ok(profile.exampleQuestions.includes('Where did you study?'));
  });
});

describe('loadProfile: the workshop template (no content_chunks)', () => {
  it('derives a first-person chunk per section, and one per STAR story, with stable ids', async () => {
    const { profile, warnings } = await loadProfile(fixture('workshop-template.json'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      profile.chunks.map((c) => c.id),
      [
        'personal',
        'experience-harborline-payments',
        'experience-harborline-payments-story-1',
        'experience-tussock-software',
        'experience-tussock-software-story-1',
        'skills-languages',
        'skills-platforms',
        'skills-soft-certifications',
        'project-ledgerlight',
        'education',
        'career-goals',
        'professional-development',
        'interview-weaknesses',
        'location',
        'contact',
      ],
    );
    for (const chunk of profile.chunks) {
      assert.match(chunk.text, FIRST_PERSON, chunk.id);
      assert.ok(chunk.text.length > 40 && chunk.text.length <= 1500, chunk.id);
    }
    const byId = new Map(profile.chunks.map((c) => [c.id, c]));
    const role = byId.get('experience-harborline-payments')!;
    assert.equal(role.title, 'Experience at Harborline Payments');
    assert.deepEqual(role.metadata.section, ['experience', '0']);
    assert.match(
      role.text,
      /^I have been working at Harborline Payments as a Senior Backend Engineer since Feb 2021\./,
    );
    assert.match(role.text, /I managed a team of 4 people\./);
    const story = byId.get('experience-harborline-payments-story-1')!;
    assert.match(story.text, /^A story from my time at Harborline Payments: .*My task: make reconciliation reliable/);
    assert.deepEqual(story.metadata.section, ['experience', '0', 'achievements_star', '0']);
    assert.ok(story.metadata.tags.includes('STAR'));
    assert.match(story.title, /\(Harborline Payments\)$/);
    assert.match(
      byId.get('experience-tussock-software')!.text,
      /^I worked at Tussock Software as a Junior Developer from Mar 2019 to Jan 2021\./,
    );
    assert.match(
      byId.get('skills-languages')!.text,
      /I've used Kotlin for 4 years \(Advanced\), with Ktor and Exposed\./,
    );
    assert.match(
      byId.get('education')!.text,
      /^I studied at Kaiwhiri Institute of Technology, where I earned a Bachelor of Software Engineering, graduating in 2018\./,
    );
    assert.match(byId.get('location')!.text, /I'd rather not relocate\./);
    assert.match(byId.get('contact')!.text, /mateo\.lindqvist@example\.org/);
    assert.ok(!profile.chunks.some((c) => c.text.includes('118,000')), 'salary stays hidden');
  });

  it('includes salary only with shareSalary, contact only with shareContact', async () => {
    const shared = await loadProfile(fixture('workshop-template.json'), { shareSalary: true, shareContact: false });
    const ids = shared.profile.chunks.map((c) => c.id);
    assert.ok(ids.includes('salary'));
    assert.ok(!ids.includes('contact'));
    assert.match(shared.profile.chunks.find((c) => c.id === 'salary')!.text, /NZD 118,000/);
  });
});

describe('loadProfile: small and unusual files', () => {
  it('loads a profile with only personal.name', async () => {
    const { profile, warnings } = await loadProfile(fixture('minimal.json'));
    assert.equal(profile.name, 'Ada Quill');
    assert.equal(profile.title, undefined);
    assert.deepEqual(
      profile.chunks.map((c) => [c.id, c.text]),
      [['personal', "I'm Ada Quill."]],
    );
    assert.equal(profile.exampleQuestions.length, 3);
    assert.deepEqual(warnings, []);
  });

  it('accepts numbers as strings, "yes" booleans, single strings as lists and education as a list', async () => {
    const { profile, warnings } = await loadProfile(fixture('string-numbers.json'));
    assert.deepEqual(warnings, []);
    const text = (id: string) => profile.chunks.find((c) => c.id === id)?.text ?? '';
    assert.match(text('experience-stringfield-analytics'), /for 3 years\. I managed a team of 4 people\./);
    assert.match(text('experience-stringfield-analytics'), /Technologies I used there: Airflow\./);
    assert.match(text('skills-languages'), /I've used Python for 5 years \(Advanced\), with Pandas\./);
    assert.match(text('skills-platforms'), /Snowflake/);
    assert.match(
      text('education'),
      /Osterby University, where I earned an MSc Data Science, graduating in 2019\. My GPA: 3\.8\./,
    );
    assert.match(text('education'), /Kellan College, where I earned a BSc Mathematics, graduating in 2017\./);
    assert.match(text('location'), /I'm open to relocating\./);
  });

  it('accepts shapes seen in real workshop files', async () => {
    const { profile, warnings } = await loadProfile(fixture('real-world-variations.json'));
    assert.deepEqual(warnings, []);
    const text = (id: string) => profile.chunks.find((c) => c.id === id)?.text ?? '';
    assert.equal(profile.title, 'Full-Stack Developer');
    assert.match(text('personal'), /I build fast, accessible web apps\./);
    assert.match(text('experience-mossgate-digital'), /since Jan 2023\./);
    assert.match(text('experience-mossgate-digital-story-1'), /Rebuilt the checkout in React/);
    assert.match(text('project-tidy-tabs'), /One of my projects is Tidy Tabs: a browser extension/);
    assert.match(text('skills-other'), /Frontend: React and Tailwind CSS\. Backend: Node\.js and Express\./);
    assert.match(text('education'), /Brackwater Polytechnic.*\n\nI studied at Hollin High School/s);
    assert.match(text('professional-development'), /Web Accessibility Specialist/);
    assert.ok(!text('contact').includes('+00'), 'only the documented contact fields are shared');
  });

  it('warns about a misspelt section and keeps loading', async () => {
    const { profile, warnings } = await loadProfile(fixture('misspelt-section.json'));
    assert.deepEqual(warnings, [
      "unknown section 'experiance' (did you mean 'experience'?)",
      "unknown section 'educaton' (did you mean 'education'?)",
    ]);
    assert.equal(profile.name, 'Sol Typo');
    assert.ok(profile.chunks.some((c) => c.id === 'career-goals'));
  });

  it('warns about an empty chunk and skips it', async () => {
    const { profile, warnings } = await loadProfile(fixture('empty-chunk.json'));
    assert.deepEqual(
      profile.chunks.map((c) => c.id),
      ['chunk_001', 'chunk_003'],
    );
    assert.deepEqual(warnings, ["content_chunks[1] ('chunk_002') has no content; it is skipped"]);
  });
});

describe('loadProfile: broken files name the file and the field', () => {
  it('lists every wrong type in one error', async () => {
    const path = fixture('wrong-types.json');
    const err = await profileError(() => loadProfile(path));
    assert.deepEqual(err.problems, [
      'personal.summary must be text, got an object',
      'salary_location.relocation_willing must be true or false, got "maybe"',
      'experience[2].team_size_managed must be a number, got "lots"',
      'skills.technical.programming_languages[0].years must be a number, got "many"',
      'projects_portfolio must be a list, got true',
      'content_chunks must be a list, got an object',
    ]);
    assert.ok(err.message.startsWith(`${path} has 6 problems:\n`));
    assert.ok(err.message.includes('  - experience[2].team_size_managed must be a number, got "lots"'));
  });

  it('names a missing personal.name', async () => {
    const path = fixture('missing-name.json');
    const err = await profileError(() => loadProfile(path));
    assert.equal(err.message, `${path}: personal.name is missing`);
  });

  it('reports invalid JSON with line and column', async () => {
    const path = fixture('not-json.json');
    const err = await profileError(() => loadProfile(path));
    assert.match(
      err.message,
      /not-json\.json is not valid JSON \(line 5, column 3: .+; is there a trailing comma before it\?\)$/,
    );
  });

  it('names both positions of a duplicate chunk id', async () => {
    const err = await profileError(() => loadProfile(fixture('duplicate-chunk-ids.json')));
    assert.match(
      err.message,
      /duplicate-chunk-ids\.json: content_chunks\[2\]\.id 'chunk_002' repeats content_chunks\[1\]\.id/,
    );
  });

  it('reports a missing file', async () => {
    const err = await profileError(() => loadProfile('profiles/does-not-exist.json'));
    assert.equal(err.message, 'profiles/does-not-exist.json was not found');
  });

  describe('files on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinbot-profile-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a file over the size limit before reading it', async () => {
      const path = join(dir, 'huge.json');
      writeFileSync(path, '{');
      truncateSync(path, Math.round(10.4 * 1024 * 1024)); // sparse: the size is real, the disk stays empty
      const err = await profileError(() => loadProfile(path));
      assert.equal(err.message, `${path} is 10.4 MB; a profile may be at most 2 MB`);
    });

    it('honours a custom size limit', async () => {
      const path = join(dir, 'small-limit.json');
      writeFileSync(path, JSON.stringify({ personal: { name: 'A' }, padding: 'x'.repeat(3000) }).padEnd(3072));
      const err = await profileError(() => loadProfile(path, { maxBytes: 2048 }));
      assert.equal(err.message, `${path} is 3 kB; a profile may be at most 2 kB`);
    });

    it('reports a directory and an empty file', async () => {
      const dirErr = await profileError(() => loadProfile(dir));
      assert.equal(dirErr.message, `${dir} is a directory, not a profile file`);
      const empty = join(dir, 'empty.json');
      writeFileSync(empty, '\n');
      const emptyErr = await profileError(() => loadProfile(empty));
      assert.match(emptyErr.message, /empty\.json is empty/);
    });

    it('ignores a byte-order mark', async () => {
      const path = join(dir, 'bom.json');
      writeFileSync(path, `\uFEFF${JSON.stringify({ personal: { name: 'Bo M' } })}`);
      const { profile } = await loadProfile(path);
      assert.equal(profile.name, 'Bo M');
    });
  });
});

describe('formatSize', () => {
  it('speaks in MB, kB or bytes', () => {
    assert.equal(formatSize(2 * 1024 * 1024), '2 MB');
    assert.equal(formatSize(Math.round(10.4 * 1024 * 1024)), '10.4 MB');
    assert.equal(formatSize(1536), '1.5 kB');
    assert.equal(formatSize(900), '900 bytes');
  });
});
