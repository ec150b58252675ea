/**
 * Debian's chromium driven by playwright-core (FACTS.md "Browser tests"): `npx playwright install` cannot download
 * here. Without /usr/bin/chromium a browser test skips with the package to install, except on CI, where it fails.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why browser tests cannot run here, or undefined when they can. Throws on CI, where they must run. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const message = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(message);
  return message;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
