/**
 * `kconform load` writes report.html like `run`, and the report shows a load run as one: the
 * latency table with p90 filled, throughput and latency over time drawn, no scenario-run facts
 * that mean nothing here ("seed 0", "0 ops", "no plots: no history.jsonl"). Rendered in headless
 * Chromium (offline) when it is installed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform, repoRoot } from '../helpers/kconform-cli.ts';
import { chromiumMissing, launchChromium, openReport } from '../helpers/report-page.ts';

const shots = join(repoRoot, 'runs', 'test-output', 'load-report');
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

  it('embeds throughput, p50/p99 over time and the percentile distribution, and Chromium draws them', async (ctx) => {
    const text = readFileSync(html, 'utf8');
    const data = JSON.parse(/<script id="kconform-data" type="application\/json">(.*?)<\/script>/s.exec(text)![1]!) as {
      charts: { id: string; kind: string; series: { label: string; v: number[] }[] }[];
    };
    const kinds = data.charts.map((c) => c.kind).sort();
    expect(kinds).toEqual(['load-distribution', 'load-latency', 'load-throughput']);
    const latency = data.charts.find((c) => c.kind === 'load-latency')!;
    expect(latency.series.map((x) => x.label)).toEqual(['p50 (ms)', 'p99 (ms)']);
    // a 3 s run is drawn in 100 ms buckets, not in 3 points (every bucket on the throughput plot;
    // the latency plot leaves out buckets without acks, which a stalled machine can leave many of)
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { load: { bucketMs: number } };
    expect(results.load.bucketMs).toBe(100);
    expect(latency.series[0]!.v.length).toBeGreaterThan(0);
    expect(latency.series[1]!.v.some((v) => v > 0)).toBe(true);
    const throughput = data.charts.find((c) => c.kind === 'load-throughput')!;
    expect(throughput.series.map((x) => x.label)).toEqual(
      expect.arrayContaining(['produced (acked records/s)', 'consumed (records/s)']),
    );
    expect(throughput.series[0]!.v.length).toBeGreaterThanOrEqual(20);
    const dist = data.charts.find((c) => c.kind === 'load-distribution')! as unknown as {
      series: { t: number[]; v: number[] }[];
      xTicks: { label: string }[];
    };
    // the x axis of HdrHistogram's plots: 0%, 90%, 99%… and latency rising to the maximum
    expect(dist.xTicks.map((t) => t.label).slice(0, 3)).toEqual(['0%', '90%', '99%']);
    const v = dist.series[0]!.v;
    expect(v.every((x, i) => i === 0 || x >= v[i - 1]!)).toBe(true);
    // the unavailability windows the page names are the ones its plots shade
    const windows = Number(/class="meta unavailability" data-windows="(\d+)"/.exec(text)?.[1]);
    expect(windows).toBeGreaterThanOrEqual(0);
    expect((latency as unknown as { faults: unknown[] }).faults.length).toBe(windows);

    if (chromiumMissing) ctx.skip(chromiumMissing);
    const browser = await launchChromium();
    try {
      const { page, errors } = await openReport(browser, html);
      expect(await page.getAttribute('html', 'data-charts-rendered')).toBe('3');
      expect(await page.locator('#load canvas').count()).toBe(3);
      mkdirSync(shots, { recursive: true });
      await page.locator('#load').screenshot({ path: join(shots, 'load-report.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
