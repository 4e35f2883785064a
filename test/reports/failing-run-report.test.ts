/**
 * A failing run as a newcomer meets it (`kconform run --bug drop-acked-write` on the reference
 * broker): shrinking shows its progress on stderr and stays within its budget, and report.html
 * shows both sides of a lost write (acknowledged at an offset; what the final read held there and
 * which offsets it skipped), the commands to run the case again, and an honest shrink line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform, type CliResult } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-failing-report-'));
const out = join(scratch, 'run');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let r: CliResult;
beforeAll(async () => {
  r = await kconform(
    [
      'run',
      '--bug',
      'drop-acked-write',
      '--scenarios',
      'seed',
      '--records',
      '40',
      '--seed',
      '7',
      '--shrink-budget',
      '15',
      '--out',
      out,
    ],
    { cwd: scratch, timeoutMs: 180_000 },
  );
}, 200_000);

describe('a failing run', () => {
  it('fails (exit 1), and shrinking says what it tries on stderr', () => {
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /shrinking seed: try 1 \(rerun of the failing case\) failed the same way; smallest so far 40 records; \d+ of 15 s/,
    );
    expect(r.stderr).toMatch(/shrinking seed: try 2 \(\d+ records\)/);
    expect(r.stdout).toMatch(/seed failed; shrinking for at most 15 s/);
  });

  it('is not said to have shrunk when it did not, and names both ways to run it again', () => {
    expect(r.stdout).not.toMatch(/shrunk from --records (\d+) .*to --records \1 /);
    expect(r.stdout).toContain(`replay this run: kconform replay ${out}`);
    expect(r.stdout).toContain(
      'rerun with: kconform run --target reference --scenarios seed --seed 7 --records 40 --bug drop-acked-write',
    );
  });

  it('writes a report showing both sides of the lost write and the rerun commands', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('the final read held there');
    expect(html).toContain('offsets of the partition the final read skipped');
    // each row: an acknowledged position, what the final read held there, the skipped offsets
    const rows = [...html.matchAll(/<tr><td>(mmr\/0@\d+)<\/td><td class="value">(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(([, , held]) => held!.length > 0)).toBe(true);
    expect(html).toContain(`./kconform replay ${out}`);
    expect(html).toContain(
      './kconform run --target reference --scenarios seed --seed 7 --records 40 --bug drop-acked-write',
    );
    expect(html).not.toMatch(/shrunk from --records (\d+) \(\d+ ops\) to --records \1 /);
    expect(html).toMatch(/shrunk from --records 40|not shrunk:/);
  });

  // That the budget holds is app/runner/shrink.test.ts's (a fake clock, not this machine's speed).
  it('records the shrink it made and the budget it had', () => {
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.shrink.budgetSeconds).toBe(15);
    expect(results.shrink.attempts).toBeGreaterThan(0);
  });
});
