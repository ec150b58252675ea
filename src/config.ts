/**
 * The only reader of process.env (DESIGN.md "Configuration"). Every variable is validated and every problem is
 * reported at once, in one error, without ever echoing a secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configVariable, secretValues } from './config-variables.js';
import { TwinError } from './core/errors.js';
import type { Experiment } from './core/experiments/experiment.js';
import {
  type ParsedExperiment,
  type PromptFileReader,
  parseExperimentJson,
  parseExperimentSpec,
} from './core/experiments/parse-experiment.js';
import { QUOTA_LIMITS } from './core/quota-limits.js';
import { stripUserInfo } from './core/scrub-secrets.js';
import type { TenantQuota } from './core/types.js';
import { DEFAULT_MODEL } from './llm/model-catalog.js';

export const SAMPLE_PROFILE_PATH = fileURLToPath(new URL('../profiles/sample.json', import.meta.url));

export interface Config {
  groq: {
    apiKey?: string;
    baseURL?: string;
    model: string;
    fallbackModels: string[];
    temperature: number;
    maxTokens: number;
    timeoutMs: number;
    /** GROQ_STALL_S: how long a stream may stay silent after its first token before the attempt is abandoned. */
    stallMs: number;
    /** Account limits applied to every configured model; undefined: the catalog's free-plan limits. */
    limits: { rpm?: number; tpm?: number; rpd?: number; tpd?: number };
    /** GROQ_MAX_CONCURRENT: the ceiling on calls in flight; the gateway derives the cap in force below it. */
    maxConcurrent: number;
  };
  twin: {
    deadlineMs: number;
    maxQueuePerTenant: number;
    userRate: { perMinute: number; concurrent: number };
    shutdownGraceMs: number;
    profilePath: string;
    namespace?: string;
    autoSync: boolean;
    admins: string[];
    shareSalary: boolean;
    shareContact: boolean;
    /** Share sentences holding a phone number (TWIN_SHARE_PHONE); off by default. */
    sharePhone: boolean;
    /** Default quota of every tenant; `twinbot quota set` overrides it per tenant. */
    quota: TenantQuota;
    /** TWIN_CACHE_TTL_S in ms: how long an answer is reused; 0 turns the answer cache off. */
    cacheTtlMs: number;
  };
  /** TWIN_EXPERIMENT or TWIN_EXPERIMENT_FILE: the A/B arms; absent, every request runs as configured. */
  experiment?: Experiment;
  upstash?: { url: string; token: string };
  discord?: { token: string; applicationId: string; apiUrl?: string; messageContent: boolean };
  slack?: {
    botToken?: string;
    appToken?: string;
    signingSecret?: string;
    apiUrl?: string;
    oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  };
  port?: number;
  /**
   * TWIN_API_KEYS, TWIN_API_CORS_ORIGINS, TWIN_MCP: the OpenAI-compatible API (and MCP over HTTP) on PORT. Each client
   * is a key name (its tenant is `api:<name>`) and its key.
   */
  api?: { clients: ApiClient[]; corsOrigins: string[]; mcp: boolean };
  /** The operator's view on PORT (issue 14): metrics, the dashboard, alerts. */
  operator: OperatorConfig;
  /**
   * TWIN_ENCRYPTION_KEY: 32-byte keys that encrypt stored installation tokens; the first encrypts, all decrypt
   * (rotation). Empty when unset; required with Slack OAuth.
   */
  encryptionKeys: Uint8Array[];
  databaseUrl: string;
  /** Several replicas (README "Running several replicas"): what they share through Redis. */
  replicas: {
    /** REDIS_URL: when set, Groq budgets, Slack state and the Discord leader lock live there. */
    redisUrl?: string;
    /** TWIN_REPLICAS: replicas expected; each one's share of the Groq limits while Redis is unreachable. */
    count: number;
    /** DISCORD_LEADER_TTL_S in ms: how long the Discord gateway lock lasts unrenewed. */
    discordLeaderTtlMs: number;
  };
  /** Days of raw usage records kept before they are rolled up into daily totals. */
  usageRetentionDays: number;
  /** LOG_LEVEL when set; otherwise the caller picks (info, or warn under an interactive chat). */
  logLevel?: string;
  /** The values of the variables the table marks secret (config-variables.ts): scrubbed from every log and error. */
  secrets: string[];
}

export interface OperatorConfig {
  /** TWIN_METRICS / TWIN_METRICS_TOKEN: GET /metrics, with the bearer token when one is set. */
  metrics?: { token?: string; tenants: string[] };
  /** TWIN_DASHBOARD_TOKEN (and TWIN_PUBLIC_URL for tenant links). */
  dashboard?: { token: string; publicUrl?: string };
  alertWebhookUrl?: string;
}

/** One TWIN_API_KEYS entry: the name (tenant `api:<name>`) and the bearer key that proves it. */
export interface ApiClient {
  name: string;
  key: string;
}

type Env = Record<string, string | undefined>;

/** Reads variables through their row of the table (config-variables.ts), collecting every problem. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string): string | undefined {
    configVariable(name);
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  /** An int or number with a default in the table. */
  num(name: string): number {
    const spec = configVariable(name);
    if (typeof spec.default !== 'number') throw new Error(`${name} has no numeric default in CONFIG_VARIABLES`);
    return this.optionalNum(name) ?? spec.default;
  }

  /** An int or number; undefined when unset (or refused, with a problem noted). */
  optionalNum(name: string): number | undefined {
    const spec = configVariable(name);
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    const integer = spec.kind === 'int';
    const [min, max] = [spec.min ?? 0, spec.max ?? Number.MAX_SAFE_INTEGER];
    const n = Number(raw);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      this.problems.push(`${name} must be ${integer ? 'a whole number' : 'a number'}, got "${raw}"`);
      return undefined;
    }
    if (n < min || n > max) {
      this.problems.push(`${name} must be between ${min} and ${max}, got ${raw}`);
      return undefined;
    }
    return n;
  }

  bool(name: string): boolean {
    const fallback = configVariable(name).default === true;
    const raw = this.str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be 1 or 0, got "${raw}"`);
    return fallback;
  }

  url(name: string): string | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return raw;
    } catch {
      this.problems.push(`${name} must be an http:// or https:// URL, got "${raw}"`);
      return undefined;
    }
  }

  list(name: string): string[] {
    return (this.str(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  choice(name: string): string | undefined {
    const choices = configVariable(name).choices ?? [];
    const raw = this.str(name)?.toLowerCase();
    if (raw !== undefined && !choices.includes(raw)) {
      this.problems.push(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
    }
    return raw;
  }
}

/** "10/min, 3 at a time", "10/min,3", "10" */
function parseUserRate(r: Reader): { perMinute: number; concurrent: number } {
  const raw = r.str('TWIN_USER_RATE');
  const fallback = { perMinute: 10, concurrent: 3 };
  if (raw === undefined) return fallback;
  const m = raw.match(/^\s*(\d+)\s*(?:\/\s*min(?:ute)?)?\s*(?:,\s*(\d+)(?:\s*at a time)?)?\s*$/i);
  if (!m) {
    r.problems.push(`TWIN_USER_RATE must look like "10/min, 3 at a time", got "${raw}"`);
    return fallback;
  }
  const perMinute = Number(m[1]);
  const concurrent = m[2] === undefined ? fallback.concurrent : Number(m[2]);
  if (perMinute < 1 || concurrent < 1) {
    r.problems.push(`TWIN_USER_RATE needs at least 1 per minute and 1 at a time, got "${raw}"`);
    return fallback;
  }
  return { perMinute, concurrent };
}

/** TWIN_API_KEYS: `name:key,...`; names and keys unique. A problem names the entry, never quotes a key. */
function parseApiClients(r: Reader): ApiClient[] {
  const clients: ApiClient[] = [];
  for (const [i, entry] of r.list('TWIN_API_KEYS').entries()) {
    const colon = entry.indexOf(':');
    const name = colon > 0 ? entry.slice(0, colon).trim() : '';
    const key = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!/^[\w.-]{1,64}$/.test(name) || key === '') {
      r.problems.push(`TWIN_API_KEYS entry ${i + 1} must look like name:key (name of letters, digits, . _ -)`);
      continue;
    }
    if (clients.some((c) => c.name === name)) r.problems.push(`TWIN_API_KEYS names "${name}" twice`);
    else if (clients.some((c) => c.key === key)) r.problems.push(`TWIN_API_KEYS entry ${i + 1} repeats another's key`);
    else clients.push({ name, key });
  }
  return clients;
}

/** TWIN_API_CORS_ORIGINS: exact origins (`https://example.com`), as a browser sends them in `Origin`. */
function parseCorsOrigins(r: Reader): string[] {
  const origins = r.list('TWIN_API_CORS_ORIGINS');
  for (const origin of origins) {
    let ok = false;
    try {
      const u = new URL(origin);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin;
    } catch {}
    if (!ok) r.problems.push(`TWIN_API_CORS_ORIGINS must list origins like https://example.com, got "${origin}"`);
  }
  return origins;
}

/** TWIN_ENCRYPTION_KEY: comma-separated 32-byte keys, each as 64 hex digits or base64 (`openssl rand -base64 32`). */
function parseEncryptionKeys(r: Reader): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (const [i, raw] of r.list('TWIN_ENCRYPTION_KEY').entries()) {
    const bytes = /^[0-9a-f]{64}$/i.test(raw)
      ? Buffer.from(raw, 'hex')
      : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw)
        ? Buffer.from(raw, 'base64')
        : undefined;
    // why: a key is a secret: the message says which one is wrong, never what it is.
    if (bytes?.length !== 32) {
      r.problems.push(
        `TWIN_ENCRYPTION_KEY key ${i + 1} must be 32 bytes as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`,
      );
      continue;
    }
    keys.push(new Uint8Array(bytes));
  }
  return keys;
}

function parseDatabaseUrl(r: Reader, cwd: string): string {
  const raw = r.str('DATABASE_URL');
  if (raw === undefined) return `file:${resolve(cwd, 'data', 'twinbot.db')}`;
  if (raw === ':memory:' || /^(libsql|https?|wss?|postgres|postgresql):\/\//.test(raw)) return raw;
  if (raw.startsWith('file:')) {
    const path = raw.slice('file:'.length);
    return isAbsolute(path) ? raw : `file:${resolve(cwd, path)}`;
  }
  r.problems.push(
    `DATABASE_URL must look like file:/absolute/path/twin.db, libsql://... or postgres://user:password@host:5432/db, got "${stripUserInfo(raw)}"`,
  );
  return `file:${resolve(cwd, 'data', 'twinbot.db')}`;
}

/** REDIS_URL: redis:// or rediss://. Its value is never quoted back: it may hold a password. */
function parseRedisUrl(r: Reader): string | undefined {
  const raw = r.str('REDIS_URL');
  if (raw === undefined) return undefined;
  try {
    const protocol = new URL(raw).protocol;
    if (protocol === 'redis:' || protocol === 'rediss:') return raw;
  } catch {
    // reported below
  }
  r.problems.push('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0');
  return undefined;
}

/** Reads and validates the environment. Throws one TwinError('config') listing every problem. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const r = new Reader(env);
  const profileRaw = r.str('TWIN_PROFILE');
  const profilePath = profileRaw ? resolve(cwd, profileRaw) : SAMPLE_PROFILE_PATH;
  if (profileRaw && !existsSync(profilePath))
    r.problems.push(`TWIN_PROFILE points to ${profilePath}, which does not exist`);

  const upstashUrl = r.url('UPSTASH_VECTOR_REST_URL');
  const upstashToken = r.str('UPSTASH_VECTOR_REST_TOKEN');
  if (Boolean(r.str('UPSTASH_VECTOR_REST_URL')) !== Boolean(upstashToken)) {
    r.problems.push('UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN must be set together');
  }

  const discordToken = r.str('DISCORD_TOKEN');
  const discordAppId = r.str('DISCORD_APPLICATION_ID');
  if (discordToken && !discordAppId) r.problems.push('DISCORD_APPLICATION_ID is required with DISCORD_TOKEN');
  if (discordAppId && !/^\d{5,25}$/.test(discordAppId)) {
    r.problems.push(`DISCORD_APPLICATION_ID must be a numeric id, got "${discordAppId}"`);
  }
  const discordApi = r.url('DISCORD_API_URL');

  const port = r.optionalNum('PORT');
  const slackBot = r.str('SLACK_BOT_TOKEN');
  const slackApp = r.str('SLACK_APP_TOKEN');
  const slackSecret = r.str('SLACK_SIGNING_SECRET');
  const slackApi = r.url('SLACK_API_URL');
  const slackOauth = {
    clientId: r.str('SLACK_CLIENT_ID'),
    clientSecret: r.str('SLACK_CLIENT_SECRET'),
    stateSecret: r.str('SLACK_STATE_SECRET'),
  };
  const oauthSet = Object.values(slackOauth).filter(Boolean).length;
  if (oauthSet > 0 && oauthSet < 3) {
    r.problems.push('SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET must be set together');
  }
  if (oauthSet === 3 && slackBot) {
    r.problems.push(
      'set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SECRET/STATE_SECRET (many), not both',
    );
  }
  if (oauthSet === 3 && !slackApp && !slackSecret) {
    r.problems.push(
      'the Slack OAuth install flow needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)',
    );
  }
  if (oauthSet === 3 && port === undefined)
    r.problems.push('the Slack OAuth install flow serves its pages on PORT: set it');
  const encryptionKeys = parseEncryptionKeys(r);
  if (oauthSet === 3 && r.str('TWIN_ENCRYPTION_KEY') === undefined) {
    r.problems.push(
      'the Slack OAuth install flow stores bot tokens: set TWIN_ENCRYPTION_KEY (e.g. `openssl rand -base64 32`) to encrypt them',
    );
  }
  if (slackApi && !slackApi.endsWith('/api/')) r.problems.push(`SLACK_API_URL must end in /api/, got "${slackApi}"`);
  if (slackBot && !slackApp && !slackSecret) {
    r.problems.push('SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  }
  if ((slackApp || slackSecret) && !slackBot && oauthSet < 3) {
    r.problems.push('SLACK_APP_TOKEN or SLACK_SIGNING_SECRET needs SLACK_BOT_TOKEN (or the SLACK_CLIENT_* OAuth trio)');
  }
  if (slackSecret && !slackApp && port === undefined)
    r.problems.push('Slack HTTP mode (SLACK_SIGNING_SECRET) needs PORT');

  const apiClients = parseApiClients(r);
  const corsOrigins = parseCorsOrigins(r);
  const mcpHttp = r.bool('TWIN_MCP');
  if (mcpHttp && apiClients.length === 0) r.problems.push('TWIN_MCP=1 needs TWIN_API_KEYS (its bearer tokens)');
  if (corsOrigins.length > 0 && apiClients.length === 0) r.problems.push('TWIN_API_CORS_ORIGINS needs TWIN_API_KEYS');

  const logLevel = r.choice('LOG_LEVEL');
  const operator = readOperator(r);

  const config: Config = {
    groq: {
      apiKey: r.str('GROQ_API_KEY'),
      baseURL: r.url('GROQ_BASE_URL'),
      model: r.str('GROQ_MODEL') ?? DEFAULT_MODEL,
      fallbackModels: r.list('GROQ_FALLBACK_MODELS'),
      temperature: r.num('GROQ_TEMPERATURE'),
      maxTokens: r.num('GROQ_MAX_TOKENS'),
      timeoutMs: r.num('GROQ_TIMEOUT') * 1000,
      stallMs: r.num('GROQ_STALL_S') * 1000,
      limits: {
        rpm: r.optionalNum('GROQ_RPM'),
        tpm: r.optionalNum('GROQ_TPM'),
        rpd: r.optionalNum('GROQ_RPD'),
        tpd: r.optionalNum('GROQ_TPD'),
      },
      maxConcurrent: r.num('GROQ_MAX_CONCURRENT'),
    },
    twin: {
      deadlineMs: r.num('TWIN_DEADLINE_S') * 1000,
      maxQueuePerTenant: r.num('TWIN_MAX_QUEUE_PER_TENANT'),
      userRate: parseUserRate(r),
      shutdownGraceMs: r.num('TWIN_SHUTDOWN_GRACE_S') * 1000,
      profilePath,
      namespace: r.str('TWIN_NAMESPACE'),
      autoSync: r.bool('TWIN_AUTO_SYNC'),
      admins: r.list('TWIN_ADMINS'),
      shareSalary: r.bool('TWIN_SHARE_SALARY'),
      shareContact: r.bool('TWIN_SHARE_CONTACT'),
      sharePhone: r.bool('TWIN_SHARE_PHONE'),
      quota: readQuotaDefaults(r),
      cacheTtlMs: r.num('TWIN_CACHE_TTL_S') * 1000,
    },
    experiment: readExperiment(r, cwd),
    upstash: upstashUrl && upstashToken ? { url: upstashUrl, token: upstashToken } : undefined,
    discord:
      discordToken && discordAppId
        ? {
            token: discordToken,
            applicationId: discordAppId,
            apiUrl: discordApi,
            messageContent: r.bool('DISCORD_MESSAGE_CONTENT'),
          }
        : undefined,
    slack:
      slackBot || oauthSet === 3
        ? {
            botToken: slackBot,
            appToken: slackApp,
            signingSecret: slackSecret,
            apiUrl: slackApi,
            oauth:
              oauthSet === 3
                ? {
                    clientId: slackOauth.clientId!,
                    clientSecret: slackOauth.clientSecret!,
                    stateSecret: slackOauth.stateSecret!,
                  }
                : undefined,
          }
        : undefined,
    port,
    api: apiClients.length > 0 ? { clients: apiClients, corsOrigins, mcp: mcpHttp } : undefined,
    operator,
    encryptionKeys,
    databaseUrl: parseDatabaseUrl(r, cwd),
    replicas: {
      redisUrl: parseRedisUrl(r),
      count: r.num('TWIN_REPLICAS'),
      discordLeaderTtlMs: r.num('DISCORD_LEADER_TTL_S') * 1_000,
    },
    // why: at least 31 days so a 30-day report's percentiles stay exact (rolled-up days keep histograms only).
    usageRetentionDays: r.num('TWIN_USAGE_RETENTION_DAYS'),
    logLevel,
    // why: a TWIN_API_KEYS entry is name:key; the name is a tenant (shown), the key a secret (scrubbed).
    secrets: [...secretValues(env), ...apiClients.map((c) => c.key)],
  };
  if (r.problems.length > 0) {
    const list = r.problems.map((p) => `  - ${p}`).join('\n');
    // why: a problem quotes the value it refuses, and a URL's user info holds a password.
    throw new TwinError(
      'config',
      stripUserInfo(
        `twinbot cannot start: the configuration has ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:\n${list}`,
      ),
    );
  }
  return config;
}

/** TWIN_EXPERIMENT or TWIN_EXPERIMENT_FILE (one of them); prompt files are read now, so a bad path stops the start. */
function readExperiment(r: Reader, cwd: string): Experiment | undefined {
  const spec = r.str('TWIN_EXPERIMENT');
  const file = r.str('TWIN_EXPERIMENT_FILE');
  if (spec !== undefined && file !== undefined) {
    r.problems.push('set TWIN_EXPERIMENT or TWIN_EXPERIMENT_FILE, not both');
    return undefined;
  }
  const reader =
    (base: string): PromptFileReader =>
    (path) => {
      const full = resolve(base, path);
      try {
        return { text: readFileSync(full, 'utf8') };
      } catch (err) {
        return { problem: `cannot read ${full} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})` };
      }
    };
  let parsed: ParsedExperiment | undefined;
  if (spec !== undefined) parsed = parseExperimentSpec(spec, reader(cwd));
  if (file !== undefined) {
    const path = resolve(cwd, file);
    let json: string | undefined;
    try {
      json = readFileSync(path, 'utf8');
    } catch (err) {
      r.problems.push(
        `TWIN_EXPERIMENT_FILE points to ${path}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      );
    }
    // why: a prompt file named in the experiment file is found beside it, wherever twinbot is started from.
    if (json !== undefined) parsed = parseExperimentJson(path, json, reader(dirname(path)));
  }
  if (parsed) r.problems.push(...parsed.problems);
  return parsed?.experiment;
}

/** TWIN_QUOTA_*: the default quota of every tenant, one variable per limit (core/quota-limits.ts, config-variables.ts). */
function readQuotaDefaults(r: Reader): TenantQuota {
  const quota: TenantQuota = {};
  for (const { env, field } of QUOTA_LIMITS) {
    const value = r.optionalNum(env);
    if (value !== undefined) quota[field] = value;
  }
  return quota;
}

/** Loads `.env` from the working directory when present (DESIGN.md); real environment variables win. */
export function loadDotEnv(cwd = process.cwd()): void {
  const path = resolve(cwd, '.env');
  if (existsSync(path)) process.loadEnvFile(path);
}

/** TWIN_METRICS*, TWIN_DASHBOARD_TOKEN, TWIN_PUBLIC_URL, TWIN_ALERT_WEBHOOK_URL. */
function readOperator(r: Reader): OperatorConfig {
  const metricsToken = r.str('TWIN_METRICS_TOKEN');
  const metricsOn = r.bool('TWIN_METRICS') || metricsToken !== undefined;
  const tenants = r.list('TWIN_METRICS_TENANTS');
  const dashboardToken = r.str('TWIN_DASHBOARD_TOKEN');
  const publicUrl = r.url('TWIN_PUBLIC_URL')?.replace(/\/+$/, '');
  if (dashboardToken !== undefined && dashboardToken.length < 16) {
    r.problems.push('TWIN_DASHBOARD_TOKEN must be at least 16 characters (e.g. `openssl rand -hex 24`)');
  }
  if (publicUrl && !dashboardToken) r.problems.push('TWIN_PUBLIC_URL is for dashboard links: set TWIN_DASHBOARD_TOKEN');
  return {
    metrics: metricsOn ? { token: metricsToken, tenants } : undefined,
    dashboard: dashboardToken ? { token: dashboardToken, publicUrl } : undefined,
    alertWebhookUrl: r.url('TWIN_ALERT_WEBHOOK_URL'),
  };
}
