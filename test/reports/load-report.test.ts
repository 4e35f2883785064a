/**
 * `kconform load` writes report.html like `run`, and the report shows a load run as one: the
 * latency table with p90 filled, throughput and latency over time drawn, no scenario-run facts
 * that mean nothing here ("seed 0", "0 ops", "no plots: no history.jsonl"). Rendered in headless
 * Chromium (offline) when it is installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform } from '../helpers/kconform-cli.ts';

const CHROMIUM = process.env.KCONFORM_CHROMIUM ?? '/usr/bin/chromium';
const scratch = mkdtempSync(join(tmpdir(), 'kconform-load-report-'));
const out = join(scratch, 'load');
const html = join(out, 'report.html');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let stdout = '';
beforeAll(async () => {
  const r = await kconform(['load', '--duration', '3', '--rate', '400', '--record-size', '64', '--out', out], {
    cwd: scratch,
    timeoutMs: 120_000,
  });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  stdout = r.stdout;
}, 150_000);

describe('the report of a load run', () => {
  it('is written by load itself', () => {
    expect(existsSync(html)).toBe(true);
    expect(stdout).toContain(`report: ${html}`);
  });

  it('shows load facts and p90, not the facts of a scenario run', () => {
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/seed 0/);
    expect(text).not.toMatch(/\b0 ops\b/);
    expect(text).not.toContain('no plots');
    expect(text).toMatch(/records acknowledged/);
    const row = /<tr><th>produce → ack<\/th>((?:<td class="num">[^<]*<\/td>){6})<\/tr>/.exec(text);
    expect(row, 'produce → ack row').not.toBeNull();
    const cells = [...row![1]!.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!);
    // count, p50, p90, p99, p99.9, max: every one a number, p50 <= p90 <= p99
    expect(
      cells.every((c) => /^[\d.]+$/.test(c)),
      cells.join(' '),
    ).toBe(true);
    const [, p50, p90, p99] = cells.map(Number);
    expect(p50!).toBeLessThanOrEqual(p90!);
    expect(p90!).toBeLessThanOrEqual(p99!);
  });

  it('embeds latency over time beside throughput, and Chromium draws both', async (ctx) => {
    const text = readFileSync(html, 'utf8');
    const data = JSON.parse(/<script id="kconform-data" type="application\/json">(.*?)<\/script>/s.exec(text)![1]!) as {
      charts: { id: string; kind: string; series: { v: number[] }[] }[];
    };
    const kinds = data.charts.map((c) => c.kind).sort();
    expect(kinds).toEqual(['load-latency', 'load-throughput']);
    const latency = data.charts.find((c) => c.kind === 'load-latency')!;
    expect(latency.series[0]!.v.length).toBeGreaterThanOrEqual(2);
    expect(latency.series[0]!.v.some((v) => v > 0)).toBe(true);

    if (!existsSync(CHROMIUM)) ctx.skip(`no Chromium at ${CHROMIUM}`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await context.setOffline(true);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`file://${html}`);
      await page.waitForSelector('html[data-charts-rendered]', { timeout: 30_000 });
      expect(await page.getAttribute('html', 'data-charts-rendered')).toBe('2');
      expect(await page.locator('#load canvas').count()).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
