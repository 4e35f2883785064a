/**
 * Running one registered scenario in a suite, as `kconform run` does: on a fresh reference
 * broker, or on a Kafka node the suite started once (reached as an external target, so one
 * Kafka start serves every run of the file).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { Op } from '../../harness/history/history.ts';
import { runScenario, type ScenarioRun } from '../../app/runner/run-scenario.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { NOT_SUPPORTED_YET } from '../../scenarios/scenario-needs.ts';
import type { BugName } from '../../reference-broker/bugs/known-bugs.ts';

/** A finished run with its history read back from the run directory. */
export interface RunWithHistory extends ScenarioRun {
  history: Op[];
  /** The run id the scenario stamped into values and (on Kafka) topic names. */
  runId: string;
}

/**
 * Where a suite's runs go; `remove` deletes it, unless `keep` was called (from a failed test:
 * `onTestFailed(() => scratch.keep())`), so a flaky failure leaves its run directories to read.
 */
export function scratchDir(prefix: string): { dir: string; remove: () => void; keep: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `kconform-${prefix}-`));
  let kept = false;
  return {
    dir,
    remove: () => {
      if (kept) process.stdout.write(`kept the runs of a failed test for reading: ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    },
    keep: () => {
      kept = true;
    },
  };
}

/** A broker the suite started itself, reached as an external target. */
export interface SuiteBroker {
  host: string;
  port: number;
  /** Names the runs (run ids, target name). */
  label: string;
}

/** Runs scenario `name` on the reference broker (fresh, in process), on `kafka`, or on a broker the suite started. */
export async function runOn(
  target: 'reference' | StartedKafka | SuiteBroker,
  name: string,
  o: { seed: number; records: number; dir: string; bugs?: BugName[] },
): Promise<RunWithHistory> {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario '${name}' in SCENARIOS`);
  const label = target === 'reference' ? 'reference' : 'label' in target ? target.label : `kafka-${target.version}`;
  const runId = `${name}-${label}-${o.seed}${o.bugs?.length ? `-${o.bugs.join('+')}` : ''}`;
  const runDir = join(o.dir, runId);
  const r = await runScenario({
    spec: target === 'reference' ? { kind: 'reference' } : { kind: 'external', host: target.host, port: target.port },
    targetName: label,
    scenario,
    seed: o.seed,
    records: o.records,
    runDir,
    runId,
    bugs: new Set(o.bugs ?? []),
    progress: () => {},
  });
  const history = readFileSync(join(runDir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Op);
  return { ...r, history, runId };
}

/** The run ended normally and every check held (the failing ones are the assertion message). */
export function expectPassed(r: ScenarioRun): void {
  expect(r.error).toBeUndefined();
  expect(failing(r), JSON.stringify(failing(r), null, 1)).toEqual([]);
  expect(r.valid).toBe(true);
}

/**
 * The run ended normally and said the target lacks what the scenario needs: every one of the
 * scenario's own checks (named from `prefix`) is unknown, "not supported by this target yet".
 */
export function expectNotSupported(r: ScenarioRun, prefix: string): void {
  expect(r.error).toBeUndefined();
  const own = r.checks.filter((c) => c.checker.startsWith(prefix));
  expect(own.length).toBeGreaterThan(0);
  for (const c of own)
    expect(c).toMatchObject({ valid: 'unknown', summary: expect.stringContaining(NOT_SUPPORTED_YET) });
}

/** The checks that did not hold, as a readable assertion message. */
export function failing(r: ScenarioRun): CheckResult[] {
  return r.checks.filter((c) => c.valid !== true);
}

/** A check by name (throws when the run lacks it). */
export function check(r: ScenarioRun, name: string): CheckResult {
  const c = r.checks.find((x) => x.checker === name);
  if (!c) throw new Error(`no '${name}' check in ${r.checks.map((x) => x.checker).join(', ')}`);
  return c;
}

/** Completions (ok, fail, info) of `f` by `process`, in history order. */
export function completions(history: readonly Op[], f: string, process?: string): Op[] {
  return history.filter((o) => o.type !== 'invoke' && o.f === f && (process === undefined || o.process === process));
}
