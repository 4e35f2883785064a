import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kindOf, parseTargetSpec, type TargetSpec } from '../../../harness/targets/target-spec.ts';
import { TargetUnavailableError } from '../../../harness/targets/target.ts';
import type { CheckResult } from '../../../harness/history/check-result.ts';
import { runScenario, type ScenarioRun } from '../../runner/run-scenario.ts';
import {
  DEFAULT_SHRINK_BUDGET_SECONDS,
  describeSchedule,
  failingCheckers,
  shrinkFailure,
  type ShrinkProgress,
} from '../../runner/shrink.ts';
import { parseFaultFamilies, type FaultFamily, type ScheduledFault } from '../../../harness/nemesis/fault-schedule.ts';
import { writeRunReports } from '../../../reports/write-reports.ts';
import { formatFailoverSummary } from '../../../reports/failover-summary.ts';
import { formatDurabilityTable } from '../../../scenarios/checkers/durability-table.ts';
import { newRunId, selectScenarios } from '../scenario-selection.ts';
import { CliError, ExitCode, targetError, usageError } from '../exit-codes.ts';
import { BUG_TARGETS } from '../help-texts.ts';
import { parseBugs } from './broker.ts';
import { parseNodeControlOption, refuseImpossibleExternalFaults } from '../external-fault-options.ts';
import { checkOutputDir, checkOutputFile } from '../output-paths.ts';
import { parseShard, type Shard, unitsOfShard, workUnits } from '../../runner/shard.ts';
import { SHARD_MANIFEST, type ShardManifest } from '../../../reports/shards.ts';
import { makeDirs } from '../../../harness/output/make-dirs.ts';

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
  /** Shrink failures (default: on for kinds cheap to restart, the reference target). */
  shrink?: boolean;
  /** external@ only: per-node process fault commands, `ACTION=COMMAND,…` or `@FILE.json`. */
  nodeControl?: string;
  /** Seconds each failure may be shrunk for (default 60). */
  shrinkBudget?: number;
  /** `I/N`: run only this shard's share of the scenarios × runs (app/runner/shard.ts). */
  shard?: string;
}

/** One line per shrink try, on stderr: the run's own output stays the verdicts. */
export function shrinkProgressLine(scenario: string, p: ShrinkProgress, budgetSeconds: number): string {
  const faults = (n: number | undefined) => (n === undefined ? '' : `, ${n} fault(s)`);
  const what = p.attempt === 1 ? 'rerun of the failing case' : `${p.records} records${faults(p.faults)}`;
  const outcome = !p.finished
    ? 'did not finish within the budget (stopped)'
    : p.failedSameWay
      ? 'failed the same way'
      : 'did not fail the same way';
  return `  shrinking ${scenario}: try ${p.attempt} (${what}) ${outcome}; smallest so far ${p.smallestRecords} records${faults(p.smallestFaults)}; ${p.elapsedSeconds.toFixed(0)} of ${budgetSeconds} s`;
}

/** Rewrites a run's results.json with what shrinking found. */
function writeResults(r: ScenarioRun): void {
  writeFileSync(
    join(r.runDir, 'results.json'),
    JSON.stringify({ schema: 'kconform.results/v1', ...r }, null, 2) + '\n',
  );
}

function parseShardOption(text: string, seed: number | undefined): Shard {
  let shard: Shard;
  try {
    shard = parseShard(text);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (seed === undefined)
    throw usageError(`--shard needs --seed: every shard of a campaign must draw the same seeds (e.g. --seed 1)`);
  return shard;
}

/** shard.json: this shard's place and the options every shard of the campaign shares (reports/shards.ts checks them). */
function writeShardManifest(
  outRoot: string,
  shard: Shard,
  units: ShardManifest['units'],
  opts: Omit<RunOptions, 'scenarios' | 'seed'> & { scenarios: string[]; seed: number },
): void {
  const manifest: ShardManifest = {
    schema: 'kconform.shard/v1',
    index: shard.index,
    count: shard.count,
    campaign: {
      target: opts.target,
      brokers: opts.brokers,
      scenarios: opts.scenarios,
      seed: opts.seed,
      runs: opts.runs,
      records: opts.records,
      faults: opts.faults ?? null,
      bug: opts.bug ?? null,
    },
    units,
  };
  makeDirs(outRoot);
  writeFileSync(join(outRoot, SHARD_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
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
  const nodeControl = parseNodeControlOption(opts.nodeControl, [spec]);
  refuseImpossibleExternalFaults(faults, [spec], nodeControl);
  const scenarios = selectScenarios(
    opts.scenarios,
    opts.brokers,
    (line) => process.stdout.write(`${line}\n`),
    kindOf(spec).capabilities,
  );
  const bugs = parseBugs(opts.bug);
  if (bugs.size && !kindOf(spec).capabilities.knownBugs) throw usageError(`--bug works with the ${BUG_TARGETS} only`);
  const shard = opts.shard === undefined ? undefined : parseShardOption(opts.shard, opts.seed);
  const allUnits = workUnits(
    opts.runs,
    scenarios.map((s) => s.name),
  );
  if (shard && shard.count > allUnits.length)
    throw usageError(
      `--shard ${opts.shard}: this campaign has ${allUnits.length} unit(s) (${opts.runs} run(s) × ${scenarios.length} scenario(s)); use at most ${allUnits.length} shards`,
    );
  const units = shard ? unitsOfShard(allUnits, shard) : allUnits;
  const baseSeed = opts.seed ?? randomInt(2 ** 31 - 1);
  // Both output paths are checked before a target starts: a bad one is exit 2 at once.
  const outRoot = checkOutputDir(opts.out ?? join('runs', newRunId()));
  if (opts.junit) checkOutputFile(opts.junit, '--junit');
  process.stdout.write(
    `kconform run: target ${opts.target}, scenarios ${scenarios.map((s) => s.name).join(',')}, seed ${baseSeed}, runs ${opts.runs}, out ${outRoot}\n`,
  );
  if (shard) {
    writeShardManifest(outRoot, shard, units, { ...opts, scenarios: scenarios.map((s) => s.name), seed: baseSeed });
    process.stdout.write(
      `shard ${shard.index}/${shard.count}: ${units.length} of ${allUnits.length} unit(s): ${units.map((u) => `${u.scenario}-${u.run}`).join(', ')}\n`,
    );
  }

  const results: ScenarioRun[] = [];
  for (const unit of units) {
    const i = unit.run;
    const scenario = scenarios.find((s) => s.name === unit.scenario)!;
    const seed = baseSeed + i;
    // Sharded runs always name a unit's directory, so merged shards never collide.
    const runDir =
      !shard && opts.runs === 1 && scenarios.length === 1 ? outRoot : join(outRoot, `${scenario.name}-${i}`);
    const runWith = (
      records: number,
      dir: string,
      progress: (line: string) => void,
      schedule?: ScheduledFault[],
      signal?: AbortSignal,
    ) =>
      runScenario({
        spec,
        targetName: opts.target,
        scenario,
        seed,
        records,
        runDir: dir,
        bugs,
        brokers: opts.brokers,
        faults,
        schedule,
        progress,
        nodeControl,
        signal,
      });
    let r: ScenarioRun;
    try {
      r = await runWith(opts.records, runDir, (line) => process.stdout.write(`${line}\n`));
      // Shrinking reruns the scenario many times: by default only where a target starts in milliseconds.
      if (r.valid === false && (opts.shrink ?? kindOf(spec).capabilities.shrinkByDefault)) {
        const budget = opts.shrinkBudget ?? DEFAULT_SHRINK_BUDGET_SECONDS;
        process.stdout.write(
          `${scenario.name} failed; shrinking for at most ${budget} s (same seed, smaller workloads${r.schedule?.length ? ', fewer and shorter faults' : ''}; --shrink-budget SECONDS or --no-shrink to change)…\n`,
        );
        const shrunk = await shrinkFailure(
          r,
          opts.records,
          (n, dir, schedule, signal) => runWith(n, dir, () => {}, schedule, signal),
          {
            budgetMs: budget * 1000,
            keepDir: join(runDir, 'shrunk'),
            starting: (p) =>
              process.stderr.write(
                `  shrinking ${scenario.name}: try ${p.attempt} (${p.attempt === 1 ? 'rerun of the failing case' : `${p.records} records${p.faults === undefined ? '' : `, ${p.faults} fault(s)`}`}) starts at ${p.elapsedSeconds.toFixed(0)} of ${budget} s…\n`,
              ),
            progress: (p) => process.stderr.write(`${shrinkProgressLine(scenario.name, p, budget)}\n`),
          },
        );
        const tried = `${shrunk.attempts} run(s) in ${shrunk.seconds.toFixed(0)} s${shrunk.budgetExhausted ? `, the ${budget} s budget spent` : ''}`;
        // A rerun of the failing case stopped by the budget says nothing about reproducing it.
        const reproduced = shrunk.reproduced || (shrunk.attempts === 1 && shrunk.unfinished === 1);
        r = {
          ...r,
          shrink: {
            attempts: shrunk.attempts,
            seconds: shrunk.seconds,
            budgetSeconds: budget,
            budgetExhausted: shrunk.budgetExhausted,
            unfinished: shrunk.unfinished,
            smaller: shrunk.reproduced && shrunk.smaller,
            reproduced,
          },
        };
        if (!reproduced) {
          const was = [...failingCheckers(r)].join(', ');
          process.stdout.write(
            `${scenario.name}: not shrunk: a rerun of the same case failed ${shrunk.rerunFailing.join(', ') || 'nothing'} instead of exactly ${was} (timing-dependent); the original run is the counterexample\n`,
          );
          writeResults(r);
          results.push(r);
          continue;
        }
        if (!shrunk.smaller) {
          const why =
            shrunk.attempts === 1 && shrunk.budgetExhausted
              ? 'the budget was spent rerunning the failing case, no smaller one was tried'
              : 'no smaller case failed the same way';
          process.stdout.write(
            `${scenario.name}: not shrunk: ${why} (${tried}); the original run is the counterexample\n`,
          );
          writeResults(r);
          results.push(r);
          continue;
        }
        process.stdout.write(
          `${scenario.name}: shrunk to --records ${shrunk.records}${shrunk.schedule ? `, ${shrunk.schedule.length} fault(s)` : ''} (${tried})\n`,
        );
        const shrunkDir = join(runDir, 'shrunk');
        // The minimal case stores its schedule in config.json, so `kconform replay` plays exactly it.
        const minimal = shrunk.kept ?? (await runWith(shrunk.records, shrunkDir, () => {}, shrunk.schedule));
        r = {
          ...r,
          shrunk: {
            records: shrunk.records,
            ops: minimal.ops,
            attempts: shrunk.attempts,
            path: shrunk.path,
            runDir: shrunkDir,
            failing: [...failingCheckers(minimal)],
            ...(shrunk.schedule ? { schedule: shrunk.schedule } : {}),
          },
        };
        writeResults(r);
      }
    } catch (err) {
      if (err instanceof TargetUnavailableError) throw targetError(err.message, err.badSpec);
      throw err;
    }
    results.push(r);
  }

  process.stdout.write('\n');
  for (const r of results) {
    process.stdout.write(
      `${r.scenario} on ${r.target} (seed ${r.seed}, ${r.seconds.toFixed(1)} s): ${mark(r.valid)}\n`,
    );
    for (const c of r.checks)
      process.stdout.write(`  ${mark(c.valid).padEnd(7)} ${c.checker.padEnd(22)} ${c.summary}\n`);
    if (r.error) process.stdout.write(`  error: ${r.error}\n`);
  }
  // The durability study's result is its table: printed last, where a reader looks.
  for (const r of results)
    if (r.durability)
      process.stdout.write(
        `\n${r.scenario} on ${r.target} (seed ${r.seed}):\n${formatDurabilityTable(r.durability)}\n`,
      );

  // report.html and junit.xml (one case per scenario x target x run) from the stored runs
  const written = await writeRunReports(outRoot, { junit: opts.junit });
  // A long failover schedule's outcome in a few lines: every run of each target added up.
  for (const s of written?.model.failover ?? [])
    if (s.runs > 1) process.stdout.write(`\n${formatFailoverSummary(s)}\n`);

  const failed = results.filter((r) => r.valid !== true);
  if (failed.length === 0) {
    process.stdout.write(`\nall checks held; results in ${outRoot}\n`);
    return;
  }
  for (const r of failed) {
    process.stdout.write(
      `\n${r.scenario} ${r.valid === false ? 'found an anomaly' : 'could not decide'}: seed ${r.seed}, run directory ${r.runDir}\n`,
    );
    const rerun = [
      `--target ${r.target}`,
      opts.brokers > 1 ? `--brokers ${opts.brokers}` : '',
      `--scenarios ${r.scenario}`,
      `--seed ${r.seed}`,
      `--records ${opts.records}`,
      opts.faults ? `--faults ${opts.faults}` : '',
      opts.bug ? `--bug ${opts.bug}` : '',
      opts.nodeControl ? `--node-control '${opts.nodeControl.replaceAll("'", "'\\''")}'` : '',
    ];
    process.stdout.write(`  replay this run: kconform replay ${r.runDir}\n`);
    process.stdout.write(`  rerun with: kconform run ${rerun.filter(Boolean).join(' ')}\n`);
    if (r.shrink && !r.shrunk) {
      const how = !r.shrink.reproduced
        ? 'a rerun of the same case did not fail the same way'
        : r.shrink.attempts === 1 && r.shrink.budgetExhausted
          ? 'the budget was spent rerunning the failing case'
          : 'no smaller case failed the same way';
      process.stdout.write(
        `  not shrunk: ${how} (${r.shrink.attempts} run(s) in ${r.shrink.seconds.toFixed(0)} s${r.shrink.budgetExhausted ? `, the ${r.shrink.budgetSeconds} s budget spent` : ''})\n`,
      );
    }
    if (r.shrunk) {
      const budget = r.shrink?.budgetExhausted ? `, the ${r.shrink.budgetSeconds} s budget spent` : '';
      process.stdout.write(
        `  shrunk from --records ${opts.records} (${r.ops} history ops) to --records ${r.shrunk.records} (${r.shrunk.ops} ops) in ${r.shrunk.attempts} runs${budget} (fast-check path ${r.shrunk.path ?? '-'}), failing ${r.shrunk.failing.join(', ')}: ${r.shrunk.runDir}\n`,
      );
      if (r.shrunk.schedule)
        process.stdout.write(
          `  fault schedule shrunk from ${r.schedule?.length ?? 0} to ${r.shrunk.schedule.length} step(s): ${describeSchedule(r.shrunk.schedule)}\n`,
        );
      process.stdout.write(`  replay the shrunk case: kconform replay ${r.shrunk.runDir}\n`);
    }
  }
  throw new CliError(`${failed.length} scenario run(s) did not pass`, ExitCode.anomaly);
}
