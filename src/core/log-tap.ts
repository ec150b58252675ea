/**
 * The structured log as an event stream (STYLE.md 11: logs are data). Every record the twin writes with an `event`
 * field (`twin.usage` per request, `llm.attempt` per Groq call, `slack.write_failed`, ...) is also handed to the
 * observers, whatever the log level: metrics and alerts subscribe here instead of being wired into the request path.
 */
import type { Logger } from './ports.js';

/** One log record: the child logger's bindings, then the fields of the call. */
export type LogEvent = Record<string, unknown> & { event: string };

export type LogObserver = (event: LogEvent) => void;

/** Observers of the log's events; a failing observer is cut off from that event, never from the log. */
export class LogEvents {
  readonly #observers = new Set<LogObserver>();

  subscribe(observer: LogObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  emit(event: LogEvent): void {
    for (const observer of this.#observers) {
      try {
        observer(event);
      } catch {
        // why: a metrics or alert fault must never break the request that logged; the observer reports its own.
      }
    }
  }
}

/** A logger that writes to `inner` and hands each record with an `event` field to `events`. */
export function tapLogger(inner: Logger, events: LogEvents, bindings: Record<string, unknown> = {}): Logger {
  const observe = (obj: object) => {
    const event = (obj as { event?: unknown }).event;
    if (typeof event === 'string') events.emit({ ...bindings, ...obj, event });
  };
  return {
    debug: (obj, msg) => {
      observe(obj);
      inner.debug(obj, msg);
    },
    info: (obj, msg) => {
      observe(obj);
      inner.info(obj, msg);
    },
    warn: (obj, msg) => {
      observe(obj);
      inner.warn(obj, msg);
    },
    error: (obj, msg) => {
      observe(obj);
      inner.error(obj, msg);
    },
    child: (more) => tapLogger(inner.child(more), events, { ...bindings, ...more }),
  };
}
