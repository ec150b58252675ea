import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createClient } from '@libsql/client';
import { QUOTA_OPTIONS } from '../../src/adapters/discord/discord-quota-options.js';
import { parseUsageCommand, QUOTA_HINT } from '../../src/adapters/slack/usage-command.js';
import { loadConfig } from '../../src/config.js';
import { QUOTA_LABELS, QUOTA_LIMITS } from '../../src/core/quota-limits.js';
import { parseWindow, USAGE_WINDOW_NAMES, USAGE_WINDOWS } from '../../src/core/usage-windows.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';
import { tempDir } from '../usage/usage-fixtures.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('.env.example lists the default of every quota limit in the table, and no other TWIN_QUOTA_ variable', () => {
  const listed = [...read('.env.example').matchAll(/^(TWIN_QUOTA_\w+)=/gm)].map((m) => m[1]);
  assert.deepEqual(
    listed,
    QUOTA_LIMITS.map((l) => l.env),
  );
});

test("slack/manifest.yaml's /twin-usage hint names the table's windows and only limits the table knows", () => {
  const hint = read('slack/manifest.yaml').match(/command: \/twin-usage\n[\s\S]*?usage_hint: "([^"]+)"/)?.[1];
  assert.ok(hint, 'the manifest declares /twin-usage with a usage hint');
  assert.ok(hint.includes(`[${USAGE_WINDOW_NAMES}]`), hint);
  const flags = QUOTA_LIMITS.map((l) => l.flag);
  for (const word of hint.match(/[a-z]+(?:-per-[a-z]+)/g) ?? []) assert.ok(flags.includes(word), word);
  // The example in the hint parses into a quota change.
  const example = hint.split('|').find((part) => part.includes('-per-'));
  assert.equal(parseUsageCommand(example?.trim() ?? '').kind, 'quota');
});

test('every limit reads from its environment variable, its Discord option and its Slack word into its field', () => {
  const env = Object.fromEntries(QUOTA_LIMITS.map((l, i) => [l.env, String(i + 1)]));
  const config = loadConfig(env);
  assert.deepEqual(config.twin.quota, Object.fromEntries(QUOTA_LIMITS.map((l, i) => [l.field, i + 1])));
  assert.deepEqual(
    QUOTA_OPTIONS.map((o) => [o.name, o.field]),
    QUOTA_LIMITS.map((l) => [l.flag, l.field]),
  );
  for (const l of QUOTA_LIMITS) {
    assert.deepEqual(parseUsageCommand(`quota ${l.flag} 7`), { kind: 'quota', change: { set: { [l.field]: 7 } } });
    assert.ok(QUOTA_HINT.includes(l.flag));
    assert.equal(QUOTA_LABELS[l.field], l.label);
  }
});

test("the store's two quota tables have a column for every limit in the table", async () => {
  const tmp = await tempDir();
  const url = `file:${join(tmp.dir, 'twin.db')}`;
  try {
    await (await LibsqlUsageStore.open({ url })).close();
    const client = createClient({ url });
    for (const table of ['quotas', 'tenant_admin_quotas']) {
      const rs = await client.execute(`PRAGMA table_info(${table})`);
      const columns = rs.rows.map((row) => String(row['name']));
      for (const l of QUOTA_LIMITS) assert.ok(columns.includes(l.column), `${table}.${l.column}`);
    }
    client.close();
  } finally {
    await tmp.dispose();
  }
});

test('every window parses from its name and aliases, and empty text is the first window', () => {
  assert.equal(parseWindow(''), USAGE_WINDOWS[0].name);
  for (const w of USAGE_WINDOWS) {
    for (const text of [w.name, ...w.aliases, w.name.toUpperCase()]) assert.equal(parseWindow(text), w.name);
  }
  assert.equal(parseWindow('1y'), undefined);
});
