/** `twinbot experiment report`: the arms of an experiment side by side, from the ledger, with a verdict when one is due. */
import type { Config } from '../config.js';
import { readArms } from '../core/experiments/readout.js';
import { renderReadout } from '../core/experiments/readout-text.js';
import type { Logger } from '../core/ports.js';
import { abandonedAfterMs } from '../main.js';
import { LibsqlUsageStore } from '../usage/libsql-usage-store.js';
import { ArgumentError, type ParsedArgs } from './parse-command-args.js';

const DAY_MS = 86_400_000;

export interface ExperimentReportOptions {
  /** Epoch ms the window ends at (now). */
  now: number;
  out: { write(text: string): unknown };
}

export async function runExperimentReport(
  config: Config,
  logger: Logger,
  args: ParsedArgs,
  options: ExperimentReportOptions = { now: Date.now(), out: process.stdout },
): Promise<number> {
  if (args.positionals.length > 0) throw new ArgumentError(`unexpected argument "${args.positionals[0]}"`);
  const rawDays = args.values.days;
  const days = typeof rawDays === 'string' ? Number(rawDays) : 7;
  const retention = config.usageRetentionDays;
  if (!Number.isInteger(days) || days < 1 || days > retention) {
    throw new ArgumentError(
      `--days must be a whole number from 1 to ${retention} (raw records are kept ${retention} days), got "${rawDays}"`,
    );
  }
  const name = typeof args.values.experiment === 'string' ? args.values.experiment : config.experiment?.name;
  if (!name) {
    throw new ArgumentError(
      'no experiment is configured: set TWIN_EXPERIMENT (or TWIN_EXPERIMENT_FILE), or name one with --experiment NAME',
    );
  }
  const store = await LibsqlUsageStore.open({
    url: config.databaseUrl,
    logger,
    abandonedAfterMs: abandonedAfterMs(config),
  });
  try {
    const stats = await store.armStats({ experiment: name, from: options.now - days * DAY_MS, to: options.now });
    const readout = readArms(stats);
    if (args.values.json) {
      options.out.write(`${JSON.stringify({ experiment: name, days, ...readout }, null, 2)}\n`);
    } else {
      const configured = config.experiment?.name === name ? config.experiment : undefined;
      options.out.write(`${renderReadout({ experiment: name, days, readout, configured })}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
