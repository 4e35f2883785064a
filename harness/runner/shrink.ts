import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ScenarioRun } from './run-scenario.ts';

/** What shrinking found: the smallest workload that still fails the same way. */
export interface ShrinkResult {
  /** The smallest `records` that still failed with one of the original failing checkers. */
  records: number;
  /** How many runs shrinking took. */
  attempts: number;
  /** fast-check's path to the counterexample (for `fc.assert(..., { seed, path })`). */
  path: string | undefined;
}

/** Checkers that judged a run invalid. */
export function failingCheckers(run: ScenarioRun): Set<string> {
  return new Set(run.checks.filter((c) => c.valid === false).map((c) => c.checker));
}

/**
 * Shrinks a failing run with fast-check: the failing size is given as the first example, and
 * fast-check's integer shrinker walks it down, rerunning the scenario (same seed, smaller
 * workload) on a fresh target each time, until no smaller size fails the same way. A smaller
 * run "fails the same way" when one of the original failing checkers fails again.
 */
export async function shrinkFailure(failing: ScenarioRun, records: number, rerun: (records: number, runDir: string) => Promise<ScenarioRun>, maxAttempts = 40): Promise<ShrinkResult> {
  const wanted = failingCheckers(failing);
  const scratch = mkdtempSync(join(tmpdir(), 'kconform-shrink-'));
  let attempts = 0;
  try {
    const property = fc.asyncProperty(fc.limitShrink(fc.integer({ min: 0, max: records }), maxAttempts), async (n) => {
      attempts++;
      const r = await rerun(n, join(scratch, `records-${n}-${attempts}`));
      const again = failingCheckers(r);
      return ![...wanted].some((c) => again.has(c));
    });
    // The failing example runs first (with numRuns 0 fast-check would skip it), fails, and is shrunk.
    const out = await fc.check(property, { examples: [[records]], numRuns: 1, seed: failing.seed });
    const smallest = out.failed && out.counterexample ? out.counterexample[0] : records;
    return { records: smallest, attempts, path: out.counterexamplePath ?? undefined };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
