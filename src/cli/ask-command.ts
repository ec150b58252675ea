/** `twinbot ask "question"`: one answer on stdout (sources under it), failures on stderr with exit code 1. */
import { sourcesLine } from '../adapters/console/console-adapter.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/ports.js';
import { buildApp } from '../main.js';

export async function runAsk(config: Config, logger: Logger, question: string): Promise<number> {
  const app = await buildApp(config, logger);
  try {
    let code = 0;
    for await (const event of app.twin.ask({
      platform: 'console',
      tenantId: 'console:local',
      channelId: 'cli',
      userId: 'local',
      command: 'cli',
      question,
    })) {
      if (event.type === 'final') {
        process.stdout.write(`${event.answer.text.trim()}\n`);
        const sources = sourcesLine(event.answer);
        if (sources) process.stdout.write(`${sources}\n`);
        if (event.answer.notice) process.stderr.write(`${event.answer.notice}\n`);
      } else if (event.type === 'failure') {
        process.stderr.write(`${event.failure.message}\n`);
        code = 1;
      }
    }
    return code;
  } finally {
    await app.twin.close(0);
    await app.close();
  }
}
