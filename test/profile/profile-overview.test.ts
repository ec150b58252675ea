import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { loadProfile } from '../../src/profile/load-profile.js';
import { parseProfile } from '../../src/profile/parse-profile.js';
import { MAX_OVERVIEW_CHARS } from '../../src/profile/profile-overview.js';

const path = (p: string) => new URL(p, import.meta.url).pathname;

describe('profile overview', () => {
  test('with content_chunks and sections: who, current role, earlier roles, projects, topics', async () => {
    const { profile } = await loadProfile(path('../../profiles/sample.json'));
    const text = profile.overview.text;
    assert.match(text, /^Name: Talia Brennock\nTitle: Senior Platform Engineer\nLocation: Rotterdam, Netherlands\n/);
    assert.match(text, /Current role: Senior Platform Engineer at Kestrel Freightworks \(Mar 2022 - Present\)/);
    assert.match(text, /Earlier roles: Software Engineer at Fennimore Health/);
    assert.match(text, /Projects: Podmeter and Quillmark/);
    assert.match(text, /Topics in my profile: About me; /);
    assert.ok(text.length <= MAX_OVERVIEW_CHARS, `${text.length} chars`);
    assert.ok(countTokens(text) <= 350, `${countTokens(text)} tokens`);
    assert.match(profile.overview.introduction, /^I'm Talia Brennock, a Senior Platform Engineer based in Rotterdam/);
    assert.match(profile.overview.introduction, /Right now I'm a Senior Platform Engineer at Kestrel Freightworks\.$/);
  });

  test('without content_chunks (the workshop template): built from the sections alone', async () => {
    const { profile } = await loadProfile(path('../fixtures/profiles/workshop-template.json'));
    assert.match(profile.overview.text, /Current role: Senior Backend Engineer at Harborline Payments/);
    assert.match(profile.overview.text, /Projects: Ledgerlight/);
    assert.match(profile.overview.text, /Goal: /);
  });

  test('never carries salary or contact fields, even when the profile has them', async () => {
    const { profile } = await loadProfile(path('../../profiles/career-changer.json'));
    assert.doesNotMatch(profile.overview.text, /\$|salary|@|example\.com/i);
    assert.doesNotMatch(profile.overview.introduction, /\$|salary|@/i);
  });

  test('a profile with only a name still has an overview, and a long one stays within the budget', () => {
    const minimal = parseProfile({ personal: { name: 'Ada Quill' } }, 'inline').profile;
    assert.match(minimal.overview.text, /^Name: Ada Quill/);
    assert.equal(minimal.overview.introduction, "I'm Ada Quill.");
    const many = parseProfile(
      {
        personal: { name: 'Bo Lee', summary: 'x '.repeat(2000) },
        experience: Array.from({ length: 30 }, (_, i) => ({ company: `Company ${i}`, title: 'Engineer' })),
        projects_portfolio: Array.from({ length: 30 }, (_, i) => ({ name: `Project number ${i}` })),
      },
      'inline',
    ).profile;
    assert.ok(many.overview.text.length <= MAX_OVERVIEW_CHARS, `${many.overview.text.length} chars`);
    assert.match(many.overview.text, /Current role: Engineer at Company 0/);
  });

  test('the current role is the one running to the present, wherever it is listed', () => {
    const { profile } = parseProfile(
      {
        personal: { name: 'Ada Quill' },
        experience: [
          { company: 'Old Co', title: 'Analyst', duration: '2015 - 2018' },
          { company: 'New Co', title: 'Lead', duration: '2019 - present' },
        ],
      },
      'inline',
    );
    assert.match(profile.overview.text, /Current role: Lead at New Co \(2019 - present\)/);
    assert.match(profile.overview.text, /Earlier roles: Analyst at Old Co/);
  });
});
