/**
 * The dashboard's static files: its own script and stylesheet (web/dashboard/, no build step) and uPlot's
 * distribution files straight from node_modules. Read once, served with long caching: they hold no data.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** The files under /dashboard/assets/, by name. */
export function loadDashboardAssets(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  // why: the same relative path from src/adapters/http (tsx) and dist/adapters/http (npm start).
  const web = (name: string) => fileURLToPath(new URL(`../../../web/dashboard/${name}`, import.meta.url));
  const files: [string, string, string][] = [
    ['dashboard.js', web('dashboard.js'), JS],
    ['dashboard.css', web('dashboard.css'), CSS],
    ['uPlot.iife.min.js', require.resolve('uplot/dist/uPlot.iife.min.js'), JS],
    ['uPlot.min.css', require.resolve('uplot/dist/uPlot.min.css'), CSS],
  ];
  return new Map(files.map(([name, path, type]) => [name, { body: readFileSync(path), type }]));
}
