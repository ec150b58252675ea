/**
 * The one table of `twinbot` commands (STYLE.md 13): each command's arguments, options and one-line summary. The
 * help text, each command's usage line and the option parsing (with "did you mean") all derive from it.
 */
import { QUOTA_LIMITS } from '../core/quota-limits.js';
import { USAGE_WINDOW_NAMES } from '../core/usage-windows.js';
import { suggestKey } from '../profile/suggest-key.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in the usage line (string options). */
  value?: string;
}

export interface CommandSpec {
  /** The words after `twinbot` (a subcommand is one more word, e.g. `profile init`). */
  name: string;
  /** Positional arguments as shown in the usage line. */
  args?: string;
  summary: string;
  options?: Record<string, OptionSpec>;
  /** Options shown as alternatives, e.g. `[--csv|--json]`. */
  oneOf?: string[];
}

/** The quota flags, from the one table of limits (core/quota-limits.ts): a count takes N, dollars X. */
const quotaOptions = Object.fromEntries(
  QUOTA_LIMITS.map((l) => [l.flag, { type: 'string', value: l.unit === 'dollars' ? 'X' : 'N' }]),
) as Record<string, OptionSpec>;

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'start', summary: 'start every platform with credentials; with none, the console chat' },
  { name: 'ask', args: '"question"', summary: 'answer one question and exit' },
  { name: 'mcp', summary: 'serve the twin over MCP on stdin/stdout (for Claude Desktop and IDE agents)' },
  {
    name: 'search',
    args: '"question"',
    summary: 'show what the twin would retrieve, with scores',
    options: { top: { type: 'string', value: 'K' }, json: { type: 'boolean' } },
  },
  {
    name: 'ingest',
    summary: 'sync the profile into Upstash Vector (only what changed)',
    options: { profile: { type: 'string', value: 'FILE' }, 'dry-run': { type: 'boolean' }, reset: { type: 'boolean' } },
  },
  {
    name: 'usage',
    summary: 'the usage ledger: all tenants by default; --png draws the chart of the chat report',
    options: {
      tenant: { type: 'string', value: 'T' },
      window: { type: 'string', value: USAGE_WINDOW_NAMES },
      csv: { type: 'boolean' },
      json: { type: 'boolean' },
      png: { type: 'string', value: 'FILE' },
      open: { type: 'boolean' },
      feedback: { type: 'boolean' },
    },
    oneOf: ['csv', 'json'],
  },
  {
    name: 'experiment report',
    summary: 'the arms of the A/B experiment side by side: helpful rate, latency, cost, cache hits, and a verdict',
    options: {
      days: { type: 'string', value: 'N' },
      experiment: { type: 'string', value: 'NAME' },
      json: { type: 'boolean' },
    },
  },
  { name: 'quota list', summary: 'every tenant with a quota override, and its limits' },
  { name: 'quota show', args: '<tenant>', summary: "a tenant's limits and what it used" },
  { name: 'quota set', args: '<tenant>', summary: "set a tenant's limits (at least one)", options: quotaOptions },
  { name: 'quota clear', args: '<tenant>', summary: "remove a tenant's override: back to the defaults" },
  {
    name: 'forget',
    args: '<tenant>',
    summary: "delete a tenant's usage records",
    options: { yes: { type: 'boolean' } },
  },
  {
    name: 'register-commands',
    summary: 'register the Discord slash commands (a guild: instant; global: up to an hour)',
    options: { guild: { type: 'string', value: 'ID' } },
  },
  { name: 'doctor', summary: 'check the configuration, profile, database, Redis, Groq, Upstash, Discord and Slack' },
  { name: 'migrate', summary: 'bring the usage database to the latest schema now and list what was applied' },
  {
    name: 'profile init',
    args: '[FILE]',
    summary: 'write a starter digitaltwin.json (default ./digitaltwin.json) to fill in',
    options: { name: { type: 'string', value: '"Your Name"' }, force: { type: 'boolean' } },
  },
  { name: 'help', args: '[command]', summary: 'this text, or one command in detail' },
];

/** The command spec for `words` (longest match: `quota set` before `quota`), and how many words it took. */
export function findCommand(words: readonly string[]): { spec: CommandSpec; used: number } | undefined {
  for (const used of [2, 1]) {
    const name = words.slice(0, used).join(' ');
    const spec = COMMANDS.find((c) => c.name === name);
    if (spec && words.length >= used) return { spec, used };
  }
  return undefined;
}

/** Commands whose first word is `word` (`quota` has four). */
export function commandsNamed(word: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name.split(' ')[0] === word);
}

/** The closest command name to a misspelt one, if any is close. */
export function suggestCommand(word: string): string | undefined {
  return suggestKey(word, [...new Set(COMMANDS.map((c) => c.name.split(' ')[0] as string))]);
}

/** `twinbot usage [--csv|--json] [--tenant T] ...`, from the table, wrapped under itself past `width` columns. */
export function usageLine(spec: CommandSpec, width = 100): string {
  const parts = [`twinbot ${spec.name}`];
  if (spec.args) parts.push(spec.args);
  const oneOf = spec.oneOf ?? [];
  if (oneOf.length > 0) parts.push(`[${oneOf.map((o) => `--${o}`).join('|')}]`);
  for (const [name, option] of Object.entries(spec.options ?? {})) {
    if (oneOf.includes(name)) continue;
    parts.push(option.type === 'string' ? `[--${name} ${option.value ?? 'VALUE'}]` : `[--${name}]`);
  }
  const lines = [parts.shift() as string];
  const indent = ' '.repeat(`twinbot ${spec.name.split(' ')[0]} `.length);
  for (const part of parts) {
    const last = lines.length - 1;
    if ((lines[last] as string).length + 1 + part.length > width) lines.push(`${indent}${part}`);
    else lines[last] = `${lines[last]} ${part}`;
  }
  return lines.join('\n');
}

/** The usage lines of one command, or of every command starting with `word` (`quota`): shown under a mistake. */
export function usageOf(word: string | CommandSpec): string {
  const specs = typeof word === 'string' ? commandsNamed(word) : [word];
  return specs
    .map((s, i) => `${i === 0 ? 'Usage: ' : '       '}${usageLine(s, 93).replace(/\n/g, '\n       ')}`)
    .join('\n');
}

/** The full help text. */
export function helpText(): string {
  const rows = COMMANDS.map((c) => {
    const line = usageLine(c, 96)
      .split('\n')
      .map((l) => l.replace(/^twinbot /, '').replace(/^ {8}/, '  '))
      .join('\n  ');
    return line.length < 30 ? `  ${line.padEnd(30)}${c.summary}` : `  ${line}\n  ${''.padEnd(30)}${c.summary}`;
  });
  return `twinbot — a person's digital twin on Discord and Slack

Usage: twinbot <command> [options]

Commands:
${rows.join('\n')}

In the console chat: type a question; /usage [${USAGE_WINDOW_NAMES}], /help, and exit or quit (or Ctrl-C) to leave.
Configuration comes from the environment and .env (see .env.example and README.md).
`;
}
