import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration, parseRateLimitHeaders } from '../../src/llm/rate-limit-headers.js';

test('parseGoDuration reads Groq reset values and other Go durations', () => {
  const cases: [string, number][] = [
    ['2m59.56s', 179_560],
    ['7.66s', 7_660],
    ['500ms', 500],
    ['1h2m', 3_720_000],
    ['0s', 0],
    ['0', 0],
    ['1h0m0.5s', 3_600_500],
    ['24h0m0s', 86_400_000],
    ['1.5ms', 1.5],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1000000ns', 1],
    ['.5s', 500],
    [' 7.66s ', 7_660],
  ];
  for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
});

test('parseGoDuration rejects what Go rejects', () => {
  for (const text of ['', '5', '-1s', '1x', 's', '1h 2m', 'abc', '1.2.3s', '2m59.56']) {
    assert.equal(parseGoDuration(text), undefined, JSON.stringify(text));
  }
});

test('parseRateLimitHeaders: requests per day, tokens per minute, from Headers', () => {
  const headers = new Headers({
    'x-ratelimit-limit-requests': '14400',
    'x-ratelimit-limit-tokens': '6000',
    'x-ratelimit-remaining-requests': '14370',
    'x-ratelimit-remaining-tokens': '5997',
    'x-ratelimit-reset-requests': '2m59.56s',
    'x-ratelimit-reset-tokens': '7.66s',
  });
  assert.deepEqual(parseRateLimitHeaders(headers), {
    requestsLimit: 14_400,
    requestsRemaining: 14_370,
    requestsResetMs: 179_560,
    tokensLimit: 6_000,
    tokensRemaining: 5_997,
    tokensResetMs: 7_660,
  });
});

test('parseRateLimitHeaders: a plain record with any case, partial and malformed values left out', () => {
  assert.deepEqual(
    parseRateLimitHeaders({
      'X-RateLimit-Remaining-Tokens': '120',
      'x-ratelimit-reset-tokens': '500ms',
      'x-ratelimit-limit-requests': 'lots',
      'x-ratelimit-remaining-requests': '-3',
      'x-ratelimit-reset-requests': '12',
    }),
    { tokensRemaining: 120, tokensResetMs: 500, requestsResetMs: 12_000 },
  );
  assert.deepEqual(parseRateLimitHeaders({}), {});
  assert.deepEqual(parseRateLimitHeaders(new Headers()), {});
});
