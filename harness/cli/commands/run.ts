import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTargetSpec, type TargetSpec } from '../../targets/target-spec.ts';
import { TargetUnavailableError } from '../../targets/target.ts';
import type { CheckResult } from '../../../scenarios/checkers/index.ts';
import { runScenario, type ScenarioRun } from '../../runner/run-scenario.ts';
import { describeSchedule, failingCheckers, shrinkFailure } from '../../runner/shrink.ts';
import { parseFaultFamilies, type FaultFamily, type ScheduledFault } from '../../nemesis/fault-schedule.ts';
import { writeRunReports } from '../../../reports/write-reports.ts';
import { formatFailoverSummary } from '../../../reports/failover-summary.ts';
import { formatDurabilityTable } from '../../../scenarios/failover-durability-table.ts';
import { newRunId, selectScenarios } from '../scenario-selection.ts';
import { CliError, ExitCode, targetError, usageError } from '../exit-codes.ts';
import { parseBugs } from './broker.ts';
import { parseNodeControl, type NodeCommands } from '../../nemesis/node-commands.ts';
import { externalFaultProblem } from '../../nemesis/external-faults.ts';
import { checkOutputDir, checkOutputFile } from '../output-paths.ts';

/** Options of `kconform run`. */
export interface RunOptions {
  target: string;
  brokers: number;
  scenarios: string;
  seed?: number;
  runs: number;
  records: number;
  faults?: string;
  out?: string;
  junit?: string;
  bug?: string;
  /** Shrink failures (default: on for the reference target only). */
  shrink?: boolean;
  /** external@ only: per-node process fault commands, `ACTION=COMMAND,…` or `@FILE.json`. */
  nodeControl?: string;
}



const mark = (v: CheckResult['valid']) => (v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN');

/**
 * `kconform run`: starts the target, runs the chosen scenarios with a seed, records each run's
 * history under runs/<run-id>/, checks it, prints a verdict per check, and exits 0 when every
 * check held, 1 when one found an anomaly, 3 when the target could not be started.
 */
export async function runCommand(opts: RunOptions): Promise<void> {
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(opts.target);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  let faults: FaultFamily[] = [];
  try {
    faults = opts.faults ? parseFaultFamilies(opts.faults) : [];
  } catch (err) {
    throw usageError((err as Error).message);
  }
  let nodeControl: NodeCommands | undefined;
  if (opts.nodeControl !== undefined) {
    if (spec.kind !== 'external') throw usageError('--node-control is for external@HOST:PORT targets (kconform controls the processes of the targets it starts)');
    try {
      nodeControl = parseNodeControl(opts.nodeControl);
    } catch (err) {
      throw usageError((err as Error).message);
    }
  }
  if (spec.kind === 'external') {
    const problem = externalFaultProblem(faults, nodeControl);
    if (problem) throw usageError(problem);
  }
  const scenarios = selectScenarios(opts.scenarios, opts.brokers, (line) => process.stdout.write(`${line}\n`));
  const bugs = parseBugs(opts.bug);
  if (bugs.size && spec.kind !== 'reference') throw usageError('--bug works with the reference target only');
  const baseSeed = opts.seed ?? randomInt(2 ** 31 - 1);
  // Both output paths are checked before a target starts: a bad one is exit 2 at once.
  const outRoot = checkOutputDir(opts.out ?? join('runs', newRunId()));
  if (opts.junit) checkOutputFile(opts.junit, '--junit');
  process.stdout.write(`kconform run: target ${opts.target}, scenarios ${scenarios.map((s) => s.name).join(',')}, seed ${baseSeed}, runs ${opts.runs}, out ${outRoot}\n`);

  const results: ScenarioRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    for (const scenario of scenarios) {
      const seed = baseSeed + i;
      const runDir = opts.runs === 1 && scenarios.length === 1 ? outRoot : join(outRoot, `${scenario.name}-${i}`);
      const runWith = (records: number, dir: string, progress: (line: string) => void, schedule?: ScheduledFault[]) =>
        runScenario({ spec, targetName: opts.target, scenario, seed, records, runDir: dir, bugs, brokers: opts.brokers, faults, schedule, progress, nodeControl });
      let r: ScenarioRun;
      try {
        r = await runWith(opts.records, runDir, (line) => process.stdout.write(`${line}\n`));
        // Shrinking reruns the scenario many times: by default only where a target starts in milliseconds.
        if (r.valid === false && (opts.shrink ?? spec.kind === 'reference')) {
          process.stdout.write(`${scenario.name} failed; shrinking (same seed, smaller workloads${r.schedule?.length ? ', fewer and shorter faults' : ''})…\n`);
          const shrunk = await shrinkFailure(r, opts.records, (n, dir, schedule) => runWith(n, dir, () => {}, schedule));
          if (!shrunk.reproduced) {
            const was = [...failingCheckers(r)].join(', ');
            process.stdout.write(`${scenario.name}: not shrunk: a rerun of the same case failed ${shrunk.rerunFailing.join(', ') || 'nothing'} instead of exactly ${was} (timing-dependent); the original run is the counterexample\n`);
            results.push(r);
            continue;
          }
          const shrunkDir = join(runDir, 'shrunk');
          // The minimal case stores its schedule in config.json, so `kconform replay` plays exactly it.
          const minimal = await runWith(shrunk.records, shrunkDir, () => {}, shrunk.schedule);
          r = {
            ...r,
            shrunk: { records: shrunk.records, ops: minimal.ops, attempts: shrunk.attempts, path: shrunk.path, runDir: shrunkDir, failing: [...failingCheckers(minimal)], ...(shrunk.schedule ? { schedule: shrunk.schedule } : {}) },
          };
          writeFileSync(join(runDir, 'results.json'), JSON.stringify({ schema: 'kconform.results/v1', ...r }, null, 2) + '\n');
        }
      } catch (err) {
        if (err instanceof TargetUnavailableError) throw targetError(err.message);
        throw err;
      }
      results.push(r);
    }
  }

  process.stdout.write('\n');
  for (const r of results) {
    process.stdout.write(`${r.scenario} on ${r.target} (seed ${r.seed}, ${r.seconds.toFixed(1)} s): ${mark(r.valid)}\n`);
    for (const c of r.checks) process.stdout.write(`  ${mark(c.valid).padEnd(7)} ${c.checker.padEnd(22)} ${c.summary}\n`);
    if (r.error) process.stdout.write(`  error: ${r.error}\n`);
  }
  // The durability study's result is its table: printed last, where a reader looks.
  for (const r of results) if (r.durability) process.stdout.write(`\n${r.scenario} on ${r.target} (seed ${r.seed}):\n${formatDurabilityTable(r.durability)}\n`);

  // report.html and junit.xml (one case per scenario x target x run) from the stored runs
  const written = await writeRunReports(outRoot, { junit: opts.junit });
  // A long failover schedule's outcome in a few lines: every run of each target added up.
  for (const s of written?.model.failover ?? []) if (s.runs > 1) process.stdout.write(`\n${formatFailoverSummary(s)}\n`);

  const failed = results.filter((r) => r.valid !== true);
  if (failed.length === 0) {
    process.stdout.write(`\nall checks held; results in ${outRoot}\n`);
    return;
  }
  for (const r of failed) {
    process.stdout.write(`\n${r.scenario} ${r.valid === false ? 'found an anomaly' : 'could not decide'}: seed ${r.seed}, run directory ${r.runDir}\n`);
    const rerun = [`--target ${r.target}`, opts.brokers > 1 ? `--brokers ${opts.brokers}` : '', `--scenarios ${r.scenario}`, `--seed ${r.seed}`, `--records ${opts.records}`, opts.faults ? `--faults ${opts.faults}` : '', opts.bug ? `--bug ${opts.bug}` : ''];
    process.stdout.write(`  rerun with: kconform run ${rerun.filter(Boolean).join(' ')}\n`);
    if (r.shrunk) {
      process.stdout.write(`  shrunk from ${r.ops} to ${r.shrunk.ops} history ops (--records ${r.shrunk.records}) in ${r.shrunk.attempts} runs (fast-check path ${r.shrunk.path ?? '-'}), failing ${r.shrunk.failing.join(', ')}: ${r.shrunk.runDir}\n`);
      if (r.shrunk.schedule) process.stdout.write(`  fault schedule shrunk from ${r.schedule?.length ?? 0} to ${r.shrunk.schedule.length} step(s): ${describeSchedule(r.shrunk.schedule)}\n`);
      process.stdout.write(`  replay the shrunk case: kconform replay ${r.shrunk.runDir}\n`);
    }
  }
  throw new CliError(`${failed.length} scenario run(s) did not pass`, ExitCode.anomaly);
}
