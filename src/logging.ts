/**
 * pino on stderr (stdout belongs to answers in scripted console mode), with keys and tokens redacted wherever
 * they might appear in a logged object, and credentials scrubbed from every logged text: messages, string fields
 * and serialised errors (an SDK's error text can quote a URL with its password, or a header).
 */
import pino from 'pino';
import type { Config } from './config.js';
import type { Logger } from './core/ports.js';
import { scrubDeep, scrubSecrets, userInfoSecrets } from './core/scrub-secrets.js';

const SECRET_KEYS = [
  'apiKey',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'clientSecret',
  'stateSecret',
  'authorization',
  'Authorization',
  'password',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  'req.headers.authorization',
  'err.headers.authorization',
];

/**
 * Every credential value in the configuration, for scrubbing: the variables the configuration table marks secret
 * (config-variables.ts) and the password of any URL's user info.
 */
export function configSecrets(config: Config): string[] {
  const found = new Set<string>(config.secrets);
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const password of userInfoSecrets(value)) found.add(password);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) walk(item);
    }
  };
  walk(config);
  return [...found];
}

/**
 * Creates the process logger. `destination` defaults to stderr (fd 2); `secrets` (see `configSecrets`) are scrubbed
 * from every logged text besides URL user info, which always is.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
  secrets: readonly string[] = [],
): Logger {
  const scrub = (value: unknown) => scrubDeep(value, secrets);
  return pino(
    {
      level,
      base: { app: 'twinbot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        // why: the serialised error has pino's own prototype; spread it so its fields are walked like a plain object.
        err: (err) => {
          const serialised: unknown = pino.stdSerializers.err(err);
          return scrub(typeof serialised === 'object' && serialised !== null ? { ...serialised } : serialised);
        },
        msg: (msg: unknown) => (typeof msg === 'string' ? scrubSecrets(msg, secrets) : msg),
      },
      // why: runs before the serializers; errors are left to the `err` serializer above.
      formatters: { log: (record) => scrub(record) as Record<string, unknown> },
    },
    destination,
  ) as unknown as Logger;
}

export { scrubSecrets };
