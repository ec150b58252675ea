/**
 * Bolt, the Web API client and the Socket Mode client log through @slack/logger's interface; this sends those lines
 * to our structured logger (one record each, `event: "slack.sdk"`), so nothing goes to stdout behind pino's back.
 */
import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

function describe(parts: unknown[]): { msg: string; err?: unknown } {
  const err = parts.find((p) => p instanceof Error);
  const msg = parts
    .filter((p) => p !== err)
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ');
  return err === undefined ? { msg } : { msg: msg || (err as Error).message, err };
}

/** Wraps our logger for the Slack SDKs. `level` filters before the record is built (the SDKs log a lot at debug). */
export function boltLogger(logger: Logger, level: LogLevel = LogLevel.INFO): BoltLogger {
  let current = level;
  let name = 'slack';
  const emit = (at: LogLevel, parts: unknown[]) => {
    if (ORDER[at] < ORDER[current]) return;
    const { msg, err } = describe(parts);
    const record = err === undefined ? { event: 'slack.sdk', sdk: name } : { event: 'slack.sdk', sdk: name, err };
    logger[at](record, msg);
  };
  return {
    debug: (...msg: unknown[]) => emit(LogLevel.DEBUG, msg),
    info: (...msg: unknown[]) => emit(LogLevel.INFO, msg),
    warn: (...msg: unknown[]) => emit(LogLevel.WARN, msg),
    error: (...msg: unknown[]) => emit(LogLevel.ERROR, msg),
    setLevel: (l: LogLevel) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n: string) => {
      name = n;
    },
  };
}
