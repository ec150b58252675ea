/**
 * The usage chart as a PNG, drawn server-side with chart.js on @napi-rs/canvas (see chart-js-drawing.ts). Both load
 * on the first chart, not at start. why: they cost ~0.3 s and tens of MB of every process, and most processes
 * (a CLI command, a bot nobody asks for a report) never draw one (issue 20.5).
 */
import type { UsageChartRenderer } from '../core/ports.js';
import type { UsageChart, UsageSummary, UsageWindow } from '../core/types.js';
import type { ChartJsDrawing, ChartJsUsageChartOptions } from './chart-js-drawing.js';

export type { ChartJsUsageChartOptions } from './chart-js-drawing.js';

export class ChartJsUsageChart implements UsageChartRenderer {
  readonly #options: ChartJsUsageChartOptions;
  #drawing: Promise<ChartJsDrawing> | undefined;

  constructor(options: ChartJsUsageChartOptions = {}) {
    this.#options = options;
  }

  async render(summary: UsageSummary, window: UsageWindow, title: string): Promise<UsageChart> {
    this.#drawing ??= import('./chart-js-drawing.js').then((m) => new m.ChartJsDrawing(this.#options));
    return (await this.#drawing).render(summary, window, title);
  }
}
