/**
 * report.html in a real browser: a real run on the reference broker with kill faults, its report
 * rebuilt with `kconform report`, opened in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with the network cut off. It must render the verdict table and one uPlot
 * canvas per chart, draw something in each, shade the fault windows the history holds, and log
 * no errors.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform as runKconform } from '../helpers/kconform-cli.ts';
import { chromiumMissing, launchChromium, openReport } from '../helpers/report-page.ts';

const missing = chromiumMissing;
const scratch = mkdtempSync(join(tmpdir(), 'kconform-report-html-'));
const runDir = join(scratch, 'run');
const html = join(scratch, 'rebuilt', 'report.html');
let browser: Browser | undefined;

/** `kconform ARGS` in the scratch directory. */
const kconform = (args: string[], timeoutMs = 240_000) => runKconform(args, { cwd: scratch, timeoutMs });

/** Runs in the page (the project's TypeScript has no DOM types): opaque, saturated pixels per canvas. */
const COUNT_COLOURED_PIXELS = `[...document.querySelectorAll('canvas')].map((canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) n++;
  return n;
})`;

const SCENARIOS = ['seed', 'offset-ordering'];
/** The ops of a scenario's run, as stored. */
const historyOf = (scenario: string): any[] =>
  readFileSync(join(runDir, `${scenario}-0`, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

interface EmbeddedChart {
  id: string;
  kind: string;
  faults?: unknown[];
  series: { t: number[]; v: number[] }[];
}

beforeAll(async () => {
  if (missing) return;
  // seed has producers only; offset-ordering has consumers, so a lag plot too
  const run = await kconform([
    'run',
    '--scenarios',
    SCENARIOS.join(','),
    '--records',
    '200',
    '--faults',
    'kill',
    '--seed',
    '39',
    '--out',
    runDir,
  ]);
  expect([0, 1], `${run.stdout}\n${run.stderr}`).toContain(run.code);
  expect(existsSync(join(runDir, 'report.html')), 'run writes report.html').toBe(true);
  const report = await kconform(['report', runDir, '--out', html]);
  expect(report.code, report.stderr).toBe(0);
  expect(report.stdout).toContain(`report: ${html}`);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('report.html in headless Chromium', () => {
  it('renders offline: verdict table, one canvas per chart, every chart drawn, fault windows shaded, no console errors', async (ctx) => {
    if (missing) ctx.skip(missing);
    const { page, errors, requested } = await openReport(browser!, html);

    const rows = await page.locator('#verdict-table tr').allTextContents();
    expect(rows.some((r) => r.startsWith('seed'))).toBe(true);
    expect(rows.some((r) => r.startsWith('offset-ordering'))).toBe(true);
    expect(await page.locator('#verdict-table .badge').count()).toBe(SCENARIOS.length);

    // one chart per kind the history has data for (a scenario stopped early by the faults may have no sends)
    const charts = JSON.parse((await page.locator('#kconform-data').textContent())!).charts as EmbeddedChart[];
    const expected: string[] = [];
    for (const scenario of SCENARIOS) {
      const ops = historyOf(scenario);
      const id = await page.locator(`article.run[data-scenario="${scenario}"]`).getAttribute('id');
      const produceOrConsume = (o: { f: string }) => o.f === 'send' || o.f === 'poll';
      if (ops.some((o) => produceOrConsume(o) && o.type !== 'invoke')) expected.push(`${id}-latency`);
      if (ops.some((o) => produceOrConsume(o) && o.type === 'ok')) expected.push(`${id}-throughput`);
      if (
        ops.some(
          (o) =>
            o.f === 'poll' &&
            o.type === 'ok' &&
            o.process !== 'final-read' &&
            o.process !== 'replay' &&
            o.value.records.length > 0,
        )
      )
        expected.push(`${id}-lag`);
    }
    expect(charts.map((c) => c.id).sort()).toEqual(expected.sort());
    expect(charts.length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('canvas').count()).toBe(charts.length);
    expect(await page.getAttribute('html', 'data-charts-rendered')).toBe(String(charts.length));
    for (const c of charts)
      expect(
        c.series.some((x) => x.v.length > 0),
        c.id,
      ).toBe(true);

    // every canvas has opaque coloured pixels: the series, not only axes (grey) and fault shading (translucent)
    const coloured = (await page.evaluate(COUNT_COLOURED_PIXELS)) as number[];
    expect(
      coloured.every((n) => n > 20),
      `coloured pixels per canvas: ${coloured}`,
    ).toBe(true);

    // each run's charts shade exactly the kills its history recorded (seed 39 draws the first kill 0.1 s into each run)
    let kills = 0;
    for (const scenario of SCENARIOS) {
      const killed = historyOf(scenario).filter(
        (o) => o.f === 'nemesis' && o.type === 'ok' && o.value.fault === 'kill',
      ).length;
      const id = await page.locator(`article.run[data-scenario="${scenario}"]`).getAttribute('id');
      if (killed > 0) expect(await page.locator(`#${id} .faults`).textContent()).toContain('kill node 1');
      for (const c of charts.filter((x) => x.id.startsWith(`${id}-`))) expect(c.faults, c.id).toHaveLength(killed);
      kills += killed;
    }
    expect(kills, 'the runs recorded no kill: nothing was shaded').toBeGreaterThan(0);

    expect(errors).toEqual([]);
    expect(requested).toEqual([]);
    await page.context().close();
  });
});
