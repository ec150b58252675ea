/**
 * DESIGN.md's dependency rule, read from the imports of src/: core imports only core and node builtins;
 * llm/retrieval/usage/profile import core and their own SDKs, never each other; adapters import core and their
 * own platform SDK; only main.ts and cli/ wire things together.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const dynamic = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return [...specs, ...dynamic];
}

/** The area of a file: core, llm, retrieval, usage, profile, adapters/<x>, cli, or root. */
function areaOf(path: string): string {
  const parts = relative(SRC, path).split('/');
  if (parts.length === 1) return 'root';
  return parts[0] === 'adapters' ? `adapters/${parts[1]}` : parts[0]!;
}

const SDKS: Record<string, RegExp[]> = {
  core: [],
  profile: [],
  llm: [/^groq-sdk/, /^bottleneck$/, /^gpt-tokenizer/],
  retrieval: [/^@upstash\/vector/, /^minisearch$/],
  usage: [/^@libsql\/client/, /^@napi-rs\/canvas/, /^chart\.js/, /^dejavu-fonts-ttf/],
  'adapters/discord': [/^discord\.js$/, /^@discordjs\//],
  'adapters/slack': [/^@slack\//],
  'adapters/console': [],
  'adapters/http': [],
  'adapters/openai-api': [],
  'adapters/mcp': [/^@modelcontextprotocol\/sdk\//, /^zod$/],
};

test('every import in src/ follows the dependency rule', () => {
  const broken: string[] = [];
  for (const file of files(SRC)) {
    const area = areaOf(file);
    if (area === 'root' || area === 'cli') continue; // main.ts, config.ts, logging.ts and cli/ wire things together
    for (const spec of importsOf(file)) {
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        const target = areaOf(resolve(dirname(file), spec));
        if (target !== area && target !== 'core') broken.push(`${relative(SRC, file)} imports ${spec} (${target})`);
        continue;
      }
      const allowed = SDKS[area];
      assert.ok(allowed, `unknown area ${area}`);
      if (!allowed.some((re) => re.test(spec))) broken.push(`${relative(SRC, file)} imports package ${spec}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the rule itself catches a violation', () => {
  // A check that cannot fail proves nothing: feed it a known-bad import.
  assert.equal(areaOf(join(SRC, 'core/x.ts')), 'core');
  assert.equal(areaOf(join(SRC, 'adapters/slack/x.ts')), 'adapters/slack');
  assert.ok(!SDKS.core!.some((re) => re.test('groq-sdk')));
  assert.ok(!SDKS['adapters/discord']!.some((re) => re.test('@slack/bolt')));
});
