/**
 * Checking the checkers, transactions (issue 15): each transactional known bug of the reference
 * broker makes the scenario the bug table names fail, flagged by every checker the table names
 * for it; the same run without the bug passes; and `kconform run` shrinks the failure to a case
 * that fails the same way (smaller, for txn-atomicity and txn-exactly-once; txn-fencing's workload is fixed).
 * Runs go through the CLI, one at a time, as a user would run them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOWN_BUGS } from '../../reference-broker/bugs/known-bugs.ts';
import { kconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-txn-bugs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TXN_SCENARIOS = ['txn-atomicity', 'txn-fencing', 'txn-exactly-once'];
/** Scenarios whose workload shrinks with --records (txn-fencing's is fixed). */
const SHRINKING = ['txn-atomicity', 'txn-exactly-once'];
const txnBugs = KNOWN_BUGS.filter((b) => TXN_SCENARIOS.includes(b.scenario));

interface Results {
  valid: boolean;
  ops: number;
  checks: { checker: string; valid: unknown }[];
}
const results = (dir: string): Results => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;
const failed = (r: Results) => r.checks.filter((c) => c.valid === false).map((c) => c.checker);

const run = (scenario: string, out: string, extra: string[]) =>
  kconform(
    ['run', '--target', 'reference', '--scenarios', scenario, '--seed', '1', '--records', '40', '--out', out, ...extra],
    { timeoutMs: 240_000 },
  );

describe('transactional known bugs', () => {
  it('are the five of issue 15 and txn-offsets-early, each on a transactional scenario', () => {
    expect(txnBugs.map((b) => b.name).sort()).toEqual(
      ['commit-partial', 'drop-marker', 'expose-aborted', 'lso-ahead', 'no-fence', 'txn-offsets-early'].sort(),
    );
  });

  it.each(TXN_SCENARIOS)(
    '%s passes on the correct reference broker',
    async (scenario) => {
      const out = join(scratch, `${scenario}-clean`);
      const r = await run(scenario, out, []);
      expect(r.code, r.stdout.slice(-2000)).toBe(0);
      expect(failed(results(out))).toEqual([]);
    },
    240_000,
  );

  it.each(txnBugs.map((b) => [b.name, b] as const))(
    '%s is caught by its checkers and shrinks to a failing case',
    async (_name, bug) => {
      const out = join(scratch, bug.name);
      const r = await run(bug.scenario, out, ['--bug', bug.name, '--shrink-budget', '60']);
      expect(r.code, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`).toBe(1);
      const original = results(out);
      expect(original.valid).toBe(false);
      for (const checker of bug.caughtBy) expect(failed(original), checker).toContain(checker);
      // The shrunk case fails the same way: the first checker named still flags it.
      const shrunk = results(join(out, 'shrunk'));
      expect(shrunk.valid).toBe(false);
      expect(failed(shrunk)).toContain(bug.caughtBy[0]);
      if (SHRINKING.includes(bug.scenario)) expect(shrunk.ops).toBeLessThan(original.ops);
      else expect(shrunk.ops).toBeLessThanOrEqual(original.ops);
    },
    240_000,
  );
});
