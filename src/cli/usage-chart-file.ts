/**
 * `twinbot usage --png FILE [--open]`: the chart of the chat report (the same renderer and title), written to a file
 * and, with --open, shown in the desktop's image viewer where there is one.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TwinError } from '../core/errors.js';
import type { UsageSummary, UsageWindow } from '../core/types.js';
import { PACKAGED_CHART_FONT } from '../usage/chart-font.js';
import { ChartJsUsageChart } from '../usage/chart-js-usage-chart.js';

export interface UsageChartFileOptions {
  summary: UsageSummary;
  window: UsageWindow;
  /** `all tenants` or `tenant discord:1`, as in the report's heading. */
  scope: string;
  /** Where to write; without it (--open alone) a file in the temp folder. */
  file?: string;
  open: boolean;
}

/** Draws and writes the chart; returns the line to print (where it went, whether a viewer opened it). */
export async function writeUsageChart(options: UsageChartFileOptions): Promise<string> {
  const renderer = new ChartJsUsageChart({ fontFile: PACKAGED_CHART_FONT });
  const chart = await renderer.render(options.summary, options.window, `Twin usage for ${options.scope}`);
  const path = resolve(options.file ?? join(tmpdir(), chart.filename));
  try {
    await writeFile(path, chart.png);
  } catch (err) {
    throw new TwinError('config', `could not write the chart to ${path}: ${(err as NodeJS.ErrnoException).code}`, {
      cause: err,
    });
  }
  const what = `Chart (${chart.width}×${chart.height}) written to ${path}`;
  if (!options.open) return what;
  const viewer = await openInViewer(path);
  return viewer ? `${what}; opened with ${viewer}.` : `${what}; no image viewer found here (${viewerCommand()[0]}).`;
}

function viewerCommand(): [string, string[]] {
  if (process.platform === 'darwin') return ['open', []];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']];
  return ['xdg-open', []];
}

/** Starts the platform's opener detached; resolves with its name, or undefined when it is not installed. */
function openInViewer(path: string): Promise<string | undefined> {
  const [command, args] = viewerCommand();
  return new Promise((done) => {
    const child = spawn(command, [...args, path], { detached: true, stdio: 'ignore' });
    child.once('error', () => done(undefined));
    child.once('spawn', () => {
      child.unref();
      done(command);
    });
  });
}
