import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig, SAMPLE_PROFILE_PATH } from '../src/config.js';
import { TwinError } from '../src/core/errors.js';
import { DEFAULT_MODEL } from '../src/llm/model-catalog.js';

function configError(env: Record<string, string>): TwinError {
  try {
    loadConfig(env, '/tmp');
  } catch (err) {
    assert.ok(err instanceof TwinError);
    assert.equal(err.code, 'config');
    return err;
  }
  assert.fail('expected a configuration error');
}

describe('loadConfig', () => {
  test('no variables: offline console on the sample profile with the documented defaults', () => {
    const c = loadConfig({}, '/srv/twin');
    assert.equal(c.groq.apiKey, undefined);
    assert.equal(c.groq.model, DEFAULT_MODEL);
    assert.equal(c.groq.temperature, 0.7);
    assert.equal(c.groq.maxTokens, 500);
    assert.equal(c.groq.timeoutMs, 30_000);
    assert.equal(c.groq.maxConcurrent, 64);
    assert.equal(c.twin.deadlineMs, 45_000);
    assert.equal(c.twin.maxQueuePerTenant, 100);
    assert.deepEqual(c.twin.userRate, { perMinute: 10, concurrent: 3 });
    assert.equal(c.twin.shutdownGraceMs, 20_000);
    assert.equal(c.twin.profilePath, SAMPLE_PROFILE_PATH);
    assert.equal(c.twin.autoSync, false);
    assert.equal(c.twin.shareSalary, false);
    assert.equal(c.twin.sharePhone, false);
    assert.equal(c.databaseUrl, 'file:/srv/twin/data/twinbot.db');
    assert.equal(c.discord, undefined);
    assert.equal(c.slack, undefined);
    assert.equal(c.upstash, undefined);
    assert.equal(c.logLevel, undefined, 'the caller picks the level');
  });

  test('every problem is listed in one error', () => {
    const err = configError({
      GROQ_TEMPERATURE: '7',
      GROQ_MAX_TOKENS: 'lots',
      GROQ_BASE_URL: 'ftp://x',
      TWIN_USER_RATE: 'fast',
      LOG_LEVEL: 'loud',
      UPSTASH_VECTOR_REST_URL: 'https://x.upstash.io',
    });
    assert.match(err.message, /6 problems/);
    assert.match(err.message, /GROQ_TEMPERATURE must be between 0 and 2, got 7/);
    assert.match(err.message, /GROQ_MAX_TOKENS must be a whole number, got "lots"/);
    assert.match(err.message, /GROQ_BASE_URL must be an http:\/\/ or https:\/\/ URL/);
    assert.match(err.message, /TWIN_USER_RATE must look like/);
    assert.match(err.message, /LOG_LEVEL must be one of/);
    assert.match(err.message, /UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN must be set together/);
  });

  test('secrets never appear in the error', () => {
    const err = configError({ SLACK_BOT_TOKEN: 'xoxb-very-secret-value', DISCORD_TOKEN: 'discord-secret-token' });
    assert.doesNotMatch(err.message, /very-secret|discord-secret/);
    assert.match(err.message, /SLACK_BOT_TOKEN needs SLACK_APP_TOKEN/);
    assert.match(err.message, /DISCORD_APPLICATION_ID is required/);
  });

  test('http URLs and any non-empty token are accepted (local proxies)', () => {
    const c = loadConfig(
      {
        GROQ_API_KEY: 'x',
        GROQ_BASE_URL: 'http://127.0.0.1:9999',
        DISCORD_TOKEN: 't',
        DISCORD_APPLICATION_ID: '123456789012345678',
        DISCORD_API_URL: 'http://127.0.0.1:9998/api',
        SLACK_BOT_TOKEN: 'b',
        SLACK_APP_TOKEN: 'a',
        SLACK_API_URL: 'http://127.0.0.1:9997/api/',
        TWIN_USER_RATE: '5/min, 2 at a time',
        TWIN_ADMINS: 'U1, 42',
        GROQ_FALLBACK_MODELS: 'openai/gpt-oss-120b, qwen/qwen3-32b',
        DATABASE_URL: 'file:data/x.db',
      },
      '/srv',
    );
    assert.equal(c.groq.baseURL, 'http://127.0.0.1:9999');
    assert.equal(c.discord?.apiUrl, 'http://127.0.0.1:9998/api');
    assert.equal(c.slack?.appToken, 'a');
    assert.deepEqual(c.twin.userRate, { perMinute: 5, concurrent: 2 });
    assert.deepEqual(c.twin.admins, ['U1', '42']);
    assert.deepEqual(c.groq.fallbackModels, ['openai/gpt-oss-120b', 'qwen/qwen3-32b']);
    assert.equal(c.databaseUrl, 'file:/srv/data/x.db');
  });

  test('replicas: one process by default; REDIS_URL must be redis:// or rediss:// and is never quoted back', () => {
    assert.deepEqual(loadConfig({}, '/tmp').replicas, { redisUrl: undefined, count: 1, discordLeaderTtlMs: 15_000 });
    const c = loadConfig(
      { REDIS_URL: 'rediss://:pw@redis.internal:6380/1', TWIN_REPLICAS: '3', DISCORD_LEADER_TTL_S: '2.5' },
      '/tmp',
    );
    assert.deepEqual(c.replicas, {
      redisUrl: 'rediss://:pw@redis.internal:6380/1',
      count: 3,
      discordLeaderTtlMs: 2_500,
    });
    assert.ok(c.secrets.includes('rediss://:pw@redis.internal:6380/1'), 'scrubbed from logs like any secret');
    const err = configError({ REDIS_URL: 'http://user:hunter2@redis:6379', TWIN_REPLICAS: '0' });
    assert.match(err.message, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.match(err.message, /TWIN_REPLICAS/);
    assert.doesNotMatch(err.message, /hunter2/);
  });

  test('GROQ_MAX_CONCURRENT is a whole number of at least 1', () => {
    assert.equal(loadConfig({ GROQ_MAX_CONCURRENT: '200' }, '/tmp').groq.maxConcurrent, 200);
    assert.match(configError({ GROQ_MAX_CONCURRENT: '0' }).message, /GROQ_MAX_CONCURRENT/);
    assert.match(configError({ GROQ_MAX_CONCURRENT: 'many' }).message, /GROQ_MAX_CONCURRENT/);
  });

  test('a missing profile file is named', () => {
    const err = configError({ TWIN_PROFILE: 'nope/profile.json' });
    assert.match(err.message, /TWIN_PROFILE points to \/tmp\/nope\/profile\.json, which does not exist/);
  });

  test('Slack HTTP mode needs a port', () => {
    const err = configError({ SLACK_BOT_TOKEN: 'b', SLACK_SIGNING_SECRET: 's' });
    assert.match(err.message, /needs PORT/);
  });
});
