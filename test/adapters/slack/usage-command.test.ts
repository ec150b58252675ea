/** Reading the text of `/twin-usage` on Slack: syntax only (the core decides who may do what). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUsageCommand, QUOTA_HINT, REPORT_HINT } from '../../../src/adapters/slack/usage-command.js';

test('the report forms: nothing, a window, or `report` with or without one', () => {
  const cases: [string, string][] = [
    ['', '24h'],
    ['  ', '24h'],
    ['7d', '7d'],
    ['30D', '30d'],
    ['week', '7d'],
    ['report', '24h'],
    ['report 30d', '30d'],
    ['Report 7d', '7d'],
  ];
  for (const [text, window] of cases) assert.deepEqual(parseUsageCommand(text), { kind: 'report', window }, text);
  for (const text of ['fortnight', 'report fortnight', '7d 30d', 'report 7d extra']) {
    assert.deepEqual(parseUsageCommand(text), { kind: 'hint', text: REPORT_HINT }, text);
  }
});

test('quota limits: every name, thousands separators, dollars with cents, name=value and name:value', () => {
  assert.deepEqual(
    parseUsageCommand(
      'quota requests-per-day 100 tokens-per-day 20,000 requests-per-month=3000 tokens-per-month:400000 usd-per-month $2.50',
    ),
    {
      kind: 'quota',
      change: {
        set: {
          requestsPerDay: 100,
          tokensPerDay: 20_000,
          requestsPerMonth: 3_000,
          tokensPerMonth: 400_000,
          usdPerMonth: 2.5,
        },
      },
    },
  );
  assert.deepEqual(parseUsageCommand('quota requests-per-day 0'), {
    kind: 'quota',
    change: { set: { requestsPerDay: 0 } },
  });
  assert.deepEqual(parseUsageCommand('QUOTA CLEAR'), { kind: 'quota', change: { clear: true } });
});

test('a malformed quota command is the quota hint', () => {
  for (const text of [
    'quota',
    'quota requests-per-day',
    'quota requests-per-day ten',
    'quota requests-per-day -1',
    'quota requests-per-day 1.5',
    'quota usd-per-month 5$',
    'quota requests-per-day 99999999999999999999',
    'quota bananas 5',
    'quota clear now',
    'quota clear requests-per-day 5',
    'quota requests-per-day 5 requests-per-day 6',
  ]) {
    assert.deepEqual(parseUsageCommand(text), { kind: 'hint', text: QUOTA_HINT }, text);
  }
});
