/**
 * pino's JSON lines made readable for a person at a terminal: `12:04:05 WARN  message (key=value …)`, one line
 * each, the level coloured. Logs stay JSON when stderr is not a terminal (a supervisor or log collector reads them).
 */
import { Writable } from 'node:stream';

const LEVELS: Record<number, { name: string; colour: number }> = {
  10: { name: 'TRACE', colour: 90 },
  20: { name: 'DEBUG', colour: 90 },
  30: { name: 'INFO', colour: 36 },
  40: { name: 'WARN', colour: 33 },
  50: { name: 'ERROR', colour: 31 },
  60: { name: 'FATAL', colour: 31 },
};

/** Fields every line has or a person does not need: pino's own, and the machine-readable event name. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'app', 'msg', 'event', 'err']);

export interface HumanLogOptions {
  colour: boolean;
  /** Print error stacks (debug level and below). */
  stacks?: boolean;
}

/** Formats one pino JSON record as one line (a stack, when asked for, on the lines under it). */
export function formatLogRecord(line: string, options: HumanLogOptions): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${line}\n`;
  }
  const level = LEVELS[Number(record.level)] ?? { name: String(record.level), colour: 0 };
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
  const paint = (code: number, text: string) => (options.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const err = record.err as { message?: string; stack?: string } | undefined;
  let text = typeof record.msg === 'string' ? record.msg : '';
  if (err?.message && !text.includes(err.message)) text = text ? `${text}: ${err.message}` : err.message;
  const details = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  let out = `${paint(90, time)} ${paint(level.colour, level.name.padEnd(5))} ${text}`;
  if (details) out += ` ${paint(90, `(${details.length > 200 ? `${details.slice(0, 199)}…` : details})`)}`;
  if (options.stacks && err?.stack) out += `\n${paint(90, err.stack)}`;
  return `${out}\n`;
}

/** A pino destination writing formatted lines to `target` (stderr). */
export function humanLogStream(target: NodeJS.WritableStream, options: HumanLogOptions): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim()) target.write(formatLogRecord(line, options));
        newline = pending.indexOf('\n');
      }
      done();
    },
  });
}
