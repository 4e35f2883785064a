import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { ScheduledFault } from '../../harness/nemesis/fault-schedule.ts';
import type { ScenarioRun } from './run-scenario.ts';

/** What shrinking found: the smallest workload and fault schedule that still fail the same way. */
export interface ShrinkResult {
  /** The smallest `records` that still failed the same way. */
  records: number;
  /** The smallest fault schedule that still failed the same way; undefined when the run played none. */
  schedule: ScheduledFault[] | undefined;
  /** How many runs shrinking took. */
  attempts: number;
  /** fast-check's path to the counterexample (for `fc.assert(..., { seed, path })`). */
  path: string | undefined;
  /**
   * False when rerunning the failing case itself did not fail the same way (a timing-dependent
   * failure): nothing was shrunk, and the original run stays the counterexample.
   */
  reproduced: boolean;
  /** The checkers the first rerun of the failing case failed (for the message when it did not reproduce). */
  rerunFailing: string[];
  /** Seconds shrinking took. */
  seconds: number;
  /** True when the time budget ran out before every simpler candidate was tried. */
  budgetExhausted: boolean;
  /**
   * Tries stopped because the budget ran out while they ran (0 or 1): neither failing nor passing.
   * When the only try was stopped, the failing case was not rerun to the end (`reproduced` is false).
   */
  unfinished: number;
  /** True when a smaller workload or a simpler schedule failed the same way (else the original is the smallest found). */
  smaller: boolean;
  /** The smallest case's own run, moved to `keepDir` (when given and `smaller`): no need to run it again. */
  kept?: ScenarioRun;
}

/** One finished shrink try, for progress lines. */
export interface ShrinkProgress {
  /** Tries so far, this one included (the first reruns the failing case itself). */
  attempt: number;
  /** The workload size this try ran. */
  records: number;
  /** Faults in the schedule this try played; undefined when the run plays none. */
  faults: number | undefined;
  /** Whether this try failed the same way (and so became the case to shrink further). */
  failedSameWay: boolean;
  /** False when the budget ran out while this try ran: it was stopped, and counts as neither failing nor passing. */
  finished: boolean;
  /** The smallest workload that failed the same way so far. */
  smallestRecords: number;
  /** Faults in the simplest schedule that failed the same way so far. */
  smallestFaults: number | undefined;
  /** Seconds since shrinking began. */
  elapsedSeconds: number;
}

/** Limits and progress of {@link shrinkFailure}. */
export interface ShrinkOptions {
  /** Most shrink steps fast-check may try (default 40). */
  maxAttempts?: number;
  /**
   * Time budget in milliseconds (default: none). No new try starts once it is spent, and the try
   * running then is aborted (its `signal`) and counted as unfinished. The smallest case found so
   * far is the answer.
   */
  budgetMs?: number;
  /** Called after every try. */
  progress?: (p: ShrinkProgress) => void;
  /** Called when a try starts (a try can take as long as the scenario). */
  starting?: (p: { attempt: number; records: number; faults: number | undefined; elapsedSeconds: number }) => void;
  /** Where to keep the run directory of the smallest case that failed the same way (else every try's directory is removed). */
  keepDir?: string;
  /** The clock (tests). */
  now?: () => number;
}

/** The default time budget of shrinking one failure, in seconds (`kconform run --shrink-budget`). */
export const DEFAULT_SHRINK_BUDGET_SECONDS = 60;

/**
 * Reruns the scenario with the same seed, `records` and `schedule` (undefined: none was played)
 * into `runDir`. When `signal` aborts (the budget is spent) it must stop what it started and
 * settle soon — either way; its outcome is then ignored.
 */
export type Rerun = (
  records: number,
  runDir: string,
  schedule: ScheduledFault[] | undefined,
  signal: AbortSignal,
) => Promise<ScenarioRun>;

/**
 * Runs `rerun` under an AbortSignal that fires when `remainingMs` has passed; undefined when it
 * fired (the try did not finish within the budget), whatever the try then did.
 */
async function withinBudget(
  remainingMs: number,
  rerun: (signal: AbortSignal) => Promise<ScenarioRun>,
): Promise<ScenarioRun | undefined> {
  const controller = new AbortController();
  // setTimeout cannot wait longer than 2^31-1 ms (it would fire at once): no budget, no timer.
  const timer =
    Number.isFinite(remainingMs) && remainingMs < 2 ** 31 - 1
      ? setTimeout(() => controller.abort(new Error('the shrink budget is spent')), Math.max(0, remainingMs))
      : undefined;
  try {
    const r = await rerun(controller.signal);
    return controller.signal.aborted ? undefined : r;
  } catch (err) {
    if (controller.signal.aborted) return undefined;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Checkers that judged a run invalid. */
export function failingCheckers(run: ScenarioRun): Set<string> {
  return new Set(run.checks.filter((c) => c.valid === false).map((c) => c.checker));
}

/** True when `run` fails exactly the checkers in `wanted`: the same failure, not merely a failure. */
export function failsTheSameWay(wanted: ReadonlySet<string>, run: ScenarioRun): boolean {
  const again = failingCheckers(run);
  return again.size === wanted.size && [...wanted].every((c) => again.has(c));
}

/** How much later a start is moved at most (waits beyond it do not make a schedule simpler). */
const MAX_WAIT_MS = 60_000;
/** Hold changes smaller than this are not worth a run. */
const MIN_HOLD_STEP_MS = 50;

const copy = (schedule: readonly ScheduledFault[]): ScheduledFault[] => schedule.map((s) => ({ ...s }));

/**
 * `schedule` with steps [from, to) only. The first kept step still starts when it did: the waits
 * and holds of the steps dropped before it are added to its wait (waits count from the previous
 * heal), so what a kept fault meets in the workload does not move.
 */
function keepRange(schedule: readonly ScheduledFault[], from: number, to: number): ScheduledFault[] {
  const kept = copy(schedule.slice(from, to));
  if (kept.length > 0) for (let i = 0; i < from; i++) kept[0]!.waitMs += schedule[i]!.waitMs + schedule[i]!.holdMs;
  return kept;
}

/** `schedule` without step k; the next step keeps its start. */
function without(schedule: readonly ScheduledFault[], k: number): ScheduledFault[] {
  const out = copy(schedule);
  const [gone] = out.splice(k, 1);
  if (k < out.length) out[k]!.waitMs += gone!.waitMs + gone!.holdMs;
  return out;
}

/** `schedule` with step k held `holdMs`; the next step keeps its start. */
function heldFor(schedule: readonly ScheduledFault[], k: number, holdMs: number): ScheduledFault[] {
  const out = copy(schedule);
  const shorter = out[k]!.holdMs - holdMs;
  out[k]!.holdMs = holdMs;
  if (k + 1 < out.length) out[k + 1]!.waitMs += shorter;
  return out;
}

/** `schedule` with step k starting `laterMs` later; the next step keeps its start where it can. */
function startedLater(schedule: readonly ScheduledFault[], k: number, laterMs: number): ScheduledFault[] {
  const out = copy(schedule);
  out[k]!.waitMs += laterMs;
  if (k + 1 < out.length) out[k + 1]!.waitMs = Math.max(0, out[k + 1]!.waitMs - laterMs);
  return out;
}

/**
 * The simpler schedules to try instead of `schedule`, best first: each has fewer faults, or as
 * many held shorter, or as many held as long starting later — so shrinking ends. `started` (how
 * many steps had begun when the failing run ended) lets the steps that never ran go first, for
 * free. Then, as in delta debugging: either half alone, each step left out, each hold cut to
 * nothing or halved, each start moved later. Dropping or shortening a step keeps the following
 * steps where they were in time, so each candidate changes one thing.
 */
export function scheduleCandidates(schedule: readonly ScheduledFault[], started = schedule.length): ScheduledFault[][] {
  const n = schedule.length;
  const out: ScheduledFault[][] = [];
  if (started < n) out.push(keepRange(schedule, 0, Math.max(0, started)));
  if (n >= 2) {
    const half = Math.ceil(n / 2);
    out.push(keepRange(schedule, 0, half), keepRange(schedule, half, n));
  }
  for (let k = n - 1; k >= 0; k--) out.push(without(schedule, k));
  for (let k = 0; k < n; k++) {
    const hold = schedule[k]!.holdMs;
    if (hold >= MIN_HOLD_STEP_MS) out.push(heldFor(schedule, k, 0));
    const halved = Math.floor(hold / 2);
    if (halved >= MIN_HOLD_STEP_MS) out.push(heldFor(schedule, k, halved));
  }
  for (let k = 0; k < n; k++) {
    const wait = schedule[k]!.waitMs;
    const later = Math.min(Math.max(wait, 250), MAX_WAIT_MS - wait);
    if (later >= MIN_HOLD_STEP_MS) out.push(startedLater(schedule, k, later));
  }
  return out;
}

/**
 * Fault schedules as a fast-check arbitrary: it generates the failing run's schedule only, and
 * shrinks by scheduleCandidates. `started` tells, for a schedule a run has played, how many of
 * its steps had begun.
 */
class ScheduleArbitrary extends fc.Arbitrary<ScheduledFault[]> {
  private readonly original: ScheduledFault[];
  private readonly started: WeakMap<ScheduledFault[], number>;

  constructor(original: ScheduledFault[], started: WeakMap<ScheduledFault[], number>) {
    super();
    this.original = original;
    this.started = started;
  }

  generate(): fc.Value<ScheduledFault[]> {
    return new fc.Value(this.original, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is ScheduledFault[] {
    return Array.isArray(value);
  }

  shrink(value: ScheduledFault[]): fc.Stream<fc.Value<ScheduledFault[]>> {
    return fc.Stream.of(...scheduleCandidates(value, this.started.get(value)).map((c) => new fc.Value(c, undefined)));
  }
}

/**
 * Shrinks a failing run with fast-check: the failing case (its workload size, and the fault
 * schedule it played, if any) is given as the first example, and fast-check walks it down —
 * fewer records (the integer shrinker), then fewer faults, shorter holds and later starts
 * (scheduleCandidates) — rerunning the scenario with the same seed on a fresh target each time
 * and keeping a candidate only when it fails the same way: exactly the checkers the original
 * failed. At most `maxAttempts` shrink steps are tried, and none starts once `budgetMs` is spent.
 */
export async function shrinkFailure(
  failing: ScenarioRun,
  records: number,
  rerun: Rerun,
  options: ShrinkOptions = {},
): Promise<ShrinkResult> {
  const {
    maxAttempts = 40,
    budgetMs = Infinity,
    progress = () => {},
    starting = () => {},
    keepDir,
    now = () => performance.now(),
  } = options;
  const t0 = now();
  const wanted = failingCheckers(failing);
  // Beside keepDir when given, so the smallest case moves there by a rename on the same file system.
  const scratch = mkdtempSync(keepDir ? join(dirname(keepDir), '.shrinking-') : join(tmpdir(), 'kconform-shrink-'));
  let smallestRun: ScenarioRun | undefined;
  const started = new WeakMap<ScheduledFault[], number>();
  const original = failing.schedule ? copy(failing.schedule) : undefined;
  if (original && failing.faultsStarted !== undefined) started.set(original, failing.faultsStarted);
  let attempts = 0;
  let rerunFailing: string[] | undefined;
  let budgetExhausted = false;
  let unfinished = 0;
  let smallestRecords = records;
  let smallestFaults = original?.length;
  try {
    const sizes = fc.integer({ min: 0, max: records });
    const cases: fc.Arbitrary<[number, ScheduledFault[] | undefined]> = original
      ? fc.tuple(sizes, new ScheduleArbitrary(original, started))
      : fc.tuple(sizes, fc.constant(undefined));
    const property = fc.asyncProperty(fc.limitShrink(cases, maxAttempts), async ([n, schedule]) => {
      // The failing case itself always runs; after the budget, the candidates left pass untried
      // (fast-check then keeps the smallest failing case it has).
      if (attempts > 0 && (budgetExhausted || now() - t0 >= budgetMs)) {
        budgetExhausted = true;
        return true;
      }
      attempts++;
      starting({ attempt: attempts, records: n, faults: schedule?.length, elapsedSeconds: (now() - t0) / 1000 });
      const r = await withinBudget(budgetMs - (now() - t0), (signal) =>
        rerun(n, join(scratch, `records-${n}-${attempts}`), schedule && copy(schedule), signal),
      );
      if (!r) {
        // Stopped by the budget: not a failure to shrink towards, and no more tries start.
        budgetExhausted = true;
        unfinished++;
        progress({
          attempt: attempts,
          records: n,
          faults: schedule?.length,
          failedSameWay: false,
          finished: false,
          smallestRecords,
          smallestFaults,
          elapsedSeconds: (now() - t0) / 1000,
        });
        return true;
      }
      if (schedule && r.faultsStarted !== undefined) started.set(schedule, r.faultsStarted);
      rerunFailing ??= [...failingCheckers(r)];
      const same = failsTheSameWay(wanted, r);
      if (same && attempts > 1) {
        smallestRun = r;
        smallestRecords = n;
        smallestFaults = schedule?.length;
      }
      progress({
        attempt: attempts,
        records: n,
        faults: schedule?.length,
        failedSameWay: same,
        finished: true,
        smallestRecords,
        smallestFaults,
        elapsedSeconds: (now() - t0) / 1000,
      });
      return !same;
    });
    // The failing example runs first (with numRuns 0 fast-check would skip it), fails, and is shrunk.
    const out = await fc.check(property, { examples: [[[records, original]]], numRuns: 1, seed: failing.seed });
    const given: [number, ScheduledFault[] | undefined] = [records, original];
    const found =
      out.failed && out.counterexample ? (out.counterexample[0] as [number, ScheduledFault[] | undefined]) : given;
    const [smallest, schedule] = found;
    const smaller =
      out.failed && (smallest < records || JSON.stringify(schedule ?? null) !== JSON.stringify(original ?? null));
    let kept: ScenarioRun | undefined;
    if (smaller && keepDir && smallestRun && existsSync(smallestRun.runDir)) {
      rmSync(keepDir, { recursive: true, force: true });
      renameSync(smallestRun.runDir, keepDir);
      kept = { ...smallestRun, runDir: keepDir };
      writeFileSync(
        join(keepDir, 'results.json'),
        JSON.stringify({ schema: 'kconform.results/v1', ...kept }, null, 2) + '\n',
      );
    }
    return {
      ...(kept ? { kept } : {}),
      records: smallest,
      schedule: schedule && copy(schedule),
      attempts,
      path: out.counterexamplePath ?? undefined,
      reproduced: out.failed,
      rerunFailing: rerunFailing ?? [],
      seconds: (now() - t0) / 1000,
      budgetExhausted,
      unfinished,
      smaller,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One line per step, for progress and reports: `kill (random, node 1) after 300 ms, held 1200 ms`. */
export function describeSchedule(schedule: readonly ScheduledFault[]): string {
  if (schedule.length === 0) return 'no faults';
  return schedule
    .map(
      (s) =>
        `${s.family}${s.split ? ' (split)' : ''} (${s.role}, node ${s.fallbackNode}) after ${s.waitMs} ms, held ${s.holdMs} ms`,
    )
    .join('; ');
}
