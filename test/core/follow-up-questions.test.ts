/** The follow-up generator on every profile shape we ship (and a name-only one), and the offers behind the buttons. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { FollowUpOffers } from '../../src/core/follow-up-offers.js';
import { followUpQuestions, MAX_FOLLOW_UP_CHARS } from '../../src/core/follow-up-questions.js';
import type { Source, TwinProfile } from '../../src/core/types.js';
import { loadProfile } from '../../src/profile/index.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { FakeClock } from '../support/fake-clock.js';

const profilePath = (name: string) => new URL(`../../profiles/${name}.json`, import.meta.url).pathname;

async function load(path: string): Promise<TwinProfile> {
  return (await loadProfile(path)).profile;
}

const from = (profile: TwinProfile, ...ids: string[]): Source[] =>
  ids.map((id) => {
    const chunk = profile.chunks.find((c) => c.id === id);
    assert.ok(chunk, `chunk ${id} exists`);
    return { chunkId: id, title: chunk.title, score: 1 };
  });

describe('follow-up questions', () => {
  const profiles: Record<string, TwinProfile> = {};
  before(async () => {
    for (const name of ['sample', 'career-changer', 'held-out-teacher']) profiles[name] = await load(profilePath(name));
    const dir = mkdtempSync(join(tmpdir(), 'twin-followups-'));
    writeFileSync(join(dir, 'me.json'), JSON.stringify({ personal: { name: 'Only A. Name' } }));
    profiles.nameOnly = await load(join(dir, 'me.json'));
  });

  test('sample: after the current role, the role before; after a project, the next project', () => {
    const p = profiles.sample!;
    const role = followUpQuestions({
      question: 'What do you do at Kestrel?',
      sources: from(p, 'chunk_002'),
      profile: p,
    });
    assert.equal(role[0], 'What did you do at Fennimore Health?');
    assert.ok(!role.some((q) => q.includes('Kestrel Freightworks')), 'the role just described is not offered again');
    const project = followUpQuestions({ question: 'What is Podmeter?', sources: from(p, 'chunk_011'), profile: p });
    assert.equal(project[0], 'Tell me about Quillmark.');
    const skills = followUpQuestions({ question: 'Which languages?', sources: from(p, 'chunk_007'), profile: p });
    assert.equal(skills[0], 'Tell me about leading the Kubernetes migration.', 'the story behind a skill');
  });

  test('career changer (chunks derived from the structured sections): the STAR story behind a role, the role before', () => {
    const p = profiles['career-changer']!;
    const qs = followUpQuestions({
      question: 'What do you do now?',
      sources: from(p, 'experience-cindergate-health-partners'),
      profile: p,
    });
    assert.deepEqual(qs.slice(0, 2), [
      "What's a story from your time at Cindergate Health Partners?",
      'What did you do at Redbank Valley Medical Center?',
    ]);
    const story = followUpQuestions({
      question: 'Tell me a story',
      sources: from(p, 'experience-redbank-valley-medical-center-story-1'),
      profile: p,
    });
    assert.equal(story[0], 'What did you do at Redbank Valley Medical Center?');
  });

  test('held-out teacher: a role leads to its story and the role before it', () => {
    const p = profiles['held-out-teacher']!;
    const qs = followUpQuestions({
      question: 'What did you do at Kingsmead?',
      sources: from(p, 'chunk_004'),
      profile: p,
    });
    assert.deepEqual(qs.slice(0, 2), [
      'Tell me about the Year 11 turnaround.',
      "What did you do at St Aldric's School?",
    ]);
  });

  test('a name-only profile falls back to its example questions; nothing without any', () => {
    const p = profiles.nameOnly!;
    const qs = followUpQuestions({ question: 'Who are you?', sources: from(p, p.chunks[0]!.id), profile: p });
    assert.ok(qs.length > 0);
    assert.ok(!qs.includes('Who are you?'));
    assert.deepEqual(
      followUpQuestions({ question: 'hi', sources: [], profile: { chunks: [], exampleQuestions: [] } }),
      [],
    );
  });

  test('on every profile and every source: at most three, short enough for a button, distinct, never the question', () => {
    for (const [name, p] of Object.entries(profiles)) {
      for (const chunk of p.chunks) {
        for (const question of [...p.exampleQuestions, `Tell me about ${chunk.title}`]) {
          const qs = followUpQuestions({ question, sources: from(p, chunk.id), profile: p });
          assert.ok(qs.length <= 3, `${name}/${chunk.id}`);
          assert.equal(new Set(qs).size, qs.length);
          for (const q of qs) {
            assert.ok(q.length <= MAX_FOLLOW_UP_CHARS, q);
            assert.notEqual(q.toLowerCase(), question.toLowerCase(), `${name}/${chunk.id} repeats "${question}"`);
          }
        }
      }
    }
  });
});

describe('follow-up offers', () => {
  const id = '11111111-2222-4333-8444-555555555555';

  test('in memory: a suggestion is taken once per person, only from its own tenant, and expires', async () => {
    const clock = new FakeClock(0);
    const offers = new FollowUpOffers({ clock, ttlMs: 60_000, maxOffers: 2 });
    await offers.offer(id, 'slack:T1', ['Where did you study?', 'Tell me about Podmeter.']);
    const click = { tenantId: 'slack:T1', userId: 'U1', requestId: id, index: 1 };
    assert.deepEqual(await offers.take(click), { kind: 'ask', question: 'Tell me about Podmeter.' });
    assert.equal((await offers.take(click)).kind, 'refused', 'a double click asks once');
    assert.equal((await offers.take({ ...click, userId: 'U2' })).kind, 'ask', 'another person may ask it too');
    assert.equal((await offers.take({ ...click, tenantId: 'slack:T2', userId: 'U3' })).kind, 'refused');
    assert.equal((await offers.take({ ...click, index: 7 })).kind, 'refused');
    clock.advance(60_001);
    assert.equal((await offers.take({ ...click, index: 0 })).kind, 'refused', 'expired');
  });

  test('in memory, bounded: the oldest offers go first', async () => {
    const offers = new FollowUpOffers({ clock: new FakeClock(0), ttlMs: 60_000, maxOffers: 2 });
    for (const n of [1, 2, 3]) await offers.offer(`${n}`, 't', ['q']);
    assert.equal(offers.size, 2);
    assert.equal((await offers.take({ tenantId: 't', userId: 'u', requestId: '1', index: 0 })).kind, 'refused');
    assert.equal((await offers.take({ tenantId: 't', userId: 'u', requestId: '3', index: 0 })).kind, 'ask');
  });

  test('in a shared store: a button works after a restart and on another replica, still once per person', async () => {
    const ledger = await LibsqlUsageStore.open({ url: ':memory:' });
    try {
      const clock = new FakeClock(0);
      const before = new FollowUpOffers({ clock, store: ledger.keyValues });
      await before.offer(id, 'slack:T1', ['Where did you study?', 'Tell me about Podmeter.']);
      assert.equal(before.size, 0, 'nothing held in memory');
      // Another process on the same store: a restart, or the replica the click lands on.
      const [one, two] = [
        new FollowUpOffers({ clock, store: ledger.keyValues }),
        new FollowUpOffers({ clock, store: ledger.keyValues }),
      ];
      const click = { tenantId: 'slack:T1', userId: 'U1', requestId: id, index: 0 };
      const results = await Promise.all([one.take(click), two.take(click)]);
      assert.deepEqual(
        results.map((r) => r.kind).sort(),
        ['ask', 'refused'],
        'a double click on two replicas asks once',
      );
      assert.deepEqual(await two.take({ ...click, userId: 'U2' }), { kind: 'ask', question: 'Where did you study?' });
      assert.equal((await one.take({ ...click, tenantId: 'slack:T2' })).kind, 'refused', "another tenant's click");
      assert.equal((await one.take({ ...click, requestId: 'not-offered' })).kind, 'refused');
    } finally {
      await ledger.close();
    }
  });
});
