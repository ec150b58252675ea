/**
 * Process-level handlers for faults nothing else caught (issue 19, item 5).
 * - An unhandled rejection is a promise someone forgot to await: it is logged and the bot keeps serving, because
 *   the work that failed was already off on its own and shared state is intact. (Node's default ends the process.)
 * - An uncaught exception left a stack unwound halfway: state may be broken, so it is not safe to go on. It is
 *   logged, the bot shuts down the way SIGTERM does (answers in flight get their grace), and exits non-zero so
 *   the supervisor restarts it. A second one, or a shutdown that overruns, exits at once.
 */
import type { Logger } from '../core/ports.js';

export interface ProcessGuardOptions {
  logger: Logger;
  /** How long the shutdown after an uncaught exception may take before the process exits anyway. */
  forceExitAfterMs: number;
  /** Ends the process; default `process.exit`. */
  exit?: (code: number) => void;
  /** The process whose events are watched; default the real one. */
  target?: NodeJS.EventEmitter;
}

export interface ProcessGuards {
  /** What to do after an uncaught exception: stop taking work, drain, then let the process end with code 1. */
  onFatal(stop: (reason: string) => void): void;
  /** Unhandled rejections seen so far. */
  readonly rejections: number;
  remove(): void;
}

export function installProcessGuards(options: ProcessGuardOptions): ProcessGuards {
  const { logger, forceExitAfterMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  let stop: ((reason: string) => void) | undefined;
  let rejections = 0;
  let crashing = false;

  const onRejection = (reason: unknown) => {
    rejections++;
    logger.error(
      { event: 'twin.unhandled_rejection', err: reason, count: rejections },
      'a promise failed and nobody handled it; still serving',
    );
  };
  const onException = (err: unknown, origin?: string) => {
    logger.error({ event: 'twin.uncaught_exception', err, origin }, 'an uncaught exception; shutting down');
    if (crashing || !stop) {
      exit(1);
      return;
    }
    crashing = true;
    // why: a shutdown that hangs must not keep a broken process around; the supervisor restarts a fresh one.
    setTimeout(() => {
      logger.error({ event: 'twin.forced_exit', afterMs: forceExitAfterMs }, 'shutdown took too long; exiting');
      exit(1);
    }, forceExitAfterMs).unref();
    try {
      stop('uncaughtException');
    } catch (again) {
      logger.error({ event: 'twin.uncaught_exception', err: again }, 'shutdown failed; exiting');
      exit(1);
    }
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return {
    onFatal(handler) {
      stop = handler;
    },
    get rejections() {
      return rejections;
    },
    remove() {
      target.off('unhandledRejection', onRejection);
      target.off('uncaughtException', onException);
    },
  };
}
