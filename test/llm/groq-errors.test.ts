/**
 * translateGroqError on the error objects groq-sdk itself builds (APIError.generate, its connection and abort
 * errors); the end-to-end paths over a socket are in groq-llm-client.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'groq-sdk';
import { TwinError } from '../../src/core/errors.js';
import { redact, translateGroqError } from '../../src/llm/groq-errors.js';

const MODEL = 'openai/gpt-oss-20b';

function httpError(status: number, error: Record<string, string> = {}, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error }, undefined, new Headers(headers));
}

test('status classes map to codes with the right retryability', () => {
  const cases: [number, string, boolean][] = [
    [401, 'auth', false],
    [403, 'auth', false],
    [400, 'bad_request', false],
    [422, 'bad_request', false],
    [408, 'timeout', true],
    [409, 'upstream', true],
    [413, 'too_large', false],
    [429, 'rate_limited', true],
    [498, 'capacity', true],
    [503, 'capacity', true],
    [500, 'upstream', true],
    [502, 'upstream', true],
  ];
  for (const [status, code, retryable] of cases) {
    const err = translateGroqError(httpError(status, { message: 'x' }), MODEL);
    assert.equal(err.code, code, String(status));
    assert.equal(err.retryable, retryable, String(status));
    assert.equal(err.status, status);
    assert.equal(err.model, MODEL);
  }
});

test('model_gone for decommissioned and not-found models', () => {
  assert.equal(
    translateGroqError(httpError(400, { code: 'model_decommissioned', message: 'gone' }), MODEL).code,
    'model_gone',
  );
  assert.equal(
    translateGroqError(httpError(404, { code: 'model_not_found', message: 'no' }), MODEL).code,
    'model_gone',
  );
  assert.equal(translateGroqError(httpError(404, { message: 'Unknown request URL' }), MODEL).code, 'config');
});

test('429: retry-after-ms, then retry-after (seconds or a date), then the message text', () => {
  const limited = (
    headers: Record<string, string>,
    message = 'on tokens per minute (TPM). Please try again in 5.2s.',
  ) =>
    translateGroqError(httpError(429, { message, type: 'tokens', code: 'rate_limit_exceeded' }, headers), MODEL, {
      now: Date.parse('2026-11-01T00:00:00Z'),
    });
  assert.equal(limited({ 'retry-after-ms': '1234', 'retry-after': '9' }).retryAfterMs, 1234);
  assert.equal(limited({ 'retry-after': '9' }).retryAfterMs, 9000);
  assert.equal(limited({ 'retry-after': 'Sun, 01 Nov 2026 00:00:30 GMT' }).retryAfterMs, 30_000);
  assert.equal(limited({}).retryAfterMs, 5200);
  assert.equal(limited({}, 'Please try again in 860ms. Need more tokens?').retryAfterMs, 860);
  assert.equal(limited({}, 'Please try again in 1m32.5s').retryAfterMs, 92_500);
  assert.equal(limited({}, 'slow down').retryAfterMs, undefined);
  assert.equal(limited({}).limitScope, 'minute');
  assert.equal(limited({}, 'on tokens per day (TPD): Limit 500000').limitScope, 'day');
  assert.equal(limited({}, 'on requests per day (RPD): Limit 1000').limitScope, 'day');
});

test('connection, timeout and abort errors, and who aborted', () => {
  assert.equal(translateGroqError(new APIConnectionTimeoutError(), MODEL).code, 'timeout');
  assert.equal(translateGroqError(new APIConnectionError({ message: 'Connection error.' }), MODEL).code, 'network');
  assert.equal(translateGroqError(new APIUserAbortError(), MODEL).code, 'aborted');
  assert.equal(translateGroqError(new APIUserAbortError(), MODEL, { abortReason: 'stall' }).code, 'timeout');
  assert.equal(translateGroqError(new APIUserAbortError(), MODEL, { abortReason: 'deadline' }).code, 'deadline');
  assert.equal(translateGroqError(new APIUserAbortError(), MODEL, { abortReason: 'caller' }).code, 'aborted');
  assert.equal(translateGroqError(new DOMException('This operation was aborted', 'AbortError'), MODEL).code, 'aborted');
  assert.equal(translateGroqError(new TypeError('terminated'), MODEL).code, 'network');
  assert.equal(translateGroqError(new SyntaxError('Unexpected token'), MODEL).code, 'upstream');
  assert.equal(translateGroqError(new Error('???'), MODEL).code, 'internal');
});

test('an error inside a stream (status undefined, inner body) is upstream with its message', () => {
  const inStream = new APIError(
    undefined,
    { message: 'model overloaded', type: 'internal_server_error' },
    undefined,
    new Headers(),
  );
  const err = translateGroqError(inStream, MODEL);
  assert.equal(err.code, 'upstream');
  assert.equal(err.status, undefined);
  assert.match(err.message, /model overloaded/);
});

test('a TwinError passes through unchanged', () => {
  const original = new TwinError('busy', 'queue full', { retryAfterMs: 5 });
  assert.equal(translateGroqError(original, MODEL), original);
});

test('keys never reach the message; a masked error does not keep its raw cause', () => {
  const key = 'gsk_abcdefghijklmnop1234';
  const err = translateGroqError(httpError(401, { message: `Invalid API Key: ${key}` }), MODEL, { secrets: [key] });
  assert.ok(!err.message.includes(key));
  assert.equal(err.cause, undefined);
  const otherKey = translateGroqError(new Error('bad header Authorization: Bearer sk-live-123'), MODEL);
  assert.doesNotMatch(otherKey.message, /sk-live-123/);
  const clean = translateGroqError(httpError(500, { message: 'boom' }), MODEL);
  assert.ok(clean.cause instanceof APIError);
  assert.equal(redact('use gsk_0123456789abcdef now', []), 'use gsk_[redacted] now');
  assert.equal(redact('my-custom-secret in text', ['my-custom-secret']), '[redacted] in text');
});
