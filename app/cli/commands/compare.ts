import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Op } from '../../../harness/history/history.ts';
import { parseFaultFamilies, type FaultFamily } from '../../../harness/nemesis/fault-schedule.ts';
import { runScenario } from '../../runner/run-scenario.ts';
import { TargetUnavailableError } from '../../../harness/targets/target.ts';
import { kindOf } from '../../../harness/targets/target-spec.ts';
import { diffBehaviour, type TargetBehaviour } from '../../compare/behaviour-diff.ts';
import {
  buildCompareReport,
  compareJUnitCases,
  renderCompareTable,
  type ComparedScenario,
} from '../../compare/compare-report.ts';
import { failingChecks } from '../../compare/outcome.ts';
import { parseTargetList, type ComparedTarget } from '../../compare/target-list.ts';
import { renderJUnit } from '../../../reports/junit.ts';
import { writeRunReports } from '../../../reports/write-reports.ts';
import { newRunId, selectScenarios } from '../scenario-selection.ts';
import { CliError, ExitCode, targetError, usageError } from '../exit-codes.ts';
import { checkOutputDir, checkOutputFile } from '../output-paths.ts';
import { makeDirs } from '../../../harness/output/make-dirs.ts';
import { parseNodeControlOption, refuseImpossibleExternalFaults, takesNodeControl } from '../external-fault-options.ts';

/** Options of `kconform compare` (those of `run`, with several targets and no --bug). */
export interface CompareOptions {
  targets: string;
  brokers: number;
  scenarios: string;
  seed?: number;
  runs: number;
  records: number;
  faults?: string;
  out?: string;
  junit?: string;
  /** external@ targets only: per-node process fault commands, `ACTION=COMMAND,…` or `@FILE.json`; the same for every external target. */
  nodeControl?: string;
}

/** A run's history as written; the runner keeps no copy once it returns. */
function readHistoryFile(runDir: string): Op[] {
  const text = readFileSync(join(runDir, 'history.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Op);
}

/**
 * `kconform compare`: runs the same scenarios with the same seeds on each target in turn, then
 * diffs what a client observed on each (offsets assigned, errors, what the reads returned, the
 * checkers' verdicts). Exits 0 when every target passed and none behaved differently, 1 when a
 * check failed or behaviour differed, 3 when a target could not be started.
 */
export async function compareCommand(opts: CompareOptions): Promise<void> {
  let targets: ComparedTarget[];
  try {
    targets = parseTargetList(opts.targets);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  let faults: FaultFamily[];
  try {
    faults = opts.faults ? parseFaultFamilies(opts.faults) : [];
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const specs = targets.map((t) => t.parsed);
  const nodeControl = parseNodeControlOption(opts.nodeControl, specs);
  // as `run`: a fault an external target cannot do is refused before anything starts, not left out
  refuseImpossibleExternalFaults(faults, specs, nodeControl);
  // A scenario one of the targets cannot run yet is left out of `all` for every target: compare runs the same ones on each.
  const scenarios = selectScenarios(opts.scenarios, opts.brokers, (line) => process.stdout.write(`${line}\n`), {
    transactions: specs.every((s) => kindOf(s).capabilities.transactions !== false),
    consumerProtocol: specs.every((s) => kindOf(s).capabilities.consumerProtocol !== false),
  });
  const baseSeed = opts.seed ?? randomInt(2 ** 31 - 1);
  const outRoot = checkOutputDir(opts.out ?? join('runs', newRunId()));
  if (opts.junit) checkOutputFile(opts.junit, '--junit');
  process.stdout.write(
    `kconform compare: targets ${targets.map((t) => t.label).join(', ')}, scenarios ${scenarios.map((s) => s.name).join(',')}, seed ${baseSeed}, runs ${opts.runs}, out ${outRoot}\n`,
  );

  const compared: ComparedScenario[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const seed = baseSeed + i;
    for (const scenario of scenarios) {
      const behaviours: TargetBehaviour[] = [];
      const runs: ComparedScenario['runs'] = [];
      for (const t of targets) {
        const scenarioDir = opts.runs === 1 ? scenario.name : `${scenario.name}-${i}`;
        const runDir = join(outRoot, scenarioDir, t.dirName);
        // unique per invocation: an external broker keeps the topics and groups of earlier compares
        const runId = `${basename(outRoot)}-${scenarioDir}-${t.dirName}`;
        process.stdout.write(`\n${scenario.name} (seed ${seed}) on ${t.label}\n`);
        try {
          const r = await runScenario({
            spec: t.parsed,
            targetName: t.spec,
            scenario,
            seed,
            records: opts.records,
            runDir,
            runId,
            brokers: opts.brokers,
            faults,
            nodeControl: takesNodeControl(t.parsed) ? nodeControl : undefined,
            progress: (line) => process.stdout.write(`  [${t.label}] ${line}\n`),
          });
          runs.push({
            target: t.label,
            runDir,
            valid: r.valid,
            failing: failingChecks(r.checks),
            seconds: r.seconds,
            error: r.error,
          });
          behaviours.push({
            target: t.label,
            runId,
            history: readHistoryFile(runDir),
            checks: r.checks,
            error: r.error,
          });
        } catch (err) {
          if (err instanceof TargetUnavailableError) throw targetError(`${t.label}: ${err.message}`, err.badSpec);
          throw err;
        }
      }
      compared.push({ scenario: scenario.name, seed, runs, aspects: diffBehaviour(behaviours) });
    }
  }

  const report = buildCompareReport({
    targets: targets.map((t) => t.label),
    records: opts.records,
    brokers: opts.brokers,
    faults,
    scenarios: compared,
  });
  makeDirs(outRoot);
  writeFileSync(join(outRoot, 'compare.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`\n${renderCompareTable(report)}`);
  if (opts.junit) {
    makeDirs(dirname(resolve(opts.junit)));
    writeFileSync(opts.junit, renderJUnit(compareJUnitCases(report)));
  }
  await writeRunReports(outRoot, { junit: false });
  if (report.same && report.passed) {
    process.stdout.write(`\nno observable difference and every check held; compare.json in ${outRoot}\n`);
    return;
  }
  const differing = compared.flatMap((s) => s.aspects.filter((a) => !a.same).map((a) => `${s.scenario}/${a.aspect}`));
  const reasons = [
    differing.length ? `behaviour differs in ${differing.join(', ')}` : '',
    report.passed ? '' : 'a target failed a check',
  ].filter(Boolean);
  process.stdout.write(`\ncompare.json in ${outRoot}\n`);
  throw new CliError(reasons.join('; '), ExitCode.anomaly);
}
