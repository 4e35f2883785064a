/**
 * The pictures of a failing run, as a person opens them: one `kconform run` on the in-process
 * reference broker with three known bugs on (drop-acked-write, skip-offset, duplicate-retried-batch)
 * and two scenarios, its report.html opened in headless Chromium (Debian's `chromium`, which
 * .ci/run installs; playwright-core drives it) with the network cut off. The log lanes must mark
 * every witness offset results.json names with the state the anomaly means (read from the DOM's
 * data-offset cells and their classes), the timeline must mark the witness ops, raw rows must be
 * collapsed and whole, and nothing may be logged as an error. Screenshots are written under
 * runs/test-output/report-lanes/ for a person to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform, repoRoot } from '../helpers/kconform-cli.ts';
import { chromiumMissing, launchChromium, openReport } from '../helpers/report-page.ts';

const missing = chromiumMissing;
const scratch = mkdtempSync(join(tmpdir(), 'kconform-report-lanes-'));
const runDir = join(scratch, 'run');
const shots = join(repoRoot, 'runs', 'test-output', 'report-lanes');
const BUGS = ['drop-acked-write', 'skip-offset', 'duplicate-retried-batch'];
const SCENARIOS = ['seed', 'idempotence'];

let browser: Browser | undefined;
let page: Page;
let errors: string[] = [];
let requested: string[] = [];

interface Rec {
  topic: string;
  partition: number;
  offset: number;
  value: string | null;
}
interface Check {
  checker: string;
  valid: boolean | 'unknown';
  witnesses: any[];
}
/** The failing checks of a scenario's run, as results.json stores them. */
const checksOf = (scenario: string): Check[] =>
  (JSON.parse(readFileSync(join(runDir, `${scenario}-0`, 'results.json'), 'utf8')).checks as Check[]).filter(
    (c) => c.valid === false,
  );

beforeAll(async () => {
  if (missing) return;
  const run = await kconform(
    [
      'run',
      '--bug',
      BUGS.join(','),
      '--scenarios',
      SCENARIOS.join(','),
      '--records',
      '40',
      '--seed',
      '7',
      '--no-shrink',
      '--out',
      runDir,
    ],
    { cwd: scratch, timeoutMs: 120_000 },
  );
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
  ({ page, errors, requested } = await openReport(browser, join(runDir, 'report.html')));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** The run id (run-N) the report gave a scenario's run. */
const runIdOf = async (scenario: string) =>
  (await page.locator(`article.run[data-scenario="${scenario}"]`).getAttribute('id'))!;

/** The classes of a lane cell of an anomaly. */
async function cellClasses(runId: string, checker: string, r: Rec, row: string): Promise<string[]> {
  const cell = page.locator(
    `.anomaly[data-run="${runId}"][data-checker="${checker}"] .lane[data-partition="${r.topic}/${r.partition}"] td[data-row="${row}"][data-offset="${r.offset}"]`,
  );
  expect(await cell.count(), `${checker} ${row} ${r.topic}/${r.partition}@${r.offset}`).toBe(1);
  return ((await cell.getAttribute('class')) ?? '').split(/\s+/);
}

/** The header cell of an offset in an anomaly's lane: a witness offset is marked. */
async function headerClasses(runId: string, checker: string, r: Rec): Promise<string[]> {
  const th = page.locator(
    `.anomaly[data-run="${runId}"][data-checker="${checker}"] .lane[data-partition="${r.topic}/${r.partition}"] th[data-offset="${r.offset}"]`,
  );
  return ((await th.getAttribute('class')) ?? '').split(/\s+/);
}

describe('the pictures of a failing run in headless Chromium', () => {
  it('renders offline without console errors, and titles count what they show', async (ctx) => {
    if (missing) ctx.skip(missing);
    expect(await page.title()).toBe('kconform report: 1 run of 2 scenarios');
    expect(await page.locator('#lane-legend').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'run-report-full.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requested).toEqual([]);
  });

  it('marks every acknowledged write the final read lost: acknowledged and lost, the final read missing it or holding another record', async (ctx) => {
    if (missing) ctx.skip(missing);
    let marked = 0;
    for (const scenario of SCENARIOS) {
      const lost = checksOf(scenario).find((c) => c.checker === 'lost-write');
      expect(lost, `${scenario}: drop-acked-write made no lost write`).toBeDefined();
      const id = await runIdOf(scenario);
      for (const w of lost!.witnesses) {
        const r = w.value as Rec;
        expect(await headerClasses(id, 'lost-write', r)).toContain('witness');
        expect(await cellClasses(id, 'lost-write', r, 'acked')).toEqual(expect.arrayContaining(['acked', 'lost']));
        const final = await cellClasses(id, 'lost-write', r, 'final-read');
        expect(final.includes('missing') || final.includes('conflict'), final.join(' ')).toBe(true);
        marked++;
      }
      await page
        .locator(`.anomaly[data-run="${id}"][data-checker="lost-write"]`)
        .screenshot({ path: join(shots, `lanes-lost-write-${scenario}.png`) });
    }
    expect(marked).toBeGreaterThan(0);
  });

  it('marks two records at one offset, both copies of a duplicate, and the offsets a consumer skipped', async (ctx) => {
    if (missing) ctx.skip(missing);
    const id = await runIdOf('idempotence');
    const checks = checksOf('idempotence');
    const dup = checks.find((c) => c.checker === 'duplicate');
    expect(dup, 'duplicate-retried-batch made no duplicate').toBeDefined();
    for (const w of dup!.witnesses)
      for (const r of [w.first, ...w.again] as Rec[])
        expect(await cellClasses(id, 'duplicate', r, 'final-read')).toContain('duplicate');
    await page
      .locator(`.anomaly[data-run="${id}"][data-checker="duplicate"]`)
      .screenshot({ path: join(shots, 'lanes-duplicate.png') });

    const inconsistent = checks.find((c) => c.checker === 'inconsistent-offsets')!;
    for (const w of inconsistent.witnesses) {
      const [, topic, partition, offset] = /^(.+)\/(\d+)@(\d+)$/.exec(w.offset)!;
      const r = { topic: topic!, partition: Number(partition), offset: Number(offset), value: null };
      expect(await headerClasses(id, 'inconsistent-offsets', r)).toContain('witness');
      const states = await page
        .locator(`.anomaly[data-run="${id}"][data-checker="inconsistent-offsets"] .lane th[data-offset="${r.offset}"]`)
        .getAttribute('data-states');
      expect(states!.split(' ')).toContain('conflict');
    }

    let skipped = 0;
    for (const scenario of SCENARIOS) {
      const sid = await runIdOf(scenario);
      const skip = checksOf(scenario).find((c) => c.checker === 'poll-skip');
      expect(skip, `${scenario}: skip-offset made no skip`).toBeDefined();
      for (const w of skip!.witnesses) {
        const prev = w.previous as Rec;
        const next = w.next as Rec;
        for (const offset of [prev.offset + 1, next.offset - 1]) {
          const classes = await cellClasses(sid, 'poll-skip', { ...prev, offset }, `consumer:${w.process}`);
          expect(classes, `${scenario} ${w.process} @${offset}`).toContain('skipped');
          skipped++;
        }
        expect(await cellClasses(sid, 'poll-skip', prev, `consumer:${w.process}`)).toContain('read');
        expect(await cellClasses(sid, 'poll-skip', next, `consumer:${w.process}`)).toContain('read');
      }
      await page
        .locator(`.anomaly[data-run="${sid}"][data-checker="poll-skip"]`)
        .screenshot({ path: join(shots, `lanes-poll-skip-${scenario}.png`) });
    }
    expect(skipped).toBeGreaterThan(0);
  });

  it('keeps raw rows one click away, collapsed and whole; values readable on hover', async (ctx) => {
    if (missing) ctx.skip(missing);
    expect(await page.locator('details.raw-rows').count()).toBeGreaterThan(0);
    expect(await page.locator('details.raw-rows[open], details.witness-ops[open]').count()).toBe(0);
    const id = await runIdOf('seed');
    const lost = checksOf('seed').find((c) => c.checker === 'lost-write')!;
    const block = page.locator(`.anomaly[data-run="${id}"][data-checker="lost-write"]`);
    await block.locator('details.witness-ops summary').click();
    await block.locator('details.raw-rows summary').first().click();
    const text = (await block.textContent())!;
    // every lost value in full (the seed's values are 150-character JSON documents)
    for (const w of lost.witnesses) {
      expect(text).toContain(JSON.stringify(w.value));
      const r = w.value as Rec;
      const title = await block
        .locator(`td[data-row="acked"][data-offset="${r.offset}"]`)
        .first()
        .getAttribute('title');
      expect(title).toContain(r.value);
    }
    expect(text).not.toMatch(/"v…|…"/);
    await block.screenshot({ path: join(shots, 'lanes-lost-write-raw-rows-open.png') });
    // a poll-skip witness's poll, every record of it (the report used to cut it to "v…")
    const skip = checksOf('seed').find((c) => c.checker === 'poll-skip')!;
    const skipBlock = page.locator(`.anomaly[data-run="${id}"][data-checker="poll-skip"]`);
    await skipBlock.locator('details.witness-ops summary').click();
    const skipText = (await skipBlock.textContent())!;
    for (const w of skip.witnesses) {
      expect(JSON.stringify(w.op.value).length).toBeGreaterThan(1000);
      expect(skipText).toContain(JSON.stringify(w.op.value));
    }
  });

  it('draws a timeline per run: every witness op marked on its process row, the faults shaded', async (ctx) => {
    if (missing) ctx.skip(missing);
    for (const scenario of SCENARIOS) {
      const id = await runIdOf(scenario);
      const tl = page.locator(`#${id}-timeline`);
      expect(await tl.count()).toBe(1);
      expect(await tl.locator('rect.op').count()).toBeGreaterThan(0);
      const marked = new Set(
        await tl.locator('.witness-op').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index')))),
      );
      const lost = checksOf(scenario).find((c) => c.checker === 'lost-write')!;
      for (const w of lost.witnesses) expect(marked.has(w.index), `op ${w.index}`).toBe(true);
      await tl.screenshot({ path: join(shots, `timeline-${scenario}.png`) });
    }
    // idempotence drops Produce answers: its fault window is shaded on the timeline
    const history = readFileSync(join(runDir, 'idempotence-0', 'history.jsonl'), 'utf8');
    expect(history).toContain('"fault":"drop-response"');
    expect(await page.locator(`#${await runIdOf('idempotence')}-timeline rect.fault`).count()).toBeGreaterThan(0);
  });
});
