/** A pino destination that keeps every log record, so tests read the log stream instead of mocking the logger. */
import { Writable } from 'node:stream';

export class LogSink extends Writable {
  readonly records: Record<string, unknown>[] = [];

  override _write(chunk: Buffer, _encoding: string, done: (error?: Error | null) => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim()) this.records.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }

  /** Records whose `event` field equals the name. */
  events(name: string): Record<string, unknown>[] {
    return this.records.filter((r) => r.event === name);
  }

  /** Everything logged, as one string (to check that no secret ever appears). */
  text(): string {
    return this.records.map((r) => JSON.stringify(r)).join('\n');
  }
}
