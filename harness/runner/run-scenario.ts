import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkajsClient } from '../drivers/kafkajs-client.ts';
import { HistoryRecorder } from '../history/history.ts';
import { registerCleanup } from '../cleanup/cleanup-registry.ts';
import type { TargetSpec } from '../targets/target-spec.ts';
import { startTarget, TargetUnavailableError, type StartedTarget } from '../targets/target.ts';
import { checkHistory, combine, type CheckResult } from '../../scenarios/checkers/index.ts';
import type { Scenario, ScenarioContext } from '../../scenarios/index.ts';

/** The outcome of one scenario run, as results.json stores it. */
export interface ScenarioRun {
  scenario: string;
  target: string;
  seed: number;
  runDir: string;
  valid: boolean | 'unknown';
  checks: CheckResult[];
  error?: string;
  seconds: number;
}

/** What to run where. */
export interface RunScenarioOptions {
  spec: TargetSpec;
  /** The target as the user wrote it (for reports). */
  targetName: string;
  scenario: Scenario;
  seed: number;
  records: number;
  runDir: string;
  bugs?: ReadonlySet<string>;
  progress: (line: string) => void;
}

/**
 * Runs one scenario on a freshly started target, records its history in `runDir`, checks it, and
 * writes results.json. Throws {@link TargetUnavailableError} when the target cannot be started.
 */
export async function runScenario(o: RunScenarioOptions): Promise<ScenarioRun> {
  const { spec, targetName, scenario, seed, records, runDir, progress } = o;
  const bugs = o.bugs ?? new Set<string>();
  mkdirSync(runDir, { recursive: true });
  const started = Date.now();
  const config = { scenario: scenario.name, target: targetName, seed, records, bugs: [...bugs], kconform: '0.1.0' };
  writeFileSync(join(runDir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const history = new HistoryRecorder(join(runDir, 'history.jsonl'));
  let target: StartedTarget | undefined;
  let error: string | undefined;
  let scenarioChecks: CheckResult[] = [];
  let unregister = () => {};
  try {
    try {
      target = await startTarget(spec, runDir, { bugs });
    } catch (err) {
      if (err instanceof TargetUnavailableError) throw err;
      throw new TargetUnavailableError(`cannot start target ${targetName}: ${(err as Error).message}`);
    }
    const started = target;
    unregister = registerCleanup(`stop target ${targetName}`, () => started.stop());
    progress(`target ${targetName} ready at ${target.bootstrap}`);
    const runId = runDir.split('/').pop()!;
    const fresh = target.fresh;
    const ctx: ScenarioContext = {
      target,
      kafka: kafkajsClient(target.bootstrap.split(','), `kconform-${scenario.name}`),
      history,
      seed,
      records,
      runId,
      progress,
      topicName: (base) => (fresh ? base : `${base}-${runId}`),
    };
    try {
      scenarioChecks = await scenario.run(ctx);
    } catch (err) {
      error = (err as Error).message;
      progress(`scenario ${scenario.name} stopped early: ${error}`);
    }
  } finally {
    unregister();
    await target?.stop();
    await history.close();
  }
  const checks = [...checkHistory(history.ops), ...scenarioChecks];
  const valid = error !== undefined && combine(checks) === true ? 'unknown' : combine(checks);
  const result: ScenarioRun = { scenario: scenario.name, target: targetName, seed, runDir, valid, checks, error, seconds: (Date.now() - started) / 1000 };
  writeFileSync(join(runDir, 'results.json'), JSON.stringify({ schema: 'kconform.results/v1', ...result }, null, 2) + '\n');
  return result;
}

