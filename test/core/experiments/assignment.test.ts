/** Sticky assignment: the share of each arm follows the weights, a person keeps their arm, tenant limits hold. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { armServesTenant, assignArm, type Experiment } from '../../../src/core/experiments/experiment.js';

const experiment: Experiment = {
  name: 'tone-test',
  arms: [
    { name: 'A', model: 'openai/gpt-oss-20b', weight: 1 },
    { name: 'B', model: 'openai/gpt-oss-120b', weight: 2 },
    { name: 'C', temperature: 0.2, weight: 1 },
  ],
};

function tally(exp: Experiment, users: number, tenant = (i: number) => `discord:${1000 + (i % 7)}`) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < users; i++) {
    const arm = assignArm(exp, tenant(i), `user-${i}`)?.arm.name ?? 'none';
    counts[arm] = (counts[arm] ?? 0) + 1;
  }
  return counts;
}

describe('assignArm', () => {
  test('10 000 simulated users split along the weights 1:2:1, each share within 2 points', () => {
    const counts = tally(experiment, 10_000);
    // why 2 points: one binomial standard deviation of a 25% share over 10 000 people is 0.43 points.
    for (const [arm, share] of [
      ['A', 0.25],
      ['B', 0.5],
      ['C', 0.25],
    ] as const) {
      const got = (counts[arm] ?? 0) / 10_000;
      assert.ok(
        Math.abs(got - share) < 0.02,
        `arm ${arm}: ${(got * 100).toFixed(1)}% of users, wanted ${share * 100}%`,
      );
    }
  });

  test('uneven weights too: 9:1 gives about 90% and 10%', () => {
    const counts = tally(
      {
        name: 'rollout',
        arms: [
          { name: 'old', weight: 9 },
          { name: 'new', weight: 1 },
        ],
      },
      10_000,
    );
    assert.ok(Math.abs((counts.new ?? 0) / 10_000 - 0.1) < 0.015, JSON.stringify(counts));
  });

  test('is sticky: the same person gets the same arm every time, whatever else was asked in between', () => {
    const first = Array.from({ length: 200 }, (_, i) => assignArm(experiment, 'slack:T1', `u${i}`)?.arm.name);
    tally(experiment, 1_000);
    const again = Array.from({ length: 200 }, (_, i) => assignArm(experiment, 'slack:T1', `u${i}`)?.arm.name);
    assert.deepEqual(again, first);
    assert.ok(new Set(first).size === 3, 'two hundred people meet every arm');
  });

  test('the tenant is part of the hash: one user id in two tenants is two people', () => {
    const differ = Array.from({ length: 100 }, (_, i) => `u${i}`).filter(
      (u) => assignArm(experiment, 'discord:1', u)?.arm.name !== assignArm(experiment, 'discord:2', u)?.arm.name,
    );
    assert.ok(differ.length > 30, `only ${differ.length} of 100 differ`);
  });

  test('a new experiment name reshuffles everyone', () => {
    const renamed = { ...experiment, name: 'tone-test-2' };
    const moved = Array.from({ length: 300 }, (_, i) => `u${i}`).filter(
      (u) => assignArm(experiment, 'discord:1', u)?.arm.name !== assignArm(renamed, 'discord:1', u)?.arm.name,
    );
    assert.ok(moved.length > 100, `only ${moved.length} of 300 moved`);
  });

  test('an arm limited to some tenants is seen only there; elsewhere the others share the traffic', () => {
    const limited: Experiment = {
      name: 'pilot',
      arms: [
        { name: 'control', weight: 1 },
        { name: 'pilot', model: 'openai/gpt-oss-120b', weight: 1, tenants: ['discord:42', 'slack:*'] },
      ],
    };
    const elsewhere = tally(limited, 2_000, (i) => `discord:${i % 5}`);
    assert.deepEqual(elsewhere, { control: 2_000 });
    const inPilot = tally(limited, 2_000, () => 'discord:42');
    assert.ok((inPilot.pilot ?? 0) > 850 && (inPilot.control ?? 0) > 850, JSON.stringify(inPilot));
    const slack = tally(limited, 2_000, (i) => `slack:T${i % 9}`);
    assert.ok((slack.pilot ?? 0) > 850, JSON.stringify(slack));
  });

  test('no arm for a tenant that no arm serves: the request runs without the experiment', () => {
    const onlySlack: Experiment = {
      name: 'x',
      arms: [
        { name: 'A', weight: 1, tenants: ['slack:*'] },
        { name: 'B', weight: 1, tenants: ['slack:T9'] },
      ],
    };
    assert.equal(assignArm(onlySlack, 'discord:1', 'u1'), undefined);
    assert.equal(assignArm(onlySlack, 'slack:T1', 'u1')?.arm.name, 'A');
  });

  test('`<platform>:*` matches that platform only, and exact keys match exactly', () => {
    const arm = { name: 'a', weight: 1, tenants: ['slack:*', 'discord:12'] };
    assert.equal(armServesTenant(arm, 'slack:T1'), true);
    assert.equal(armServesTenant(arm, 'discord:12'), true);
    assert.equal(armServesTenant(arm, 'discord:123'), false);
    assert.equal(armServesTenant(arm, 'slacker:T1'), false);
  });
});
