/**
 * pino on stderr (stdout belongs to answers in scripted console mode), with keys and tokens redacted wherever
 * they might appear in a logged object.
 */
import pino from 'pino';
import type { Logger } from './core/ports.js';

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

/** Creates the process logger. `destination` defaults to stderr (fd 2). */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { app: 'twinbot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  ) as unknown as Logger;
}

/** Removes known secret values from a free text (an SDK error message can quote a header). */
export function scrubSecrets(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join('[redacted]');
  return out;
}
