/** A Logger that drops everything, for tests that read no logs (those that do use LogSink). */
import type { Logger } from '../../src/core/ports.js';

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
