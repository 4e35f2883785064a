/**
 * The long failover schedule in one table: for each target, how many `failover` runs there were,
 * how many passed, which faults they applied, how many records were sent and acknowledged, and
 * what the safety checks found in all of them together. Built from what every run already stores
 * (its checks and its history summary), so runs written before this summary existed are counted too.
 */
import type { ReportRun } from './report-model.ts';

/** The scenario whose runs are summed up. */
export const FAILOVER_SCENARIO = 'failover';

/** All failover runs on one target, added up. */
export interface FailoverSummary {
  target: string;
  runs: number;
  passed: number;
  failed: number;
  undecided: number;
  /** Seeds of the runs, ascending. */
  seeds: number[];
  /** Faults applied, by kind (kill-leader, pause-leader, …), in order of first appearance. */
  faults: Record<string, number>;
  /** Faults of the schedules that could not be applied (no leader to strike, a heal that failed to start…). */
  skippedFaults: number;
  /** Records sent and acknowledged (one send op per record), over the runs whose history was read. */
  sent: number;
  acked: number;
  /** Runs without a readable history: their records are not in `sent` and `acked`. */
  withoutHistory: number;
  /** Acknowledged writes the final read did not return (lost-write), records stored twice (duplicate), offsets holding two records (inconsistent-offsets). */
  lost: number;
  duplicated: number;
  inconsistentOffsets: number;
  /** Runs whose cluster was not whole again after the heal (the recovery check). */
  notRecovered: number;
  /** The runs that did not pass, with the checks that did not hold. */
  failing: { runId: string; seed?: number; checks: string[] }[];
}

interface AppliedFaultLike {
  kind: string;
  applied: boolean;
}

const isAppliedFault = (w: unknown): w is AppliedFaultLike =>
  typeof w === 'object' &&
  w !== null &&
  typeof (w as AppliedFaultLike).kind === 'string' &&
  typeof (w as AppliedFaultLike).applied === 'boolean';

/** One {@link FailoverSummary} per target that ran the failover scenario, in order of first appearance. */
export function summarizeFailoverRuns(runs: readonly ReportRun[]): FailoverSummary[] {
  const byTarget = new Map<string, FailoverSummary>();
  for (const run of runs) {
    if (run.scenario !== FAILOVER_SCENARIO) continue;
    let s = byTarget.get(run.target);
    if (!s) {
      s = {
        target: run.target,
        runs: 0,
        passed: 0,
        failed: 0,
        undecided: 0,
        seeds: [],
        faults: {},
        skippedFaults: 0,
        sent: 0,
        acked: 0,
        withoutHistory: 0,
        lost: 0,
        duplicated: 0,
        inconsistentOffsets: 0,
        notRecovered: 0,
        failing: [],
      };
      byTarget.set(run.target, s);
    }
    s.runs++;
    if (run.valid === true) s.passed++;
    else if (run.valid === false) s.failed++;
    else s.undecided++;
    if (run.seed !== undefined) s.seeds.push(run.seed);
    const checks = run.results.checks;
    const count = (checker: string) => checks.find((c) => c.checker === checker)?.count ?? 0;
    for (const w of checks.find((c) => c.checker === 'failover-faults')?.witnesses ?? []) {
      if (!isAppliedFault(w)) continue;
      if (w.applied) s.faults[w.kind] = (s.faults[w.kind] ?? 0) + 1;
      else s.skippedFaults++;
    }
    if (run.history) {
      s.sent += run.history.sends.invoked;
      s.acked += run.history.sends.ok;
    } else s.withoutHistory++;
    s.lost += count('lost-write');
    s.duplicated += count('duplicate');
    s.inconsistentOffsets += count('inconsistent-offsets');
    if (checks.some((c) => c.checker === 'recovery' && c.valid !== true)) s.notRecovered++;
    if (run.valid !== true)
      s.failing.push({
        runId: run.id,
        seed: run.seed,
        checks: checks.filter((c) => c.valid !== true).map((c) => c.checker),
      });
  }
  for (const s of byTarget.values()) s.seeds.sort((a, b) => a - b);
  return [...byTarget.values()];
}

/** Seeds as ranges: [1000, 1001, 1002, 1005] → "1000–1002, 1005". */
export function seedRanges(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j === i ? String(seeds[i]) : `${seeds[i]}–${seeds[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** A summary as a few lines of text, for the end of `kconform run --runs N` and `kconform report`. */
export function formatFailoverSummary(s: FailoverSummary): string {
  const faults = Object.entries(s.faults)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const total = Object.values(s.faults).reduce((a, b) => a + b, 0);
  const verdicts = [`${s.passed} PASS`, s.failed ? `${s.failed} FAIL` : '', s.undecided ? `${s.undecided} UNKNOWN` : '']
    .filter(Boolean)
    .join(', ');
  return [
    `failover on ${s.target}: ${s.runs} runs (seeds ${seedRanges(s.seeds)}): ${verdicts}`,
    `  faults applied: ${total}${faults ? ` (${faults})` : ''}${s.skippedFaults ? `; ${s.skippedFaults} skipped` : ''}`,
    `  records acknowledged: ${s.acked.toLocaleString('en-US')} of ${s.sent.toLocaleString('en-US')} sent${s.withoutHistory ? ` (${s.withoutHistory} run(s) without a history not counted)` : ''}`,
    `  acknowledged writes lost: ${s.lost}; duplicated: ${s.duplicated}; inconsistent offsets: ${s.inconsistentOffsets}; not whole after the heal: ${s.notRecovered} run(s)`,
    ...s.failing.map((f) => `  did not pass: seed ${f.seed ?? '?'} (${f.checks.join(', ')})`),
  ].join('\n');
}
