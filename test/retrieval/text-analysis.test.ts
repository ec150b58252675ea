import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stem } from '../../src/retrieval/stemmer.js';
import { analyzeDocument, analyzeQuery } from '../../src/retrieval/text-analyzer.js';

describe('stem', () => {
  it('follows the Porter algorithm on its classic examples', () => {
    const cases: [string, string][] = [
      ['caresses', 'caress'],
      ['ponies', 'poni'],
      ['cats', 'cat'],
      ['agreed', 'agre'],
      ['hopping', 'hop'],
      ['hoping', 'hope'],
      ['happy', 'happi'],
      ['relational', 'relat'],
      ['conditional', 'condit'],
      ['generalizations', 'gener'],
      ['electrical', 'electr'],
      ['adjustment', 'adjust'],
      ['controlling', 'control'],
      ['roll', 'roll'],
    ];
    for (const [word, expected] of cases) assert.equal(stem(word), expected, word);
  });

  it('brings the forms of a profile word together', () => {
    assert.equal(stem('studied'), stem('study'));
    assert.equal(stem('studies'), stem('study'));
    assert.equal(stem('managed'), stem('management'));
    assert.equal(stem('manager'), stem('managing'));
    assert.equal(stem('engineering'), stem('engineers'));
    assert.equal(stem('languages'), stem('language'));
  });

  it('maps irregular past tenses and leaves short or non-alphabetic tokens alone', () => {
    assert.equal(stem('led'), 'lead');
    assert.equal(stem('built'), 'build');
    assert.equal(stem('k8s'), 'k8s');
    assert.equal(stem('2019'), '2019');
    assert.equal(stem('go'), 'go');
  });
});

describe('text analysis', () => {
  const termsOf = (q: string) => analyzeQuery(q).map((u) => [...u.terms.keys()]);

  it('drops stop words and question framing', () => {
    assert.deepEqual(analyzeQuery('What do you know about it?'), []);
    assert.deepEqual(
      analyzeQuery('Tell me about your Kubernetes').map((u) => u.label),
      ['kubernetes'],
    );
  });

  it('folds abbreviations into one term on both sides', () => {
    assert.deepEqual(termsOf('k8s')[0]?.[0], termsOf('Kubernetes')[0]?.[0]);
    assert.deepEqual(termsOf('ML')[0]?.[0], termsOf('machine learning')[0]?.[0]);
    assert.deepEqual(termsOf('uni')[0]?.[0], termsOf('university')[0]?.[0]);
    assert.deepEqual(termsOf('postgres')[0]?.[0], termsOf('PostgreSQL')[0]?.[0]);
    assert.deepEqual(termsOf('JS')[0]?.[0], termsOf('JavaScript')[0]?.[0]);
    assert.deepEqual(termsOf('TS')[0]?.[0], termsOf('typescript')[0]?.[0]);
    const doc = analyzeDocument('I run K8S clusters and write Node.js and C++');
    assert.ok(doc.includes(termsOf('kubernetes')[0]![0]!));
    assert.ok(doc.includes(termsOf('node')[0]![0]!));
    assert.ok(doc.includes(termsOf('c++')[0]![0]!));
  });

  it('links related words through concepts, weaker than the word itself', () => {
    const [study] = analyzeQuery('Where did you study?');
    assert.equal(study?.terms.get('~education'), 0.5);
    assert.ok(analyzeDocument('I earned a degree at Northgate University').includes('~education'));
    assert.ok(analyzeDocument('I managed six engineers').includes('~leadership'));
  });

  it('treats a concept phrase as one unit at full weight', () => {
    const units = analyzeQuery('Tell me about a time you led a team');
    assert.equal(units.length, 1);
    assert.equal(units[0]?.terms.get('~leadership'), 1);
    // The phrase's own words stay as weaker hints.
    assert.deepEqual(
      analyzeQuery('What do you do in your free time?').map((u) => [...u.terms]),
      [
        [
          ['~hobbies', 1],
          ['free', 0.5],
        ],
      ],
    );
  });

  it('marks framing words as generic', () => {
    const units = analyzeQuery('a difficult situation');
    assert.deepEqual(
      units.map((u) => [u.label, u.generic]),
      [
        ['difficult', false],
        ['situation', true],
      ],
    );
  });

  it('normalises accents, apostrophes and possessives', () => {
    assert.deepEqual(analyzeDocument("Tomás's café"), analyzeDocument('Tomas cafe'));
    assert.deepEqual(analyzeQuery("what's"), []);
  });
});
