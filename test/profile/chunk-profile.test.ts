import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadProfile } from '../../src/profile/load-profile.js';
import { parseProfile } from '../../src/profile/parse-profile.js';
import { ProfileError } from '../../src/profile/profile-error.js';

const SAMPLE = new URL('../../profiles/sample.json', import.meta.url).pathname;
const TEMPLATE = new URL('../fixtures/profiles/workshop-template.json', import.meta.url).pathname;
/** The parts of a profile file these tests edit. */
interface ProfileJson {
  content_chunks: { content: string; metadata: { tags: string[] } }[];
  experience: Record<string, unknown>[];
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ProfileJson;
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

function paragraphs(count: number, sentencesEach: number): string {
  return Array.from({ length: count }, (_, p) =>
    Array.from({ length: sentencesEach }, (_, s) => `In paragraph ${p} sentence ${s} I describe more of my work.`).join(
      ' ',
    ),
  ).join('\n\n');
}

describe('chunkProfile via parseProfile: content_chunks', () => {
  it('splits a long chunk into <id>, <id>#2, ... with nothing lost', () => {
    const long = paragraphs(8, 9); // about 3 900 characters
    const { profile } = parseProfile(
      {
        personal: { name: 'Lena Long' },
        content_chunks: [
          { id: 'c1', title: 'Story', type: 'experience', content: long, metadata: { category: 'work', tags: ['t'] } },
          { id: 'c2', title: 'Short', type: 'personal', content: 'I am short.' },
        ],
      },
      'long.json',
    );
    const parts = profile.chunks.filter((c) => c.metadata.section[1] === 'c1');
    assert.deepEqual(
      parts.map((c) => c.id),
      ['c1', 'c1#2', 'c1#3'],
    );
    assert.deepEqual(
      parts.map((c) => c.title),
      ['Story (part 1 of 3)', 'Story (part 2 of 3)', 'Story (part 3 of 3)'],
    );
    assert.ok(parts.every((c) => c.text.length <= 1500 && c.type === 'experience' && c.metadata.category === 'work'));
    assert.equal(squash(parts.map((c) => c.text).join(' ')), squash(long));
    assert.ok(
      parts.every((c) => /\.$/.test(c.text)),
      'cut at sentence or paragraph ends',
    );
    assert.equal(profile.chunks.find((c) => c.id === 'c2')?.text, 'I am short.');
  });

  it('drops chunks labelled salary or compensation unless shareSalary, and says so', () => {
    const json = {
      personal: { name: 'Pay Private' },
      content_chunks: [
        { id: 'a', title: 'About', type: 'personal', content: 'I am Pay.' },
        { id: 'b', title: 'Money', type: 'salary', content: 'I earn 90k.' },
        { id: 'c', title: 'Package', type: 'personal', content: 'I want 100k.', metadata: { tags: ['Compensation'] } },
        { id: 'd', title: 'Contact', type: 'contact', content: 'Mail me at pay@example.com.' },
      ],
    };
    const hidden = parseProfile(json, 'pay.json');
    assert.deepEqual(
      hidden.profile.chunks.map((c) => c.id),
      ['a', 'd'],
    );
    assert.deepEqual(hidden.notices, ['salary sharing is off, so content_chunks about salary are left out: b, c']);
    assert.deepEqual(hidden.warnings, []);
    const shown = parseProfile(json, 'pay.json', { shareSalary: true, shareContact: false });
    assert.deepEqual(
      shown.profile.chunks.map((c) => c.id),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(shown.notices, ['contact sharing is off, so content_chunks about contact are left out: d']);
  });

  it('reports duplicate ids with other problems in one error', () => {
    assert.throws(
      () =>
        parseProfile(
          {
            personal: {},
            content_chunks: [
              { id: 'x', content: 'I one.' },
              { id: 'y', content: 'I two.' },
              { id: 'x', content: 'I three.' },
            ],
          },
          'dup.json',
        ),
      (err: unknown) =>
        err instanceof ProfileError &&
        err.problems.length === 2 &&
        err.problems[0] === 'personal.name is missing' &&
        err.problems[1] === "content_chunks[2].id 'x' repeats content_chunks[0].id; chunk ids must be unique",
    );
  });

  it('fills a missing id, title and category, joins paragraph lists, and falls back to the sections when no chunk is usable', () => {
    const filled = parseProfile(
      { personal: { name: 'Ida' }, content_chunks: [{ type: 'education', content: 'I studied art.' }] },
      'ida.json',
    );
    const [chunk] = filled.profile.chunks;
    assert.equal(chunk?.id, 'content_1');
    assert.equal(chunk?.title, 'Education');
    assert.equal(chunk?.metadata.category, 'education');
    assert.deepEqual(filled.warnings, ["content_chunks[0].id is missing; using 'content_1'"]);

    const paragraphs = parseProfile(
      { personal: { name: 'Ida' }, content_chunks: [{ id: 'p', content: ['I paint.', ' I teach. ', ''] }] },
      'ida.json',
    );
    assert.equal(paragraphs.profile.chunks[0]?.text, 'I paint.\n\nI teach.');

    const fallback = parseProfile(
      { personal: { name: 'Ida', title: 'Painter' }, content_chunks: [{ id: 'a', content: '' }] },
      'ida.json',
    );
    assert.deepEqual(
      fallback.profile.chunks.map((c) => c.text),
      ["I'm Ida, a Painter."],
    );
    assert.equal(fallback.warnings.length, 2);
    assert.match(fallback.warnings[1]!, /derived from the structured sections/);
  });
});

describe('hashes, ids and the profile version', () => {
  it('gives the same ids, hashes and version on every load', async () => {
    const first = await loadProfile(SAMPLE);
    const second = await loadProfile(SAMPLE);
    assert.deepEqual(first, second);
    assert.ok(first.profile.chunks.every((c) => /^[0-9a-f]{64}$/.test(c.hash)));
    assert.match(first.profile.version, /^[0-9a-f]{16}$/);
    const derived = await loadProfile(TEMPLATE);
    assert.deepEqual(derived, await loadProfile(TEMPLATE));
  });

  it('changes the version and exactly one hash when one chunk changes; order does not matter', () => {
    const json = readJson(SAMPLE);
    const before = parseProfile(json, 'sample.json').profile;
    json.content_chunks[4]!.content += ' I also ran the load tests.';
    const after = parseProfile(json, 'sample.json').profile;
    assert.notEqual(after.version, before.version);
    const changed = after.chunks.filter((c, i) => c.hash !== before.chunks[i]?.hash).map((c) => c.id);
    assert.deepEqual(changed, ['chunk_005']);

    json.content_chunks.reverse();
    assert.equal(parseProfile(json, 'sample.json').profile.version, after.version);
  });

  it('changes the hash when only a tag changes', () => {
    const json = readJson(SAMPLE);
    const before = parseProfile(json, 'sample.json').profile.chunks[0]!.hash;
    json.content_chunks[0]!.metadata.tags.push('cycling');
    assert.notEqual(parseProfile(json, 'sample.json').profile.chunks[0]!.hash, before);
  });

  it('keeps derived ids when a role is added above the others', () => {
    const json = readJson(TEMPLATE);
    const before = parseProfile(json, 'template.json').profile.chunks;
    json.experience.unshift({ company: 'Newco', title: 'Staff Engineer', duration: 'Jan 2026 - Present' });
    const after = parseProfile(json, 'template.json').profile.chunks;
    const tussockBefore = before.find((c) => c.id === 'experience-tussock-software')!;
    const tussockAfter = after.find((c) => c.id === 'experience-tussock-software')!;
    assert.equal(tussockAfter.text, tussockBefore.text);
    assert.ok(after.some((c) => c.id === 'experience-newco'));
  });

  it('gives two roles at the same company distinct ids', () => {
    const { profile } = parseProfile(
      {
        personal: { name: 'Twice' },
        experience: [
          { company: 'Acme', title: 'Lead' },
          { company: 'Acme', title: 'Engineer' },
        ],
      },
      'twice.json',
    );
    assert.deepEqual(
      profile.chunks.map((c) => c.id),
      ['personal', 'experience-acme', 'experience-acme-2'],
    );
  });
});
