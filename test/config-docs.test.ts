/**
 * The configuration table (src/config-variables.ts) is the one list of variables: `.env.example` and the README's
 * configuration table document exactly its variables, with its defaults, and only the ones it marks secret are
 * redacted.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { CONFIG_VARIABLES, secretValues } from '../src/config-variables.js';
import { configSecrets } from '../src/logging.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const names = CONFIG_VARIABLES.map((c) => c.name);

test('.env.example lists every variable of the table, in its order, and nothing else', () => {
  const listed = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
  assert.deepEqual(listed, names);
});

test("the README's configuration table names every variable of the table, with the table's defaults", () => {
  const readme = read('README.md');
  const section = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
  );
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  const documented = new Set<string>();
  for (const row of rows) {
    const [variables = '', , defaults = ''] = row.split(' | ');
    for (const [, name] of variables.matchAll(/`([A-Z][A-Z0-9_]+)(?:_\*)?`/g)) {
      const spec = CONFIG_VARIABLES.find((c) => c.name === name);
      assert.ok(spec, `the README documents ${name}, which the configuration table does not know`);
      documented.add(name as string);
      if (typeof spec.default === 'number') assert.ok(defaults.includes(String(spec.default)), `${name}: ${row}`);
      if (typeof spec.default === 'boolean') assert.ok(defaults.includes(spec.default ? '1' : '0'), `${name}: ${row}`);
    }
  }
  assert.deepEqual(
    names.filter((n) => !documented.has(n)),
    [],
    'variables of the table missing from the README',
  );
});

test("a secret variable's value is redacted; a variable the table does not mark secret is not", () => {
  const env = {
    GROQ_API_KEY: 'gsk_live_abc',
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_SIGNING_SECRET: 'sig',
    PORT: '3000',
    TWIN_NAMESPACE: 'talia',
    TWIN_ENCRYPTION_KEY: `${'a'.repeat(64)},${'b'.repeat(64)}`,
  };
  const secrets = configSecrets(loadConfig(env));
  for (const value of ['gsk_live_abc', 'xoxb-1', 'sig', 'a'.repeat(64), 'b'.repeat(64)]) {
    assert.ok(secrets.includes(value), value);
  }
  assert.ok(!secrets.includes('talia'));
  assert.deepEqual(secretValues({ TWIN_NAMESPACE: 'x', GROQ_MODEL: 'y' }), []);
});

test('every variable has a meaning; bounds and defaults fit the kind', () => {
  for (const c of CONFIG_VARIABLES) {
    assert.ok(c.meaning.length > 0, c.name);
    if (c.min !== undefined || c.max !== undefined) assert.ok(c.kind === 'int' || c.kind === 'number', c.name);
    if (typeof c.default === 'number') {
      assert.ok(c.default >= (c.min ?? -Infinity) && c.default <= (c.max ?? Infinity), c.name);
    }
    if (typeof c.default === 'boolean') assert.equal(c.kind, 'bool', c.name);
  }
  assert.equal(new Set(names).size, names.length, 'no variable twice');
});
