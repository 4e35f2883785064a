/**
 * Checking the checkers on a cluster: each replication bug of the reference broker (scenario
 * failover, 3 nodes) is caught by the first checker it names, under the replication fault that
 * exposes it, with a seed whose schedule starts with that fault — so the same seed catches it on
 * every run — and `kconform check` finds the run's verdicts again from its history alone. The
 * correct reference cluster passes the same faults (with KCONFORM_LONG=1; by default
 * failover-reference.test.ts puts it through every replication fault).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../app/runner/run-scenario.ts';
import { KNOWN_BUGS, type BugName } from '../../reference-broker/bugs/known-bugs.ts';
import type { FailoverFault } from '../../scenarios/failover-faults.ts';
import { EXPOSED_BY, seedStartingWithFault } from './failover-runs.ts';
import { expectVerdictsReproduced } from '../helpers/check-verdicts.ts';
import { failoverScenario } from '../../scenarios/failover.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-replication-bugs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = (bugs: BugName[], kind: FailoverFault) =>
  runScenario({
    spec: { kind: 'reference' },
    targetName: 'reference',
    scenario: failoverScenario,
    seed: seedStartingWithFault(kind),
    // 250 records: one fault per run.
    records: 250,
    runDir: join(scratch, `${kind}-${bugs.join('+') || 'clean'}`),
    bugs: new Set(bugs),
    brokers: 3,
    faults: ['replication'],
    progress: (line) => process.stdout.write(`[${kind} ${bugs.join('+') || 'correct'}] ${line}\n`),
  });

const replicationBugs = KNOWN_BUGS.filter((b) => b.scenario === failoverScenario.name);

describe('replication bugs on a 3-node reference cluster', () => {
  it.each(replicationBugs.map((b) => [b.name, b.caughtBy] as const))(
    '%s is caught (%s)',
    async (bug, caughtBy) => {
      const kind = EXPOSED_BY[bug];
      expect(kind, `no replication fault is known to expose ${bug}`).toBeDefined();
      const r = await run([bug], kind!);
      expect(r.error).toBeUndefined();
      expect(r.valid).toBe(false);
      const failed = r.checks.filter((c) => c.valid === false).map((c) => c.checker);
      // Which symptom shows can depend on timing: a kept divergent tail either gets served once the
      // replica leads again (inconsistent offsets, lost writes) or keeps it from ever catching up
      // (recovery). Any of the checkers the bug lists counts; none of them failing is a miss.
      expect(
        failed.filter((c) => caughtBy.includes(c)),
        `failed checks: ${failed.join(', ')}; expected one of ${caughtBy.join(', ')}`,
      ).not.toEqual([]);
      expect(r.checks.find((c) => c.checker === 'failover-faults')?.count).toBe(1);
      // the history is the only truth: `kconform check` finds the run's verdicts again
      await expectVerdictsReproduced(r.runDir);
    },
    240_000,
  );

  // failover-reference.test.ts runs the correct cluster through every replication fault by default
  it.runIf(process.env.KCONFORM_LONG === '1').each(['lagging-follower', 'divergent-rejoin'] as const)(
    'the correct cluster passes %s',
    async (kind) => {
      const r = await run([], kind);
      expect(r.error).toBeUndefined();
      expect(
        r.checks.filter((c) => c.valid !== true),
        JSON.stringify(
          r.checks.filter((c) => c.valid !== true),
          null,
          1,
        ),
      ).toEqual([]);
      expect(r.checks.find((c) => c.checker === 'failover-faults')?.count).toBe(1);
    },
    240_000,
  );
});
