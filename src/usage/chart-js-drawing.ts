/**
 * The drawing behind ChartJsUsageChart (chart-js-usage-chart.ts loads this module on the first chart). The usage chart as a PNG, drawn server-side with chart.js 4 on @napi-rs/canvas (no browser, nothing downloaded):
 * bars for requests on the left axis, a line for tokens on the right one, one bucket per hour (24h) or day, labels in
 * UTC. A solid white card with a thin border, so it reads the same on Discord's dark theme and Slack's light one.
 */
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartItem,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  SubTitle,
  Title,
} from 'chart.js';
import { TwinError } from '../core/errors.js';
import type { UsageChartRenderer } from '../core/ports.js';
import type { UsageChart, UsageSummary, UsageWindow } from '../core/types.js';
import {
  bucketLabel,
  chartAltText,
  chartFilename,
  chartSubtitle,
  compactNumber,
  emptyChartNote,
  isHourly,
  safeCount,
  seriesFacts,
} from './usage-chart-labels.js';

// why: only the pieces drawn here, so chart.js stays small in memory and nothing interactive (tooltips) is set up.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Title,
  SubTitle,
);

export interface ChartJsUsageChartOptions {
  /** Pixels; default 900 x 450 (Discord and Slack show it whole, text stays legible when scaled down). */
  width?: number;
  height?: number;
  /** Font family for all text; default the first installed of DejaVu Sans, Liberation Sans, Noto Sans, Arial. */
  fontFamily?: string;
  /** A TrueType/OpenType file to register first, for hosts without system fonts. */
  fontFile?: string;
}

const COLORS = {
  background: '#ffffff',
  border: '#d0d7de',
  text: '#1f2328',
  muted: '#57606a',
  grid: '#eaeef2',
  requests: '#3b7ddd',
  requestsText: '#1f5fbf',
  tokens: '#e8730c',
  tokensText: '#a8500a',
} as const;

/** Fonts are registered process-wide: one alias per file, plain letters so any CSS font string parses it. */
const fontFiles = new Map<string, string>();

function registerFontFile(path: string): string {
  let alias = fontFiles.get(path);
  if (alias) return alias;
  alias = `TwinChartFont${fontFiles.size + 1}`;
  if (!GlobalFonts.registerFromPath(path, alias)) {
    throw new TwinError('config', `The chart font ${path} could not be loaded.`);
  }
  fontFiles.set(path, alias);
  return alias;
}

const PREFERRED_FONTS = ['DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'Arial', 'Helvetica', 'Roboto', 'Open Sans'];

/** Paints the solid card under everything chart.js draws (a canvas starts transparent). */
const background: Plugin = {
  id: 'twinBackground',
  beforeDraw(chart) {
    paintCard(chart.ctx as unknown as SKRSContext2D, chart.width, chart.height);
  },
};

function paintCard(ctx: SKRSContext2D, width: number, height: number): void {
  ctx.save();
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);
  // why: on Slack's white the card's edge would vanish without a border.
  ctx.strokeStyle = COLORS.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  ctx.restore();
}

export class ChartJsDrawing implements UsageChartRenderer {
  private readonly width: number;
  private readonly height: number;
  private readonly options: ChartJsUsageChartOptions;
  private font: string | undefined;

  constructor(options: ChartJsUsageChartOptions = {}) {
    this.options = options;
    this.width = options.width ?? 900;
    this.height = options.height ?? 450;
  }

  async render(summary: UsageSummary, window: UsageWindow, title: string): Promise<UsageChart> {
    const family = this.fontFamily();
    const canvas = createCanvas(this.width, this.height);
    const ctx = canvas.getContext('2d');
    let chart: Chart | undefined;
    try {
      if (seriesFacts(summary.series).peak) {
        chart = new Chart(ctx as unknown as ChartItem, this.config(summary, window, title, family));
      } else {
        this.drawEmpty(ctx, family, title, chartSubtitle(summary, window), emptyChartNote(window));
      }
      const png = await canvas.encode('png');
      return {
        png,
        filename: chartFilename(summary, window),
        alt: chartAltText(summary, window),
        width: this.width,
        height: this.height,
      };
    } catch (err) {
      throw new TwinError('internal', 'the usage chart could not be drawn', { cause: err });
    } finally {
      // why: chart.js keeps every live chart in a global registry; destroy() (after encoding: it clears) frees it.
      chart?.destroy();
    }
  }

  /** The family every text uses; checked once, because a canvas without a font draws no text at all. */
  private fontFamily(): string {
    if (this.font) return this.font;
    const { fontFile, fontFamily } = this.options;
    const fileAlias = fontFile ? registerFontFile(fontFile) : undefined;
    const installed = GlobalFonts.families.map((f) => f.family);
    const chosen =
      fontFamily ??
      fileAlias ??
      PREFERRED_FONTS.find((f) => installed.includes(f)) ??
      installed.find((f) => !/mono|math|emoji|symbol/i.test(f)) ??
      installed[0];
    if (!chosen) {
      throw new TwinError(
        'config',
        'No font is installed to draw the usage chart: install one (e.g. Debian fonts-dejavu-core) or give fontFile.',
      );
    }
    this.font = chosen;
    return chosen;
  }

  private config(
    summary: UsageSummary,
    window: UsageWindow,
    title: string,
    family: string,
  ): ChartConfiguration<'bar' | 'line'> {
    const series = summary.series;
    // why: chart.js writes the family into a CSS font string as it is; quoted, any family name parses.
    const font = (size: number, weight: 'normal' | 'bold' = 'normal') => ({ family: `"${family}"`, size, weight });
    // why: a 30-day line of 31 points is easier to read without a dot on each.
    const pointRadius = series.length > 26 ? 0 : 2.5;
    return {
      type: 'bar',
      data: {
        labels: series.map((p) => bucketLabel(p.start, window)),
        datasets: [
          {
            type: 'line',
            label: 'Tokens',
            data: series.map((p) => safeCount(p.tokens)),
            yAxisID: 'tokens',
            borderColor: COLORS.tokens,
            backgroundColor: COLORS.tokens,
            borderWidth: 2.5,
            pointRadius,
            // why: monotone curves never dip below zero or overshoot a peak between two points.
            cubicInterpolationMode: 'monotone',
            order: 1,
          },
          {
            type: 'bar',
            label: 'Requests',
            data: series.map((p) => safeCount(p.requests)),
            yAxisID: 'requests',
            backgroundColor: COLORS.requests,
            borderRadius: 3,
            maxBarThickness: 48,
            order: 2,
          },
        ],
      },
      options: {
        responsive: false,
        animation: false,
        devicePixelRatio: 1,
        layout: { padding: { top: 10, right: 18, bottom: 10, left: 14 } },
        plugins: {
          title: { display: true, text: title, color: COLORS.text, font: font(22, 'bold'), padding: { top: 4 } },
          subtitle: {
            display: true,
            text: chartSubtitle(summary, window),
            color: COLORS.muted,
            font: font(14),
            padding: { bottom: 6 },
          },
          legend: {
            display: true,
            position: 'top',
            reverse: true,
            labels: { color: COLORS.text, font: font(14), boxWidth: 14, boxHeight: 10, padding: 16 },
          },
        },
        scales: {
          x: {
            grid: { display: false },
            border: { color: COLORS.border },
            ticks: { color: COLORS.muted, font: font(13), maxRotation: 0, autoSkip: true, autoSkipPadding: 14 },
            title: {
              display: true,
              text: isHourly(window) ? 'Hour (UTC)' : 'Day (UTC)',
              color: COLORS.muted,
              font: font(13),
            },
          },
          requests: {
            type: 'linear',
            position: 'left',
            beginAtZero: true,
            grid: { color: COLORS.grid },
            border: { display: false },
            ticks: { color: COLORS.requestsText, font: font(13), precision: 0 },
            title: { display: true, text: 'Requests', color: COLORS.requestsText, font: font(14, 'bold') },
          },
          tokens: {
            type: 'linear',
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            border: { display: false },
            ticks: {
              color: COLORS.tokensText,
              font: font(13),
              precision: 0,
              callback: (value) => compactNumber(Number(value)),
            },
            title: { display: true, text: 'Tokens', color: COLORS.tokensText, font: font(14, 'bold') },
          },
        },
      },
      plugins: [background],
    };
  }

  /** Nothing to plot: the card with its title and a sentence instead of empty axes. */
  private drawEmpty(ctx: SKRSContext2D, family: string, title: string, subtitle: string, note: string): void {
    paintCard(ctx, this.width, this.height);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillStyle = COLORS.text;
    ctx.font = `bold 22px "${family}"`;
    ctx.fillText(title, this.width / 2, 14);
    ctx.fillStyle = COLORS.muted;
    ctx.font = `14px "${family}"`;
    ctx.fillText(subtitle, this.width / 2, 44);
    ctx.textBaseline = 'middle';
    ctx.font = `18px "${family}"`;
    ctx.fillText(note, this.width / 2, this.height / 2);
  }
}
