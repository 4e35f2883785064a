/**
 * Opening a kconform report.html as a person would, for the browser tests under test/reports/:
 * Debian's headless `chromium` (which .ci/run installs) driven by playwright-core, offline, every
 * request that is not a file of the machine refused and remembered, console errors collected.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The Chromium the browser tests drive (`KCONFORM_CHROMIUM` overrides). */
export const CHROMIUM = process.env.KCONFORM_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests skip, or undefined when Chromium is there. */
export const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`;

/** A headless Chromium, no sandbox (the tests run as root). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });

/** An opened report: its page, the errors it logged, and what it tried to fetch off the machine. */
export interface OpenedReport {
  page: Page;
  errors: string[];
  requested: string[];
}

/**
 * Opens `html` (a path) in a fresh offline context of `browser` and waits until every chart is
 * drawn (the page sets `data-charts-rendered`).
 */
export async function openReport(
  browser: Browser,
  html: string,
  viewport = { width: 1400, height: 1000 },
): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport });
  await context.setOffline(true);
  const requested: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requested.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`file://${html}`);
  await page.waitForSelector('html[data-charts-rendered]', { timeout: 30_000 });
  return { page, errors, requested };
}
