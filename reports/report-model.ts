/**
 * The report of one or more stored runs, as data: what the HTML report and the JUnit file are
 * rendered from. Built from results.json, config.json and history.jsonl only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Op } from '../harness/history/history.ts';
import {
  DEFAULT_LIMITS,
  HistoryFormatError,
  readHistorySummary,
  type HistorySummary,
  type SummaryLimits,
} from './history/history-summary.ts';
import {
  isHistoryOp,
  type ConformanceResults,
  type DurabilityRow,
  type LoadResults,
  type ResultsV1,
  type ResultValidity,
} from './results-schema.ts';
import { summarizeFailoverRuns, type FailoverSummary } from './failover-summary.ts';
import type { PartitionLane } from './history/log-lanes.ts';
import { witnessPositions, type WitnessPosition } from './history/witness-positions.ts';
import { compareDifferences, type CompareDifference } from './compare-differences.ts';
import { validateCard, type Card } from './card/card-model.ts';
import {
  findRunDirs,
  loadCompare,
  loadStoredRun,
  ReportInputError,
  type StoredCompare,
  type StoredRun,
} from './run-dirs.ts';

/** A witness op with the invocation it completed (when the history has it). */
export interface WitnessOp {
  op: Op;
  invoke?: Op;
}

/** A check that did not simply pass: an anomaly, an allowed anomaly, or undecided. */
export interface Anomaly {
  checker: string;
  valid: ResultValidity;
  allowed: boolean;
  summary: string;
  count?: number;
  /** The witnesses as stored (at most 20). */
  witnesses: unknown[];
  /** The history ops among (or inside) the witnesses, in history order. */
  witnessOps: WitnessOp[];
  /** The log around the offsets the witnesses name, per partition (empty when they name none or there is no history). */
  lanes: PartitionLane[];
}

/** One run in the report. */
export interface ReportRun {
  /** Unique within the report; used for anchors and chart ids. */
  id: string;
  /** The run directory, relative to the working directory when below it. */
  dir: string;
  scenario: string;
  target: string;
  seed?: number;
  valid: ResultValidity;
  results: ResultsV1;
  config?: Record<string, unknown>;
  anomalies: Anomaly[];
  history?: HistorySummary;
  /** Why there are no plots (no history.jsonl, or an unreadable one). */
  historyProblem?: string;
  /** This run's lanes at the positions of each compare difference it takes part in, by {@link differenceKey}. */
  compareLanes?: Map<string, PartitionLane[]>;
}

/** Names one compare difference: `scenario#seed/aspect`. */
export const differenceKey = (d: Pick<CompareDifference, 'scenario' | 'seed' | 'aspect'>) =>
  `${d.scenario}#${d.seed}/${d.aspect}`;

/** A lane with something in it (a topic name tried that the run never wrote draws empty). */
const laneHasData = (lane: PartitionLane) =>
  lane.rows.some((r) => r.cells.some((c) => c.records.length > 0 || c.states.some((x) => x !== 'hole')));

/** Everything a report shows. */
export interface ReportModel {
  title: string;
  /** ISO time the report was built. */
  generatedAt: string;
  /** The directories given, as given. */
  inputs: string[];
  runs: ReportRun[];
  /** Durability rows of every run, with the run they came from, the target filled in and the acks level as text. */
  durability: (DurabilityRow & { runId: string; target: string; levelLabel: string })[];
  /** Faults a durability study left out, with the reason. */
  durabilitySkipped: { runId: string; target: string; fault: string; reason: string }[];
  conformance: { runId: string; target: string; matrix: ConformanceResults }[];
  load: { runId: string; target: string; load: LoadResults }[];
  compares: StoredCompare[];
  /** The report card of a `kconform certify` run (card.json in an input directory). */
  card?: Card;
  /** The failover runs added up per target (the long failover schedule in one table). */
  failover: FailoverSummary[];
}

/** Options of {@link buildReportModel}. */
export interface ReportModelOptions {
  title?: string;
  limits?: SummaryLimits;
  /** Called once per run while its history is read (long histories take a while). */
  progress?: (line: string) => void;
}

/** A durability row's acks level as text: `level` as written, else `acks=0|1|all`. */
export function acksLabel(row: DurabilityRow): string {
  return row.level ?? `acks=${row.acks === -1 || row.acks === 'all' ? 'all' : row.acks}`;
}

/** Witness ops: witnesses that are ops, and ops one level inside witnesses (`{process, previous, next, op}`). */
export function witnessOpsOf(witnesses: readonly unknown[]): Op[] {
  const byIndex = new Map<number, Op>();
  const take = (v: unknown) => {
    if (isHistoryOp(v) && !byIndex.has(v.index)) byIndex.set(v.index, v as Op);
  };
  for (const w of witnesses) {
    take(w);
    if (typeof w === 'object' && w !== null && !isHistoryOp(w)) for (const inner of Object.values(w)) take(inner);
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

function displayDir(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

function identity(run: StoredRun): { scenario: string; target: string; seed?: number } {
  const r = run.results;
  if (r.command === 'check') {
    const c = run.config ?? {};
    return {
      scenario: typeof c.scenario === 'string' ? c.scenario : `check ${basename(r.history)}`,
      target: typeof c.target === 'string' ? c.target : '(stored history)',
      seed: typeof c.seed === 'number' ? c.seed : undefined,
    };
  }
  // A load run draws nothing from a seed (it stores 0): no seed to show.
  return { scenario: r.scenario, target: r.target, seed: r.load ? undefined : r.seed };
}

const counted = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A title that counts what the page shows: "1 run of 8 scenarios", "2 runs of 1 scenario on 2 targets (4 scenario runs)". */
export function reportTitle(runs: readonly Pick<ReportRun, 'scenario' | 'target'>[], commands: number): string {
  if (runs.length === 1) return `kconform report: ${runs[0]!.scenario} on ${runs[0]!.target}`;
  const scenarios = new Set(runs.map((r) => r.scenario)).size;
  const targets = new Set(runs.map((r) => r.target)).size;
  return `kconform report: ${counted(commands, 'run')} of ${counted(scenarios, 'scenario')}${targets > 1 ? ` on ${targets} targets` : ''}${runs.length !== scenarios ? ` (${runs.length} scenario runs)` : ''}`;
}

/** The card.json of the first input directory that holds one (a certify run's root), validated. */
function cardOf(dirs: readonly string[]): { card?: Card } {
  for (const d of dirs) {
    const path = join(d, 'card.json');
    if (!existsSync(path)) continue;
    try {
      return { card: validateCard(JSON.parse(readFileSync(path, 'utf8')), path) };
    } catch (err) {
      throw new ReportInputError(`${path}: ${(err as Error).message}`);
    }
  }
  return {};
}

/**
 * Builds the report of the runs at or below each of `dirs`. Throws ReportInputError on a missing
 * directory, a directory without results.json, or a results.json that breaks the schema.
 */
export async function buildReportModel(dirs: readonly string[], opts: ReportModelOptions = {}): Promise<ReportModel> {
  const stored: StoredRun[] = [];
  const compares: StoredCompare[] = [];
  // The command each run directory came from: a directory given is one; scenario runs below it group by parent.
  const commands = new Set<string>();
  for (const d of dirs) {
    for (const runDir of findRunDirs(d)) {
      stored.push(loadStoredRun(runDir));
      commands.add(resolve(runDir) === resolve(d) ? resolve(runDir) : dirname(resolve(runDir)));
    }
    const cmp = loadCompare(d);
    if (cmp) compares.push(cmp);
  }
  const runs: ReportRun[] = [];
  for (const [i, s] of stored.entries()) {
    const id = `run-${i + 1}`;
    const { scenario, target, seed } = identity(s);
    const notPassing = s.results.checks.filter((c) => c.valid !== true || c.allowed);
    const witnessOps = new Map(notPassing.map((c) => [c, witnessOpsOf(c.witnesses)]));
    const wanted = new Set(
      [...witnessOps.values()].flatMap((ops) => ops.filter((o) => o.type !== 'invoke').map((o) => o.index)),
    );
    // Acknowledged sends among the failing witnesses (lost writes): the report shows what the final read held there.
    const positions = [...witnessOps.entries()]
      .filter(([c]) => c.valid === false)
      .flatMap(([, ops]) => ops.filter((o) => o.f === 'send' && o.type === 'ok'))
      .map((o) => o.value as { topic?: unknown; partition?: unknown; offset?: unknown })
      .filter(
        (v): v is { topic: string; partition: number; offset: number } =>
          typeof v?.topic === 'string' && typeof v.partition === 'number' && typeof v.offset === 'number',
      )
      .slice(0, 20)
      .map((v) => ({ topic: v.topic, partition: v.partition, offset: v.offset }));
    const lanePositions: WitnessPosition[][] = notPassing.map((c) => witnessPositions(c.witnesses));
    // compare differences this run takes part in: its lanes where they differ
    const differences = compares
      .flatMap((c) => compareDifferences(c).differences)
      .filter((d) => d.positions.length && d.sides.some((x) => x.runDir && resolve(x.runDir) === resolve(s.dir)));
    // compare.json names topics without the run id a target that was not started fresh appends
    // (compare's run id: `ROOT-SCENARIO-TARGETDIR`): try the bare name and that one
    const root = dirname(dirname(s.dir));
    const runId = [basename(root), basename(dirname(s.dir)), basename(s.dir)].join('-');
    for (const d of differences)
      lanePositions.push(
        d.positions.flatMap((p) =>
          [p.topic, `${p.topic}-${runId}`].flatMap((topic) =>
            p.offsets.map((offset) => ({ topic, partition: p.partition, offset })),
          ),
        ),
      );
    const run: ReportRun = {
      id,
      dir: displayDir(s.dir),
      scenario,
      target,
      seed,
      valid: s.results.valid,
      results: s.results,
      config: s.config,
      anomalies: [],
    };
    if (s.historyPath) {
      opts.progress?.(`reading ${displayDir(s.historyPath)} (${s.results.ops} ops)`);
      try {
        run.history = await readHistorySummary(
          s.historyPath,
          wanted,
          opts.limits ?? DEFAULT_LIMITS,
          positions,
          lanePositions,
        );
      } catch (err) {
        if (!(err instanceof HistoryFormatError)) throw err;
        run.historyProblem = err.message;
      }
    } else {
      run.historyProblem = 'no history.jsonl in the run directory';
    }
    run.anomalies = notPassing.map((c, i) => ({
      checker: c.checker,
      valid: c.valid,
      allowed: c.allowed === true,
      summary: c.summary,
      count: c.count,
      witnesses: c.witnesses,
      witnessOps: witnessOps.get(c)!.map((op) => ({ op, invoke: run.history?.invocations[op.index] })),
      lanes: run.history?.lanes[i] ?? [],
    }));
    if (differences.length)
      run.compareLanes = new Map(
        differences.map((d, k) => [
          differenceKey(d),
          (run.history?.lanes[notPassing.length + k] ?? []).filter(laneHasData),
        ]),
      );
    runs.push(run);
  }
  // Group by scenario (in order of first appearance), then target, then seed: runs to compare sit together.
  const scenarioOrder = [...new Set(runs.map((r) => r.scenario))];
  runs.sort(
    (a, b) =>
      scenarioOrder.indexOf(a.scenario) - scenarioOrder.indexOf(b.scenario) || (a.seed ?? 0) - (b.seed ?? 0) || 0,
  );
  return {
    title: opts.title ?? reportTitle(runs, commands.size),
    generatedAt: new Date().toISOString(),
    inputs: [...dirs],
    runs,
    durability: runs.flatMap((r) =>
      (r.results.durability?.rows ?? []).map((row) => ({
        ...row,
        runId: r.id,
        target: row.target ?? r.target,
        levelLabel: acksLabel(row),
      })),
    ),
    durabilitySkipped: runs.flatMap((r) =>
      (r.results.durability?.skipped ?? []).map((s) => ({ ...s, runId: r.id, target: r.target })),
    ),
    conformance: runs
      .filter((r) => r.results.conformance)
      .map((r) => ({ runId: r.id, target: r.target, matrix: r.results.conformance! })),
    load: runs.filter((r) => r.results.load).map((r) => ({ runId: r.id, target: r.target, load: r.results.load! })),
    compares,
    failover: summarizeFailoverRuns(runs),
    ...cardOf(dirs),
  };
}
