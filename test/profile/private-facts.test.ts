import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProfile } from '../../src/profile/parse-profile.js';
import { hasPhoneNumber, splitSentences, withholdPrivate } from '../../src/profile/private-facts.js';

const PRIVATE = { shareSalary: false, sharePhone: false };

describe('withholdPrivate: pay and phone numbers in prose', () => {
  it('withholds sentences that state pay, whatever words carry it', () => {
    for (const sentence of [
      'My expected salary is €95,000.',
      'I currently earn $120k.',
      'I am paid 85 000 EUR a year.',
      'I am looking for 90k base pay.',
      'My compensation expectation is in the low six figures.',
      'I would want £70,000 per annum.',
      'My day rate is 650 USD.',
    ]) {
      const out = withholdPrivate(`I lead the platform team. ${sentence} I love Go.`, PRIVATE);
      assert.equal(out.text, 'I lead the platform team. I love Go.', sentence);
      assert.deepEqual(out.withheld, ['salary'], sentence);
    }
  });

  it('catches an amount whose salary word sits in the sentence before ("approx." splits it)', () => {
    const out = withholdPrivate('Salary expectations: approx. €90k. I want to grow into a staff role.', PRIVATE);
    assert.equal(out.text.includes('90k'), false, out.text);
    assert.match(out.text, /staff role/);
  });

  it('keeps amounts that are not pay, and pay talk without an amount', () => {
    for (const text of [
      'I managed a €400K yearly cloud budget.',
      'I cut the AWS bill by $2M across 2019-2021.',
      "I'm flexible on salary and care more about the team.",
      'We served 10,000 users from 3 regions.',
    ]) {
      assert.deepEqual(withholdPrivate(text, PRIVATE), { text, withheld: [] }, text);
    }
  });

  it('withholds phone numbers in the usual shapes, not years, ranges or counts', () => {
    for (const phone of [
      '+44 7700 900123',
      '+1 (555) 010-0199',
      '(555) 010-0199',
      '555.010.0199',
      '07700 900 123',
      '+4915112345678',
      '0044-20-7946-0958',
    ]) {
      assert.equal(hasPhoneNumber(`You can reach me on ${phone} any weekday.`), true, phone);
    }
    assert.equal(hasPhoneNumber('Call me on 555-0199.'), true, 'a phone word makes 7 digits enough');
    for (const text of [
      'I worked there from 2015-2019.',
      'From 2015 - 2019 I led (2019 - 2021) two teams.',
      'We handled 1,200,000 requests a day.',
      'I shipped 12 releases in 2023 and 14 in 2024.',
      'Our SLO was 99.95 percent.',
    ]) {
      assert.equal(hasPhoneNumber(text), false, text);
    }
  });

  it('opts in per topic: shareSalary keeps pay, sharePhone keeps numbers', () => {
    const text = 'My salary is €80,000. Call me on +44 7700 900123.';
    assert.deepEqual(withholdPrivate(text, { shareSalary: true, sharePhone: false }), {
      text: 'My salary is €80,000.',
      withheld: ['phone'],
    });
    assert.deepEqual(withholdPrivate(text, { shareSalary: false, sharePhone: true }), {
      text: 'Call me on +44 7700 900123.',
      withheld: ['salary'],
    });
    assert.deepEqual(withholdPrivate(text, { shareSalary: true, sharePhone: true }), { text, withheld: [] });
  });

  it('splits sentences without cutting numbers like €78.5k, and loses nothing', () => {
    const text = 'I earn €78.5k.\nI live in Lyon! Do I relocate? Maybe.';
    assert.deepEqual(splitSentences(text), ['I earn €78.5k.\n', 'I live in Lyon! ', 'Do I relocate? ', 'Maybe.']);
    assert.equal(splitSentences(text).join(''), text);
  });
});

describe('parseProfile: private facts are read from the text, not only the labels', () => {
  const profile = {
    personal: { name: 'Pia Private' },
    content_chunks: [
      {
        id: 'goals',
        title: 'Career goals',
        type: 'goals',
        content: 'I want to become a staff engineer. My expected salary is €95,000 base. I enjoy mentoring.',
        metadata: { category: 'career', tags: ['goals'] },
      },
      {
        id: 'reach',
        title: 'Reaching me',
        type: 'personal',
        content: 'I answer messages on LinkedIn within a day. My mobile is +44 7700 900123.',
      },
      { id: 'only-pay', title: 'Next role', type: 'goals', content: 'I expect to be paid at least $150k a year.' },
      { id: 'work', title: 'Work', type: 'experience', content: 'I run the payments platform at Kestrel.' },
    ],
  };

  it('withholds the sentences, drops a chunk with nothing left, and tells the owner', () => {
    const { profile: loaded, notices } = parseProfile(profile, 'pia.json');
    const text = loaded.chunks.map((c) => c.text).join(' ');
    assert.doesNotMatch(text, /95,000|150k|7700/);
    assert.deepEqual(
      loaded.chunks.map((c) => c.id),
      ['goals', 'reach', 'work'],
    );
    assert.equal(loaded.chunks[0]?.text, 'I want to become a staff engineer. I enjoy mentoring.');
    assert.equal(loaded.chunks[1]?.text, 'I answer messages on LinkedIn within a day.');
    assert.deepEqual(notices, [
      'salary sharing is off, so sentences stating pay are withheld from: goals, only-pay (left out, as nothing else was in them: only-pay)',
      'phone sharing is off, so sentences holding a phone number are withheld from: reach',
    ]);
  });

  it('shares them when the owner opts in, and the hashes then differ', () => {
    const hidden = parseProfile(profile, 'pia.json').profile;
    const shared = parseProfile(profile, 'pia.json', { shareSalary: true, sharePhone: true });
    assert.deepEqual(shared.notices, []);
    assert.match(shared.profile.chunks.map((c) => c.text).join(' '), /95,000.*7700.*150k/s);
    assert.notEqual(shared.profile.version, hidden.version);
  });

  it('reads derived chunks too (a profile without content_chunks)', () => {
    const { profile: loaded, notices } = parseProfile(
      {
        personal: { name: 'Dee Rived' },
        career_goals: { short_term: 'Reach a salary of €110,000 within two years', long_term: 'Lead a platform group' },
      },
      'dee.json',
    );
    assert.doesNotMatch(loaded.chunks.map((c) => c.text).join(' '), /110,000/);
    assert.match(loaded.chunks.map((c) => c.text).join(' '), /platform group/);
    assert.equal(notices.length, 1);
  });
});
