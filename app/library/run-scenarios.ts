/**
 * `runScenarios(target, options)`: what `kconform run` does, from a test: each scenario on a
 * freshly started target, its history recorded under `out`, checked, and the verdicts returned
 * (no shrinking: rerun a failure with `kconform run … --seed N` to shrink it).
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Validity } from '../../harness/history/check-result.ts';
import { parseFaultFamilies } from '../../harness/nemesis/fault-schedule.ts';
import { kindOf, parseTargetSpec, type TargetSpec } from '../../harness/targets/target-spec.ts';
import { runScenario, type ScenarioRun } from '../runner/run-scenario.ts';
import { newRunId, selectScenarios } from '../cli/scenario-selection.ts';
import { bugOption, intOption, KconformUsageError, refuseUnknownOptions } from './library-error.ts';
import type { BugName } from '../../reference-broker/bugs/known-bugs.ts';
import type { FaultFamily } from '../../harness/nemesis/fault-schedule.ts';

export type { ScenarioRun };

/** Options of {@link runScenarios}. */
export interface RunScenariosOptions {
  /** Scenario names, or `'all'` (default: every scenario the target's size allows). */
  scenarios?: readonly string[] | 'all';
  /** Seed of the first run (default random; it is in every verdict). Run i uses seed + i. */
  seed?: number;
  /** Runs of each scenario (default 1). */
  runs?: number;
  /** Records the workload produces (default 1000, as `kconform run`). */
  records?: number;
  /** Nodes of the target (default 1). */
  brokers?: number;
  /** Fault families the nemesis plays: `kill`, `pause`, `partition`, … (default none). */
  faults?: readonly FaultFamily[];
  /** Known reference-broker bugs to switch on (reference targets only). */
  bugs?: readonly BugName[];
  /** Where the run directories go (default `runs/<run-id>` under the working directory, as `kconform run`). */
  out?: string;
  /** Progress lines (target ready, faults applied); default none. */
  progress?: (line: string) => void;
}

/** What {@link runScenarios} found. */
export interface ScenariosVerdict {
  /** `true` when every check of every run held, `false` when one found an anomaly, else `'unknown'`. */
  readonly valid: Validity;
  /** One per scenario run: its seed, run directory (history.jsonl, results.json), checks and error. */
  readonly runs: ScenarioRun[];
  /** The parent of the run directories. */
  readonly out: string;
}

const KNOWN = ['scenarios', 'seed', 'runs', 'records', 'brokers', 'faults', 'bugs', 'out', 'progress'] as const;

/**
 * Runs scenarios against `target` (a spec: `'reference'`, `'kafka@4.4.0'`, …), starting it
 * fresh for each run, and returns the checkers' verdicts.
 *
 * @throws KconformUsageError on a bad spec, scenario name, fault family or option
 * @throws TargetUnavailableError when the target cannot be started here
 */
export async function runScenarios(target: string, options: RunScenariosOptions = {}): Promise<ScenariosVerdict> {
  refuseUnknownOptions('runScenarios', options, KNOWN);
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(String(target));
  } catch (err) {
    throw new KconformUsageError((err as Error).message);
  }
  const brokers = intOption('brokers', options.brokers ?? 1, 1, 9);
  const runs = intOption('runs', options.runs ?? 1, 1, 100_000);
  const records = intOption('records', options.records ?? 1000, 0, 10_000_000);
  const baseSeed = intOption('seed', options.seed ?? randomInt(2 ** 31 - 1), 0, 2 ** 31 - 1);
  const bugs = new Set(bugOption(options.bugs));
  if (bugs.size && !kindOf(spec).capabilities.knownBugs)
    throw new KconformUsageError(`bugs exist in the reference broker only, not in ${target}`);
  const names = options.scenarios ?? 'all';
  const progress = options.progress ?? (() => {});
  let faults: FaultFamily[];
  let scenarios: ReturnType<typeof selectScenarios>;
  try {
    faults = options.faults?.length ? parseFaultFamilies(options.faults.join(',')) : [];
    scenarios = selectScenarios(names === 'all' ? 'all' : names.join(','), brokers, progress);
  } catch (err) {
    throw new KconformUsageError((err as Error).message);
  }
  const out = options.out ?? join('runs', newRunId());
  const results: ScenarioRun[] = [];
  for (let i = 0; i < runs; i++) {
    for (const scenario of scenarios) {
      results.push(
        await runScenario({
          spec,
          targetName: target,
          scenario,
          seed: baseSeed + i,
          records,
          runDir: join(out, `${scenario.name}-${i}`),
          bugs,
          brokers,
          faults,
          progress,
        }),
      );
    }
  }
  const valid: Validity = results.some((r) => r.valid === false)
    ? false
    : results.some((r) => r.valid === 'unknown')
      ? 'unknown'
      : true;
  return { valid, runs: results, out };
}
