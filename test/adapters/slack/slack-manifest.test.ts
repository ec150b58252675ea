import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BOT_SCOPES } from '../../../src/adapters/slack/slack-app.js';

const manifest = readFileSync(new URL('../../../slack/manifest.yaml', import.meta.url), 'utf8');

test('the app manifest asks for exactly the scopes the install flow requests, and declares the commands and events', () => {
  const bot = manifest.slice(manifest.indexOf('    bot:'), manifest.indexOf('settings:'));
  const scopes = [...bot.matchAll(/^\s+- ([a-z_:.]+)/gm)].map((m) => m[1]);
  assert.deepEqual([...scopes].sort(), [...BOT_SCOPES].sort());
  for (const command of ['/ask-twin', '/twin-usage']) assert.match(manifest, new RegExp(`command: ${command}\\n`));
  assert.match(
    manifest,
    /usage_hint: "\[report\] \[24h\|7d\|30d\] \| quota requests-per-day 100 usd-per-month 5 \| quota clear \| alerts #channel \| dashboard"/,
  );
  for (const event of [
    'app_mention',
    'message.channels',
    'message.groups',
    'message.im',
    'assistant_thread_started',
    'app_uninstalled',
    'tokens_revoked',
  ]) {
    assert.match(manifest, new RegExp(`^      - ${event.replace('.', '\\.')}( #.*)?$`, 'm'));
  }
  assert.match(manifest, /socket_mode_enabled: true/);
  // The AI-app surface: the agent view (new apps can no longer pick the older assistant view) and its scope.
  assert.match(manifest, /^ {2}agent_view:\n {4}agent_description: \S/m);
  assert.doesNotMatch(manifest, /^ {2}assistant_view:/m);
  assert.ok(BOT_SCOPES.includes('assistant:write'));
  // Feedback and follow-up buttons arrive as interactive payloads.
  assert.match(manifest, /interactivity:\n\s+is_enabled: true/);
});
