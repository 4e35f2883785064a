/**
 * A campaign split with `run --shard I/N` across separate processes, merged by `kconform report`,
 * gives the same verdicts and counts as the same campaign unsharded (issue 17, part 4).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { findRunDirs } from '../../reports/run-dirs.ts';
import { kconform } from '../helpers/kconform-cli.ts';
import { scratchDir } from '../scenarios/scenario-runs.ts';

const scratch = scratchDir('shards');
afterAll(() => scratch.remove());

// A known bug, so the verdicts compared hold failures as well as passes.
const campaign = ['--scenarios', 'seed,replay,offset-ordering', '--runs', '2', '--seed', '5', '--records', '60'];
const common = [...campaign, '--bug', 'skip-offset', '--no-shrink'];

/** Each run's scenario, seed and per-checker verdicts, in a stable order. */
function verdicts(roots: string[]): string[] {
  return roots
    .flatMap((root) => findRunDirs(root))
    .map((dir) => {
      const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
      const checks = (r.checks as { checker: string; valid: unknown }[]).map((c) => `${c.checker}=${String(c.valid)}`);
      return `${r.scenario}@${r.seed}: ${String(r.valid)} [${checks.sort().join(' ')}]`;
    })
    .sort();
}

/** Each JUnit suite's name, test and failure counts, in name order (the merge may list suites in another order). */
const junitSuites = (path: string) =>
  [...readFileSync(path, 'utf8').matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)]
    .map((m) => `${m[1]}: ${m[2]} tests, ${m[3]} failures`)
    .sort();

describe('run --shard', () => {
  it('three shards as separate processes, merged, give the verdicts and counts of the unsharded run', async () => {
    onTestFailed(() => scratch.keep());
    const whole = join(scratch.dir, 'whole');
    const shards = [1, 2, 3].map((i) => join(scratch.dir, 'artifacts', `shard-${i}`));
    const [unsharded, ...sharded] = await Promise.all([
      kconform(['run', ...common, '--out', whole]),
      ...shards.map((out, i) => kconform(['run', ...common, '--shard', `${i + 1}/3`, '--out', out])),
    ]);
    expect(unsharded!.code, unsharded!.stdout).toBe(1);
    for (const s of sharded) expect(s.code, s.stdout).toBe(1);
    expect(sharded.map((s) => /shard \d\/3: (\d) of 6 unit/.exec(s.stdout)?.[1])).toEqual(['2', '2', '2']);

    const wholeVerdicts = verdicts([whole]);
    expect(wholeVerdicts).toHaveLength(6);
    expect(wholeVerdicts.join('\n')).toMatch(/=false/);
    expect(wholeVerdicts.join('\n')).toMatch(/=true/);
    expect(verdicts(shards)).toEqual(wholeVerdicts);

    // Merged from the folder an artifact download makes, as the CI example's merge job does.
    const merged = await kconform([
      'report',
      join(scratch.dir, 'artifacts'),
      '--out',
      join(scratch.dir, 'merged', 'report.html'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/merged 3 of 3 shard\(s\) of one campaign: 6 unit\(s\), 6 run\(s\) \(seed 5\)/);
    const wholeReport = await kconform(['report', whole, '--out', join(scratch.dir, 'whole-report', 'report.html')]);
    expect(wholeReport.code).toBe(0);
    const suites = junitSuites(join(scratch.dir, 'whole-report', 'junit.xml'));
    expect(suites).toHaveLength(3);
    expect(junitSuites(join(scratch.dir, 'merged', 'junit.xml'))).toEqual(suites);

    // A merge that lacks a shard is refused, naming it.
    const partial = await kconform(['report', shards[0]!, shards[2]!, '--out', join(scratch.dir, 'partial.html')]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/shard 2 of 3 missing/);
  }, 240_000);

  it('refuses a shard without a seed, and more shards than units, before starting anything', async () => {
    const noSeed = await kconform(['run', '--scenarios', 'seed', '--shard', '1/2']);
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toMatch(/--shard needs --seed/);
    const tooMany = await kconform(['run', '--scenarios', 'seed', '--seed', '1', '--shard', '2/2']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/this campaign has 1 unit\(s\).*at most 1 shards/);
    const bad = await kconform(['run', '--scenarios', 'seed', '--seed', '1', '--shard', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/the shard number must be 1 to 2/);
  });
});
