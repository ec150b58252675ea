import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, normalizeKey, suggestKey } from '../../src/profile/suggest-key.js';

const SECTIONS = ['personal', 'experience', 'skills', 'education', 'projects_portfolio', 'career_goals'];

describe('suggestKey', () => {
  it('counts swaps as one edit', () => {
    assert.equal(editDistance('titel', 'title'), 1);
    assert.equal(editDistance('experiance', 'experience'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests close keys and ignores unrelated ones', () => {
    assert.equal(suggestKey('experiance', SECTIONS), 'experience');
    assert.equal(suggestKey('skils', SECTIONS), 'skills');
    assert.equal(suggestKey('carer_goals', SECTIONS), 'career_goals');
    assert.equal(suggestKey('hobbies', SECTIONS), undefined);
    assert.equal(suggestKey('metadata', SECTIONS), undefined);
    assert.equal(suggestKey('projects', SECTIONS), undefined);
  });

  it('treats case and separators as the same key, not a typo', () => {
    assert.equal(normalizeKey('elevatorPitch'), normalizeKey('elevator_pitch'));
    assert.equal(suggestKey('Career-Goals', SECTIONS), undefined);
  });
});
