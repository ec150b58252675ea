/** Reading `/twin-usage quota` options into a quota change: syntax only (the core decides who may do what). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  QUOTA_HINT,
  type QuotaOptionReader,
  readQuotaCommand,
} from '../../../src/adapters/discord/discord-quota-options.js';

/** Option values as discord.js's resolver gives them: null when the option was not given. */
function reader(values: Record<string, number | boolean>): QuotaOptionReader {
  const get = (name: string) => values[name] ?? null;
  return {
    getInteger: (name) => get(name) as number | null,
    getNumber: (name) => get(name) as number | null,
    getBoolean: (name) => get(name) as boolean | null,
  };
}

test('each limit option sets its quota field; zero is a limit too', () => {
  assert.deepEqual(
    readQuotaCommand(
      reader({
        'requests-per-day': 0,
        'tokens-per-day': 20_000,
        'requests-per-month': 300,
        'tokens-per-month': 400_000,
        'usd-per-month': 2.5,
      }),
    ),
    {
      change: {
        set: {
          requestsPerDay: 0,
          tokensPerDay: 20_000,
          requestsPerMonth: 300,
          tokensPerMonth: 400_000,
          usdPerMonth: 2.5,
        },
      },
    },
  );
});

test('clear alone clears; nothing, clear false, or clear with limits is the hint', () => {
  assert.deepEqual(readQuotaCommand(reader({ clear: true })), { change: { clear: true } });
  const cases: Record<string, number | boolean>[] = [{}, { clear: false }, { clear: true, 'usd-per-month': 1 }];
  for (const values of cases) {
    assert.deepEqual(readQuotaCommand(reader(values)), { hint: QUOTA_HINT });
  }
});
