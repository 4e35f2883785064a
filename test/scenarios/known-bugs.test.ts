/**
 * Checking the checkers: every scenario passes on the correct reference broker, and every known
 * bug (`--bug`) of a single node makes the scenario that targets it fail, flagged by the checker
 * that should; and `kconform check` finds each run's verdicts again from its history alone. The
 * replication bugs (scenario failover, 3 nodes) are in replication-bugs.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../app/runner/run-scenario.ts';
import { KNOWN_BUGS, type BugName } from '../../reference-broker/bugs/known-bugs.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { expectVerdictsReproduced } from '../helpers/check-verdicts.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-bugs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const scenario = (name: string) => SCENARIOS.find((s) => s.name === name)!;
/** Scenarios that run on a single node; the cluster ones (failover, durability) need --brokers 3. */
const singleNode = SCENARIOS.filter((s) => (s.minBrokers ?? 1) <= 1);
/** Bugs whose scenario runs on one node. */
const singleNodeBugs = KNOWN_BUGS.filter((b) => singleNode.some((s) => s.name === b.scenario));

const run = (scenarioName: string, bugs: BugName[], seed: number) => {
  const s = scenario(scenarioName);
  const brokers = s.minBrokers ?? 1;
  return runScenario({
    spec: { kind: 'reference' },
    targetName: 'reference',
    scenario: s,
    seed,
    records: 300,
    runDir: join(scratch, `${scenarioName}-${bugs.join('+') || 'clean'}-${seed}`),
    bugs: new Set(bugs),
    brokers,
    progress: () => {},
  });
};

describe('scenarios on the correct reference broker', () => {
  it.each(singleNode.map((s) => s.name))(
    '%s passes',
    async (name) => {
      const r = await run(name, [], 11);
      expect(
        r.checks.filter((c) => c.valid !== true),
        JSON.stringify(r.checks, null, 1),
      ).toEqual([]);
      expect(r.valid).toBe(true);
      await expectVerdictsReproduced(r.runDir);
    },
    60_000,
  );
});

describe('every known bug is caught', () => {
  it.each(singleNodeBugs.map((b) => [b.name, b.scenario, b.caughtBy] as const))(
    '%s is caught by the %s scenario (%s)',
    async (bug, scenarioName, caughtBy) => {
      const r = await run(scenarioName, [bug], 11);
      expect(r.valid).toBe(false);
      const failed = r.checks.filter((c) => c.valid === false).map((c) => c.checker);
      expect(failed, `failed checks: ${failed.join(', ')}`).toContain(caughtBy[0]);
      await expectVerdictsReproduced(r.runDir);
    },
    240_000,
  );
});
