/** The real `twinbot start` in a child process, serving HTTP on a free port of 127.0.0.1 (the HTTP API, MCP). */
import { freePort } from './free-port.js';
import { type CliRun, startCli } from './run-cli.js';
import { waitFor } from './wait-for.js';

export interface BotOnPort {
  run: CliRun;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** SIGTERM (once), without waiting. */
  terminate(): void;
  /** SIGTERM (once), then the exit. */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export async function startBotOnPort(env: Record<string, string>, cwd: string): Promise<BotOnPort> {
  const port = await freePort();
  const run = startCli(['start'], { LOG_LEVEL: 'info', ...env, PORT: String(port) }, cwd);
  run.child.stdin!.end();
  let exited = false;
  run.done.then(() => (exited = true));
  await waitFor(() => exited || run.stderr().includes('"event":"twin.health"'), 'the bot to serve HTTP');
  if (exited) throw new Error(`the bot exited at start:\n${run.stderr()}`);
  // why: once: a second SIGTERM meets the default handler and kills the process mid-shutdown.
  let signalled = false;
  const terminate = () => {
    if (exited || signalled) return;
    signalled = true;
    run.child.kill('SIGTERM');
  };
  return {
    run,
    port,
    url: `http://127.0.0.1:${port}`,
    terminate,
    async stop() {
      terminate();
      return run.done;
    },
  };
}
