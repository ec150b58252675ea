/**
 * Every environment variable twinbot reads, once, as data (STYLE.md 13): its kind, bounds and default validate it
 * (config.ts reads each variable through this table and nothing else), `secret` decides what is redacted from logs
 * and errors, and `.env.example` and the README's configuration table are checked against it by a test.
 * Rules between variables (set together, one needs another) stay in config.ts, in code.
 */
import { QUOTA_LIMITS } from './core/quota-limits.js';
import { DEFAULT_MAX_CONCURRENT } from './llm/gateway/concurrency.js';

/** How a variable's text is read; `custom` ones have their own parser in config.ts. */
export type VariableKind = 'string' | 'url' | 'int' | 'number' | 'bool' | 'list' | 'choice' | 'custom';

export interface ConfigVariable {
  readonly name: string;
  readonly kind: VariableKind;
  /** A credential: its value is never printed, logged or quoted in an error. */
  readonly secret?: boolean;
  /** The value used when the variable is unset (ints, numbers, bools); absent: no value. */
  readonly default?: number | boolean;
  /** Bounds of ints and numbers, inclusive. */
  readonly min?: number;
  readonly max?: number;
  /** The values a `choice` takes (compared in lower case). */
  readonly choices?: readonly string[];
  /** What it is for, in one line. */
  readonly meaning: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const v = (name: string, kind: VariableKind, meaning: string, more: Partial<ConfigVariable> = {}): ConfigVariable => ({
  name,
  kind,
  meaning,
  ...more,
});

/** In the order of `.env.example`. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  v('GROQ_API_KEY', 'string', 'Groq key; without it the twin answers offline', { secret: true }),
  v('GROQ_BASE_URL', 'url', 'Groq endpoint (groq-sdk appends /openai/v1/...)'),
  v('GROQ_MODEL', 'string', 'the model; default: the model catalogue’s DEFAULT_MODEL'),
  v('GROQ_FALLBACK_MODELS', 'list', 'models tried in order when the model is retired, missing, exhausted or failing'),
  v('GROQ_TEMPERATURE', 'number', 'sampling temperature', { default: 0.7, min: 0, max: 2 }),
  v('GROQ_MAX_TOKENS', 'int', 'completion limit sent with every call', { default: 500, min: 1, max: 131_072 }),
  v('GROQ_TIMEOUT', 'number', 'seconds an attempt may wait for the first byte', { default: 30, min: 1, max: 600 }),
  v('GROQ_STALL_S', 'number', 'seconds a stream may sit idle after its first token before it is abandoned', {
    default: 5,
    min: 0.5,
    max: 600,
  }),
  v('GROQ_RPM', 'int', 'the account’s requests per minute, per model', { min: 1 }),
  v('GROQ_TPM', 'int', 'the account’s tokens per minute, per model', { min: 1 }),
  v('GROQ_RPD', 'int', 'the account’s requests per day, per model', { min: 1 }),
  v('GROQ_TPD', 'int', 'the account’s tokens per day, per model', { min: 1 }),
  v('GROQ_MAX_CONCURRENT', 'int', 'most Groq calls in flight; below it, about RPM x answer time / 60 (at least 2)', {
    default: DEFAULT_MAX_CONCURRENT,
    min: 1,
    max: 10_000,
  }),
  v('TWIN_DEADLINE_S', 'number', 'every question gets its final reply within this', { default: 45, min: 5, max: 900 }),
  v('TWIN_MAX_QUEUE_PER_TENANT', 'int', 'questions one tenant may have waiting', {
    default: 100,
    min: 1,
    max: 100_000,
  }),
  v('TWIN_USER_RATE', 'custom', 'per-user flood guard: "10/min, 3 at a time"'),
  v('TWIN_SHUTDOWN_GRACE_S', 'number', 'time answers in flight get on SIGTERM', { default: 20, min: 0, max: 600 }),
  v('TWIN_PROFILE', 'custom', 'path of the profile JSON'),
  v('TWIN_SHARE_SALARY', 'bool', 'may the twin share the salary section', { default: false }),
  v('TWIN_SHARE_CONTACT', 'bool', 'may the twin share contact details', { default: true }),
  v('TWIN_SHARE_PHONE', 'bool', 'may the twin share phone numbers', { default: false }),
  v('TWIN_ADMINS', 'list', 'platform user ids that count as admins in any tenant'),
  v('TWIN_EXPERIMENT', 'custom', 'A/B arms: "name=<experiment>;model=...,temperature=...,weight=...;model=..."'),
  v('TWIN_EXPERIMENT_FILE', 'custom', 'the experiment as a JSON file, instead of TWIN_EXPERIMENT'),
  v('TWIN_CACHE_TTL_S', 'int', 'seconds an answer is reused for the same question, profile version and arm; 0: off', {
    default: 3600,
    min: 0,
    max: 604_800,
  }),
  ...QUOTA_LIMITS.map((l) =>
    v(
      l.env,
      l.unit === 'dollars' ? 'number' : 'int',
      `default quota of every tenant: ${l.label}`,
      l.unit === 'dollars' ? { min: 0, max: 1e9 } : { min: 0 },
    ),
  ),
  v('UPSTASH_VECTOR_REST_URL', 'url', 'Upstash Vector REST URL'),
  v('UPSTASH_VECTOR_REST_TOKEN', 'string', 'Upstash Vector token', { secret: true }),
  v('TWIN_NAMESPACE', 'string', 'this twin’s Upstash namespace'),
  v('TWIN_AUTO_SYNC', 'bool', 'sync the profile into Upstash at start', { default: false }),
  v('DISCORD_TOKEN', 'string', 'the Discord bot token', { secret: true }),
  v('DISCORD_APPLICATION_ID', 'string', 'the Discord application id'),
  v('DISCORD_API_URL', 'url', 'REST base for proxies and tests (without /v10)'),
  v('DISCORD_MESSAGE_CONTENT', 'bool', 'read all message text (privileged intent)', { default: false }),
  v('SLACK_BOT_TOKEN', 'string', 'the Slack bot token (xoxb-)', { secret: true }),
  v('SLACK_APP_TOKEN', 'string', 'the Slack app-level token for Socket Mode (xapp-)', { secret: true }),
  v('SLACK_SIGNING_SECRET', 'string', 'the Slack signing secret for HTTP mode', { secret: true }),
  v('SLACK_API_URL', 'url', 'Web API base ending in /api/'),
  v('SLACK_CLIENT_ID', 'string', 'distributable Slack app: client id'),
  v('SLACK_CLIENT_SECRET', 'string', 'distributable Slack app: client secret', { secret: true }),
  v('SLACK_STATE_SECRET', 'string', 'distributable Slack app: OAuth state secret', { secret: true }),
  v('TWIN_ENCRYPTION_KEY', 'custom', '32-byte keys that encrypt stored installations', { secret: true }),
  v('TWIN_API_KEYS', 'custom', '`name:key` pairs for the HTTP API and MCP doors; the name is the tenant `api:<name>`', {
    secret: true,
  }),
  v('TWIN_API_CORS_ORIGINS', 'list', 'origins a browser may call the HTTP API from'),
  v('TWIN_MCP', 'bool', 'also serve MCP over Streamable HTTP at /mcp on PORT', { default: false }),
  v('PORT', 'int', 'serve HTTP on this port', { min: 1, max: 65_535 }),
  v('TWIN_METRICS', 'bool', 'serve Prometheus metrics at GET /metrics on PORT', { default: false }),
  v('TWIN_METRICS_TOKEN', 'string', 'bearer token /metrics requires (turns /metrics on)', { secret: true }),
  v('TWIN_METRICS_TENANTS', 'list', 'tenants that get their own `tenant` label in the metrics; the rest are "other"'),
  v('TWIN_DASHBOARD_TOKEN', 'string', 'serve the usage dashboard at /dashboard on PORT to whoever holds it', {
    secret: true,
  }),
  v(
    'TWIN_PUBLIC_URL',
    'url',
    'the address people reach PORT at, for the dashboard links `/twin-usage dashboard` gives',
  ),
  v('TWIN_ALERT_WEBHOOK_URL', 'url', 'JSON POST `{text}` for every quota and Groq-limit alert', { secret: true }),
  v('DATABASE_URL', 'custom', 'the usage ledger database'),
  v('TWIN_USAGE_RETENTION_DAYS', 'int', 'days of raw usage records kept', { default: 90, min: 31, max: 36_500 }),
  v('REDIS_URL', 'custom', 'Redis shared by replicas: Groq budgets, Slack state, the Discord leader', { secret: true }),
  v('TWIN_REPLICAS', 'int', 'replicas expected; each keeps to limit / this while Redis is unreachable', {
    default: 1,
    min: 1,
    max: 1_000,
  }),
  v(
    'DISCORD_LEADER_TTL_S',
    'number',
    'seconds a dead Discord leader keeps the gateway before another replica takes it',
    {
      default: 15,
      min: 1,
      max: 300,
    },
  ),
  v('LOG_LEVEL', 'choice', 'pino level', { choices: LOG_LEVELS }),
];

/** The table's row of a variable; a name not in the table is a programming error. */
export function configVariable(name: string): ConfigVariable {
  const found = CONFIG_VARIABLES.find((c) => c.name === name);
  if (!found) throw new Error(`${name} is not in CONFIG_VARIABLES (src/config-variables.ts)`);
  return found;
}

/** The values of the secret variables in an environment (list items one by one): what must never be shown. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  const found = new Set<string>();
  for (const c of CONFIG_VARIABLES) {
    const raw = env[c.name]?.trim();
    if (!c.secret || !raw) continue;
    found.add(raw);
    for (const item of raw.split(',')) if (item.trim()) found.add(item.trim());
  }
  return [...found];
}
