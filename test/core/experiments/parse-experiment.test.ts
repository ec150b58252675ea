/** TWIN_EXPERIMENT and TWIN_EXPERIMENT_FILE: the grammar, and a message per mistake naming the arm and the key. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { TwinError } from '../../../src/core/errors.js';
import { parseExperimentSpec } from '../../../src/core/experiments/parse-experiment.js';
import { PROMPT_VARIANTS } from '../../../src/core/experiments/prompt-variants.js';
import { DEFAULT_STYLE } from '../../../src/core/prompt.js';

const noFiles = (path: string) => ({ problem: `no file ${path}` });

function configProblems(env: Record<string, string>, cwd: string): string {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    assert.ok(err instanceof TwinError && err.code === 'config');
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

describe('TWIN_EXPERIMENT', () => {
  test('reads the name, the arms, their keys and defaults', () => {
    const { experiment, problems } = parseExperimentSpec(
      'name=tone-test;model=openai/gpt-oss-20b,temperature=0.7,weight=1;arm=big,model=openai/gpt-oss-120b,temperature=0.3,weight=2.5,tenants=discord:42|slack:*,prompt=brief',
      noFiles,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(experiment, {
      name: 'tone-test',
      arms: [
        { name: 'A', model: 'openai/gpt-oss-20b', temperature: 0.7, weight: 1 },
        {
          name: 'big',
          model: 'openai/gpt-oss-120b',
          temperature: 0.3,
          weight: 2.5,
          tenants: ['discord:42', 'slack:*'],
          prompt: { name: 'brief', text: PROMPT_VARIANTS[1]?.text },
        },
      ],
    });
  });

  test('every mistake is reported at once, naming the arm and the key', () => {
    const { experiment, problems } = parseExperimentSpec(
      'name=t;model=a b,temperature=2.5;weight=0,colour=blue;tenants=guild42,prompt=shouty;;arm=A',
      noFiles,
    );
    assert.equal(experiment, undefined);
    const text = problems.join('\n');
    for (const expected of [
      'arm 1: model must be a Groq model id',
      'arm 1: temperature must be a number from 0 to 2, got "2.5"',
      'arm 2: unknown key "colour"',
      'arm 2: weight must be a number above 0, got "0"',
      'arm 3: tenants must be tenant keys like discord:123456',
      'arm 3: prompt must be default, brief, detailed or file:<path>, got "shouty"',
      'arm 4 is empty',
      'two arms are named "A"',
    ]) {
      assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
    }
  });

  test('the name comes first, and two arms at least', () => {
    assert.match(
      parseExperimentSpec('model=a;model=b', noFiles).problems.join(),
      /must start with the experiment's name/,
    );
    assert.match(parseExperimentSpec('name=x;model=a', noFiles).problems.join(), /at least two arms/);
    assert.match(parseExperimentSpec('name=a b;model=a;model=b', noFiles).problems.join(), /experiment's name must be/);
  });

  test('a prompt file replaces the style line; its problems name the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-exp-'));
    try {
      writeFileSync(join(dir, 'pirate.txt'), '  Answer like a cheerful pirate,\n in two sentences.\n');
      const config = loadConfig(
        { TWIN_EXPERIMENT: 'name=style;prompt=default;arm=pirate,prompt=file:pirate.txt', DATABASE_URL: ':memory:' },
        dir,
      );
      const [plain, pirate] = config.experiment?.arms ?? [];
      assert.equal(plain?.prompt?.text, DEFAULT_STYLE);
      assert.deepEqual(pirate?.prompt, {
        name: 'file:pirate.txt',
        text: 'Answer like a cheerful pirate, in two sentences.',
      });
      const message = configProblems({ TWIN_EXPERIMENT: 'name=style;prompt=file:missing.txt;model=x' }, dir);
      assert.match(message, /TWIN_EXPERIMENT arm 1: prompt file:missing\.txt: cannot read .*missing\.txt \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TWIN_EXPERIMENT_FILE', () => {
  test('reads the same experiment from JSON, prompt files beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-exp-'));
    try {
      writeFileSync(join(dir, 'style.txt'), 'Be brisk.');
      writeFileSync(
        join(dir, 'exp.json'),
        JSON.stringify({
          name: 'tone-test',
          arms: [
            { name: 'small', model: 'openai/gpt-oss-20b', temperature: 0.7 },
            { name: 'large', model: 'openai/gpt-oss-120b', weight: 3, tenants: ['slack:*'], prompt: 'file:style.txt' },
          ],
        }),
      );
      const config = loadConfig({ TWIN_EXPERIMENT_FILE: join(dir, 'exp.json'), DATABASE_URL: ':memory:' }, tmpdir());
      assert.deepEqual(config.experiment?.arms[1], {
        name: 'large',
        model: 'openai/gpt-oss-120b',
        weight: 3,
        tenants: ['slack:*'],
        prompt: { name: 'file:style.txt', text: 'Be brisk.' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad JSON, unknown keys, a missing file, and both variables set are each explained', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-exp-'));
    try {
      writeFileSync(join(dir, 'broken.json'), '{"name": "x", "arms": [');
      writeFileSync(join(dir, 'keys.json'), JSON.stringify({ name: 'x', arms: [{ modle: 'a' }, { model: 'b' }] }));
      assert.match(configProblems({ TWIN_EXPERIMENT_FILE: 'broken.json' }, dir), /broken\.json\) is not valid JSON/);
      assert.match(configProblems({ TWIN_EXPERIMENT_FILE: 'keys.json' }, dir), /arm 1: unknown key "modle"/);
      assert.match(
        configProblems({ TWIN_EXPERIMENT_FILE: 'nope.json' }, dir),
        /nope\.json, which cannot be read \(ENOENT\)/,
      );
      assert.match(
        configProblems({ TWIN_EXPERIMENT_FILE: 'keys.json', TWIN_EXPERIMENT: 'name=x;model=a;model=b' }, dir),
        /set TWIN_EXPERIMENT or TWIN_EXPERIMENT_FILE, not both/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('TWIN_CACHE_TTL_S: one hour by default, 0 turns the cache off, bounded', () => {
  assert.equal(loadConfig({ DATABASE_URL: ':memory:' }).twin.cacheTtlMs, 3_600_000);
  assert.equal(loadConfig({ DATABASE_URL: ':memory:', TWIN_CACHE_TTL_S: '0' }).twin.cacheTtlMs, 0);
  assert.match(configProblems({ TWIN_CACHE_TTL_S: '-1' }, tmpdir()), /TWIN_CACHE_TTL_S must be between 0 and 604800/);
});
