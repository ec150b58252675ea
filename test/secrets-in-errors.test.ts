/**
 * Issue 19, item 6: a password in a URL (DATABASE_URL with user:password@) or a known secret value never reaches a
 * configuration error, the "cannot open the usage database" message, libsql's own error text, or the log.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { TwinError } from '../src/core/errors.js';
import { scrubSecrets, stripUserInfo } from '../src/core/scrub-secrets.js';
import { configSecrets, createLogger } from '../src/logging.js';
import { describeStartupError } from '../src/main.js';
import { LibsqlUsageStore } from '../src/usage/libsql-usage-store.js';
import { LogSink } from './support/log-sink.js';

const PASSWORD = 'hunter2-s3cret';

describe('credentials are stripped from URLs and error text', () => {
  it('strips user info from any URL in a text, and credential query parameters', () => {
    assert.equal(
      stripUserInfo(`cannot reach postgres://alice:${PASSWORD}@db.example:5432/twin, and https://bob@x.example/`),
      'cannot reach postgres://[redacted]@db.example:5432/twin, and https://[redacted]@x.example/',
    );
    assert.equal(stripUserInfo('redis://:p@ss@word@cache:6379/0'), 'redis://[redacted]@cache:6379/0');
    assert.equal(
      stripUserInfo('libsql://db.example?authToken=eyJhbGci.abc&tls=1'),
      'libsql://db.example?authToken=[redacted]&tls=1',
    );
    assert.equal(stripUserInfo('file:/srv/twin.db and user@example.com'), 'file:/srv/twin.db and user@example.com');
  });

  it('scrubSecrets removes known values, plain and URL-encoded, and ignores short ones', () => {
    const key = 'gsk_live/key+1';
    assert.equal(
      scrubSecrets(`401 for ${key} at https://h/?k=${encodeURIComponent(key)} (id 123)`, [key, '123', undefined]),
      '401 for [redacted] at https://h/?k=[redacted] (id 123)',
    );
  });

  it('a configuration error quoting DATABASE_URL or another URL does not show the password', () => {
    let message = '';
    try {
      loadConfig(
        {
          // why: postgres:// is a valid ledger; a scheme twinbot does not speak is quoted back, without the password.
          DATABASE_URL: `mysql://alice:${PASSWORD}@db.example/twin`,
          GROQ_BASE_URL: `ftp://carol:${PASSWORD}@proxy.example/`,
        },
        '/tmp',
      );
    } catch (err) {
      assert.ok(err instanceof TwinError && err.code === 'config');
      message = describeStartupError(err);
    }
    assert.match(message, /DATABASE_URL must look like .*mysql:\/\/\[redacted\]@db\.example\/twin/);
    assert.match(message, /GROQ_BASE_URL must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/\[redacted\]@proxy/);
    assert.ok(!message.includes(PASSWORD), message);
  });

  it('"cannot open the usage database" shows neither the password nor libsql\'s quote of the URL', async () => {
    for (const url of [`libsql://alice:${PASSWORD}@127.0.0.1:9/db`, `http://alice:${PASSWORD}@127.0.0.1:9`]) {
      await assert.rejects(LibsqlUsageStore.open({ url, busyTimeoutMs: 1000 }), (err: unknown) => {
        assert.ok(err instanceof TwinError && err.code === 'storage');
        assert.ok(!err.message.includes(PASSWORD), err.message);
        assert.match(err.message, /Cannot open the usage database at (libsql|http):\/\/\[redacted\]@127\.0\.0\.1:9/);
        assert.ok(!describeStartupError(err).includes(PASSWORD));
        return true;
      });
    }
  });

  it('the logger scrubs messages, fields and serialised errors, causes included', () => {
    const config = loadConfig({ GROQ_API_KEY: 'gsk_test_key_0123456789', DATABASE_URL: 'file:/tmp/x.db' }, '/tmp');
    assert.ok(configSecrets(config).includes('gsk_test_key_0123456789'));
    const sink = new LogSink();
    const logger = createLogger('info', sink, [...configSecrets(config), PASSWORD]);
    const libsqlError = new TypeError(
      `Request cannot be constructed from a URL that includes credentials: https://alice:${PASSWORD}@h/v2/pipeline`,
    );
    logger.error(
      { event: 'x', err: new Error('write failed', { cause: libsqlError }), url: `postgres://u:${PASSWORD}@h/db` },
      'Groq said 401 for key gsk_test_key_0123456789',
    );
    logger.warn({ event: 'y', nested: { detail: [`token ${PASSWORD}`] } }, 'plain');
    const text = sink.text();
    assert.ok(!text.includes(PASSWORD), text);
    assert.ok(!text.includes('gsk_test_key_0123456789'), text);
    assert.match(text, /Groq said 401 for key \[redacted\]/);
    assert.match(text, /write failed/);
  });

  it('collects every credential of the configuration, and the password of DATABASE_URL', () => {
    const config = loadConfig(
      {
        GROQ_API_KEY: 'gsk_aaaaaaaaaaaa',
        UPSTASH_VECTOR_REST_URL: 'https://u.example',
        UPSTASH_VECTOR_REST_TOKEN: 'upstash-token-bbbb',
        SLACK_BOT_TOKEN: 'xoxb-cccccccc',
        SLACK_SIGNING_SECRET: 'signing-dddddddd',
        PORT: '3000',
        DATABASE_URL: `libsql://alice:${encodeURIComponent('p@ss/word')}@db.example`,
      },
      '/tmp',
    );
    const secrets = configSecrets(config);
    for (const s of ['gsk_aaaaaaaaaaaa', 'upstash-token-bbbb', 'xoxb-cccccccc', 'signing-dddddddd', 'p@ss/word']) {
      assert.ok(secrets.includes(s), s);
    }
    assert.ok(!secrets.includes('https://u.example'));
  });
});
