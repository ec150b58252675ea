/**
 * `twinbot mcp`: the twin as an MCP server over stdio, the command Claude Desktop or an IDE starts. stdout is the
 * protocol's alone; logs go to stderr. It ends when the client closes stdin (answers in flight finish first) or on
 * SIGINT/SIGTERM.
 */
import type { Readable, Writable } from 'node:stream';
import { McpStdioDoor } from '../adapters/mcp/mcp-stdio-door.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/ports.js';
import { buildApp } from '../main.js';
import { profileSearch, TWINBOT_VERSION } from './doors.js';

export async function runMcp(
  config: Config,
  logger: Logger,
  io: { stdin: Readable; stdout: Writable } = { stdin: process.stdin, stdout: process.stdout },
): Promise<number> {
  const app = await buildApp(config, logger);
  const door = new McpStdioDoor({
    twin: app.twin,
    search: profileSearch(app.retriever),
    version: TWINBOT_VERSION,
    stdin: io.stdin,
    stdout: io.stdout,
  });
  let graceMs = config.twin.shutdownGraceMs;
  let quit: () => void = () => {};
  const signalled = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const onSignal = () => {
    graceMs = Math.min(graceMs, 5_000);
    quit();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await door.start();
    logger.info({ event: 'twin.adapter_started', adapter: 'mcp-stdio' }, 'MCP server on stdio');
    await Promise.race([door.whenClosed(), signalled]);
    await app.twin.close(graceMs);
    await door.stop(0);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await app.close();
  }
  return 0;
}
