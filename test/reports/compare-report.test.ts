/**
 * The report of a `kconform compare` as a person opens it: the reference target against an
 * external reference broker started with `--bug skip-offset` (compare takes no --bug of its own).
 * In headless Chromium (offline): a table of the differing aspects only, the same aspects
 * collapsed, and the two targets' lanes side by side where the replaying reader differs — the
 * offsets the buggy broker's fetches skipped are `skipped` on its side and `read` on the
 * reference's. Screenshots go to runs/test-output/compare-report/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform, repoRoot, startKconform, type CliRun } from '../helpers/kconform-cli.ts';
import { chromiumMissing, launchChromium, openReport } from '../helpers/report-page.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-compare-report-'));
const out = join(scratch, 'cmp');
const shots = join(repoRoot, 'runs', 'test-output', 'compare-report');
let broker: CliRun | undefined;

beforeAll(async () => {
  broker = startKconform(['broker', '--port', '0', '--bug', 'skip-offset'], { cwd: scratch });
  const address = (await broker.waitFor(/kconform broker ready on (\S+)/))[1]!;
  const r = await kconform(
    [
      'compare',
      '--targets',
      `reference,external@${address}`,
      '--scenarios',
      'seed',
      '--records',
      '200',
      '--seed',
      '11',
      '--out',
      out,
    ],
    { cwd: scratch, timeoutMs: 120_000 },
  );
  expect(r.code, r.stdout + r.stderr).toBe(1);
}, 150_000);
afterAll(async () => {
  await broker?.[Symbol.asyncDispose]();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the report of a compare', () => {
  it('lists only the differences, draws both lanes side by side where the offsets differ, without errors', async (ctx) => {
    if (chromiumMissing) ctx.skip(chromiumMissing);
    const compare = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as {
      scenarios: { aspects: { aspect: string; same: boolean; positions?: { reader?: string; kind: string }[] }[] }[];
    };
    const differing = compare.scenarios[0]!.aspects.filter((a) => !a.same).map((a) => a.aspect);
    expect(differing).toContain('consumer-reads');
    // compare.json says where: the records only the reference's replay read
    const reads = compare.scenarios[0]!.aspects.find((a) => a.aspect === 'consumer-reads')!;
    expect(reads.positions?.some((p) => p.reader === 'replay' && p.kind === 'only')).toBe(true);

    const browser = await launchChromium();
    try {
      const { page, errors } = await openReport(browser, join(out, 'report.html'));

      // one row per differing aspect, none for the same ones; those are one collapsed line
      const rows = await page
        .locator('#compare tr.difference')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-aspect')));
      expect(rows).toEqual(differing);
      const same = page.locator('#compare details.same-aspects');
      expect(await same.count()).toBe(1);
      expect(await same.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
      expect(await same.locator('summary').textContent()).toContain(`${5 - differing.length} aspect(s) the same`);

      // the consumer-reads row links to the two lanes side by side
      const row = page.locator('#compare tr.difference[data-aspect="consumer-reads"]');
      const href = await row.locator('a', { hasText: 'lanes side by side' }).getAttribute('href');
      expect(href).toMatch(/^#compare-lanes-\d+$/);
      expect(await row.locator('.first-op').textContent()).toMatch(
        /reference: read by replay: read \(op \d+.*external@\S+: read by replay: skipped/,
      );
      // the lanes are drawn where compare.json's structured positions say, not from its text
      expect(await page.locator(href!).getAttribute('data-positions-from')).toBe('structured');
      const sides = page.locator(`${href} .side`);
      expect(await sides.count()).toBe(2);
      const cells = (side: number, cls: string) =>
        sides
          .nth(side)
          .locator(`td.cell.${cls}[data-row="consumer:replay"]`)
          .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-offset'))));
      const skipped = await cells(1, 'skipped');
      expect(skipped.length).toBeGreaterThan(0);
      // every offset the buggy broker's replay skipped, the reference's replay read
      const readByReference = new Set(await cells(0, 'read'));
      expect(skipped.filter((o) => !readByReference.has(o))).toEqual([]);
      expect(await cells(0, 'skipped')).toEqual([]);

      mkdirSync(shots, { recursive: true });
      await page.locator('#compare').screenshot({ path: join(shots, 'compare-report.png') });
      await page.locator(href!).screenshot({ path: join(shots, 'compare-lanes-side-by-side.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('draws the same lanes from the text of a compare.json written before positions were stored', async (ctx) => {
    if (chromiumMissing) ctx.skip(chromiumMissing);
    // the same compare, its compare.json as older versions wrote it (no `positions`); in place,
    // since an external target's topics carry the compare directory's name
    const path = join(out, 'compare.json');
    const written = readFileSync(path, 'utf8');
    const json = JSON.parse(written) as { scenarios: { aspects: { positions?: unknown }[] }[] };
    for (const s of json.scenarios) for (const a of s.aspects) delete a.positions;
    const html = join(scratch, 'old-style-report.html');
    try {
      writeFileSync(path, JSON.stringify(json, null, 2));
      const r = await kconform(['report', out, '--out', html, '--no-junit'], { cwd: scratch, timeoutMs: 60_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    } finally {
      writeFileSync(path, written);
    }

    const browser = await launchChromium();
    try {
      const { page } = await openReport(browser, html);
      const lanes = page.locator('#compare .side-by-side[data-aspect="consumer-reads"]');
      expect(await lanes.getAttribute('data-positions-from')).toBe('text');
      const skipped = await lanes
        .locator('.side')
        .nth(1)
        .locator('td.cell.skipped[data-row="consumer:replay"]')
        .count();
      expect(skipped).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
