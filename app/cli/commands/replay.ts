import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { runScenario, type ScenarioRun } from '../../runner/run-scenario.ts';
import { describeSchedule } from '../../runner/shrink.ts';
import { readStoredSchedule } from '../../runner/stored-schedule.ts';
import type { ScheduledFault } from '../../../harness/nemesis/fault-schedule.ts';
import { TargetUnavailableError } from '../../../harness/targets/target.ts';
import { mark, matchOutcome, type OutcomeMatch } from '../../compare/outcome.ts';
import { readRunConfig, readStoredOutcome, type RunConfig } from '../../compare/run-config.ts';
import { BUG_NAMES } from '../../../reference-broker/bugs/known-bugs.ts';
import { renderJUnit, type JUnitCase } from '../../../reports/junit.ts';
import { ALL_SCENARIOS } from '../../../scenarios/index.ts';
import { CliError, ExitCode, targetError, usageError } from '../exit-codes.ts';
import { checkOutputDir, checkOutputFile } from '../output-paths.ts';
import { makeDirs } from '../../../harness/output/make-dirs.ts';
import type { NodeCommands } from '../../../harness/nemesis/node-commands.ts';
import { parseNodeControlOption, refuseImpossibleExternalFaults, takesNodeControl } from '../external-fault-options.ts';

/** Options of `kconform replay`. */
export interface ReplayOptions {
  out?: string;
  junit?: string;
  /** external@ runs: process fault commands instead of those config.json stores (`ACTION=COMMAND,…` or `@FILE.json`). */
  nodeControl?: string;
}

/** A replay's own directories are never cases to replay again. */
const REPLAY_DIR = /-replay-\d+$/;
/** run writes scenario runs at most two levels below its out dir (compare: scenario/target). */
const MAX_DEPTH = 3;

/** The run directories under `dir`: itself when it holds a config.json, else those below it. */
export function findRunDirs(dir: string, depth = 0): string[] {
  if (existsSync(join(dir, 'config.json'))) return [dir];
  if (depth >= MAX_DEPTH) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !REPLAY_DIR.test(e.name))
    .map((e) => e.name)
    .sort()
    .flatMap((name) => findRunDirs(join(dir, name), depth + 1));
}

/** RUN_DIR-replay-N with the first N not taken. */
function nextReplayDir(runDir: string): string {
  for (let n = 1; ; n++) {
    const candidate = `${runDir}-replay-${n}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/** One stored case and where its replay goes. */
interface ReplayCase {
  original: string;
  config: RunConfig;
  /** The fault schedule config.json names (a shrunk case); undefined: drawn from the seed as in the original. */
  schedule: ScheduledFault[] | undefined;
  runDir: string;
  /** The process fault commands to give an external target: --node-control, else the stored ones. */
  nodeControl: NodeCommands | undefined;
}

/**
 * `kconform replay RUN_DIR`: runs the stored case again — same scenario, target, brokers, seed,
 * records, faults, fault schedule (the stored one of a shrunk case; else drawn from the seed as in
 * the original) and bugs — into RUN_DIR-replay-N (or --out), prints the verdicts and whether the
 * same checks failed as in the original. A directory holding several runs replays each. Exit codes
 * as `run`: 0 every check held, 1 an anomaly, 2 a missing or malformed config, 3 a target down.
 */
export async function replayCommand(runDirArg: string, opts: ReplayOptions): Promise<void> {
  const root = resolve(runDirArg);
  if (!existsSync(root)) throw usageError(`no such run directory: ${root}`);
  if (!statSync(root).isDirectory())
    throw usageError(`not a run directory: ${root} (expected the directory holding config.json)`);
  const dirs = findRunDirs(root);
  if (dirs.length === 0)
    throw usageError(
      `cannot read ${join(root, 'config.json')}: no such file, and no run directory below ${root} has one`,
    );
  const known = { scenarios: ALL_SCENARIOS.map((s) => s.name), bugs: BUG_NAMES };
  const outRoot = resolve(opts.out ?? nextReplayDir(root));
  // every config is checked before anything runs: a bad one is exit 2, not a half-done replay
  const stored = dirs.map((original) => {
    try {
      return { original, config: readRunConfig(original, known), schedule: readStoredSchedule(original) };
    } catch (err) {
      throw usageError((err as Error).message);
    }
  });
  const override = parseNodeControlOption(
    opts.nodeControl,
    stored.map((s) => s.config.spec),
  );
  const cases: ReplayCase[] = stored.map(({ original, config, schedule }) => {
    const nodeControl = takesNodeControl(config.spec) ? (override ?? config.nodeControl) : undefined;
    // as `run`: a stored external run whose process faults have no commands (a config.json from
    // before they were stored) is refused, not replayed with those faults left out
    refuseImpossibleExternalFaults(config.faults, [config.spec], nodeControl, join(original, 'config.json'));
    return {
      original,
      config,
      schedule,
      runDir: original === root ? outRoot : join(outRoot, relative(root, original)),
      nodeControl,
    };
  });
  checkOutputDir(outRoot);
  if (opts.junit) checkOutputFile(opts.junit, '--junit');
  process.stdout.write(`kconform replay: ${cases.length} run(s) from ${root}, out ${outRoot}\n`);

  const done: { c: ReplayCase; r: ScenarioRun; match: OutcomeMatch }[] = [];
  for (const c of cases) {
    const { config } = c;
    const faults = config.faults.length ? `, faults ${config.faults.join(',')}` : '';
    const bugs = config.bugs.length ? `, bugs ${config.bugs.join(',')}` : '';
    process.stdout.write(
      `\nreplaying ${config.scenario} on ${config.target} (brokers ${config.brokers}, seed ${config.seed}, records ${config.records}${faults}${bugs}) from ${c.original}\n`,
    );
    if (c.nodeControl)
      process.stdout.write(
        `  process faults through ${opts.nodeControl !== undefined ? 'the --node-control commands' : 'the node-control commands config.json stores'}: ${Object.keys(c.nodeControl.commands).join(', ')}\n`,
      );
    if (c.schedule) process.stdout.write(`  stored fault schedule: ${describeSchedule(c.schedule)}\n`);
    let r: ScenarioRun;
    try {
      r = await runScenario({
        spec: config.spec,
        targetName: config.target,
        scenario: ALL_SCENARIOS.find((s) => s.name === config.scenario)!,
        seed: config.seed,
        records: config.records,
        runDir: c.runDir,
        bugs: new Set(config.bugs),
        brokers: config.brokers,
        faults: config.faults,
        schedule: c.schedule,
        nodeControl: c.nodeControl,
        progress: (line) => process.stdout.write(`  ${line}\n`),
      });
    } catch (err) {
      if (err instanceof TargetUnavailableError) throw targetError(err.message, err.badSpec);
      throw err;
    }
    done.push({ c, r, match: matchOutcome(readStoredOutcome(c.original), r) });
  }

  process.stdout.write('\n');
  for (const { c, r, match } of done) {
    process.stdout.write(
      `${r.scenario} on ${r.target} (seed ${r.seed}, ${r.seconds.toFixed(1)} s): ${mark(r.valid)}\n`,
    );
    for (const check of r.checks)
      process.stdout.write(`  ${mark(check.valid).padEnd(7)} ${check.checker.padEnd(22)} ${check.summary}\n`);
    if (r.error) process.stdout.write(`  error: ${r.error}\n`);
    process.stdout.write(`  ${match.summary}\n  original ${c.original}\n  replay   ${r.runDir}\n`);
  }
  makeDirs(outRoot);
  const summary = done.map(({ c, r, match }) => ({
    original: c.original,
    runDir: r.runDir,
    scenario: r.scenario,
    target: r.target,
    seed: r.seed,
    valid: r.valid,
    matches: match.matches,
    originalFailing: match.originalFailing,
    replayFailing: match.replayFailing,
  }));
  writeFileSync(
    join(outRoot, 'replay.json'),
    JSON.stringify({ schema: 'kconform.replay/v1', from: root, cases: summary }, null, 2) + '\n',
  );
  if (opts.junit) {
    const cases: JUnitCase[] = done.flatMap(({ r, match }) => [
      ...r.checks.map((check) => ({
        suite: `replay ${r.scenario}@${r.target}#seed=${r.seed}`,
        name: check.checker,
        failure: check.valid === false ? check.summary : undefined,
        skipped: check.valid === 'unknown' ? check.summary : undefined,
      })),
      {
        suite: `replay ${r.scenario}@${r.target}#seed=${r.seed}`,
        name: 'same outcome as the original',
        failure: match.matches === false ? match.summary : undefined,
        skipped: match.matches === undefined ? match.summary : undefined,
      },
    ]);
    makeDirs(dirname(resolve(opts.junit)));
    writeFileSync(opts.junit, renderJUnit(cases));
  }

  const failed = done.filter(({ r }) => r.valid !== true);
  const reproduced = done.filter(({ match }) => match.matches === true).length;
  process.stdout.write(`\n${reproduced} of ${done.length} replay(s) reproduced the original outcome\n`);
  if (failed.length) throw new CliError(`${failed.length} replayed run(s) did not pass`, ExitCode.anomaly);
}
