/** TWIN_API_KEYS, TWIN_API_CORS_ORIGINS and TWIN_MCP as config.ts reads them, and the key ring that checks keys. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { ApiKeyRing } from '../../../src/core/api-key-ring.js';
import { TwinError } from '../../../src/core/errors.js';
import { configSecrets } from '../../../src/logging.js';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env, '/tmp');
  } catch (err) {
    assert.ok(err instanceof TwinError);
    return err.message;
  }
  assert.fail('expected a configuration error');
}

describe('the doors in the configuration', () => {
  test('off by default; on with keys, whose names are tenants and whose keys are secrets', () => {
    assert.equal(loadConfig({}, '/tmp').api, undefined);
    const c = loadConfig(
      {
        TWIN_API_KEYS: 'website:sk-one:with-colon, ide:sk-two',
        TWIN_API_CORS_ORIGINS: 'https://a.example',
        PORT: '8080',
      },
      '/tmp',
    );
    assert.deepEqual(c.api, {
      clients: [
        { name: 'website', key: 'sk-one:with-colon' },
        { name: 'ide', key: 'sk-two' },
      ],
      corsOrigins: ['https://a.example'],
      mcp: false,
    });
    const secrets = configSecrets(c);
    assert.ok(secrets.includes('sk-one:with-colon') && secrets.includes('sk-two'), 'keys are scrubbed from logs');
    assert.ok(!secrets.includes('website'), 'names are not secrets: they are tenants in the logs');
  });

  test('bad entries are named without quoting any key', () => {
    const message = problems({
      TWIN_API_KEYS: 'website:sk-secret-1,nokey,website:sk-secret-2,bad name:sk-secret-3',
      TWIN_API_CORS_ORIGINS: 'https://a.example/path',
      TWIN_MCP: '1',
    });
    assert.match(message, /TWIN_API_KEYS entry 2 must look like name:key/);
    assert.match(message, /TWIN_API_KEYS names "website" twice/);
    assert.match(message, /TWIN_API_KEYS entry 4 must look like name:key/);
    assert.match(message, /TWIN_API_CORS_ORIGINS must list origins like https:\/\/example\.com/);
    assert.doesNotMatch(message, /sk-secret/);
    assert.match(problems({ TWIN_MCP: '1' }), /TWIN_MCP=1 needs TWIN_API_KEYS/);
  });

  test('the key ring finds a key by its bearer header, and nothing else', () => {
    const ring = new ApiKeyRing([
      { name: 'website', key: 'sk-web' },
      { name: 'ide', key: 'sk-ide' },
    ]);
    assert.equal(ring.nameOfBearer('Bearer sk-ide'), 'ide');
    assert.equal(ring.nameOfBearer('bearer sk-web'), 'website');
    assert.equal(ring.nameOfBearer('Bearer sk-we'), undefined);
    assert.equal(ring.nameOfBearer('sk-web'), undefined);
    assert.equal(ring.nameOfBearer(undefined), undefined);
    assert.equal(new ApiKeyRing([{ name: 'x', key: '' }]).nameOf(''), undefined, 'an empty key matches nothing');
  });
});
