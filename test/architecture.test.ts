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
/** A small tree laid out like src/ that breaks the rule on purpose (test/fixtures/architecture/README.md). */
const BROKEN_FIXTURE = resolve(import.meta.dirname, 'fixtures/architecture/src');

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

/** The area of a file under `root`: core, llm, retrieval, usage, profile, adapters/<x>, cli, or root. */
function areaOf(path: string, root = SRC): string {
  const parts = relative(root, path).split('/');
  if (parts.length === 1) return 'root';
  return parts[0] === 'adapters' ? `adapters/${parts[1]}` : parts[0]!;
}

const SDKS: Record<string, RegExp[]> = {
  core: [],
  profile: [],
  llm: [/^groq-sdk/, /^bottleneck$/, /^gpt-tokenizer/],
  retrieval: [/^@upstash\/vector/, /^minisearch$/],
  usage: [/^@libsql\/client/, /^pg$/, /^@napi-rs\/canvas/, /^chart\.js/, /^dejavu-fonts-ttf/],
  replicas: [],
  'adapters/discord': [/^discord\.js$/, /^@discordjs\//],
  'adapters/slack': [/^@slack\//],
  'adapters/console': [],
  'adapters/http': [/^prom-client$/],
  'adapters/openai-api': [],
  'adapters/mcp': [/^@modelcontextprotocol\/sdk\//, /^zod$/],
};

/** Every import under `root` that breaks the dependency rule, as `file imports spec (why)`. */
function brokenImports(root: string): string[] {
  const broken: string[] = [];
  for (const file of files(root)) {
    const area = areaOf(file, root);
    if (area === 'root' || area === 'cli') continue; // main.ts, config.ts, logging.ts and cli/ wire things together
    for (const spec of importsOf(file)) {
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        const target = areaOf(resolve(dirname(file), spec), root);
        if (target !== area && target !== 'core') broken.push(`${relative(root, file)} imports ${spec} (${target})`);
        continue;
      }
      const allowed = SDKS[area];
      if (!allowed) broken.push(`${relative(root, file)} is in an unknown area ${area}`);
      else if (!allowed.some((re) => re.test(spec))) broken.push(`${relative(root, file)} imports package ${spec}`);
    }
  }
  return broken.sort();
}

test('every import in src/ follows the dependency rule', () => {
  assert.deepEqual(brokenImports(SRC), []);
});

test('the same rule fails on a tree with forbidden imports', () => {
  // A check that cannot fail proves nothing: the fixture breaks each kind of rule once, and nothing else.
  assert.deepEqual(brokenImports(BROKEN_FIXTURE), [
    'adapters/discord/reaches-into-llm.ts imports ../../llm/gateway.js (llm)',
    'adapters/discord/reaches-into-llm.ts imports package @slack/bolt',
    'core/imports-a-vendor.ts imports package groq-sdk',
    'llm/gateway.ts imports ../usage/store.js (usage)',
  ]);
});
