/**
 * What `kconform compare` hands back: compare.json's shape, the table on stdout and the JUnit
 * cases. Pure: built from the diffs and the runs' verdicts.
 */
import type { JUnitCase } from '../../reports/junit.ts';
import type { Validity } from '../../harness/history/check-result.ts';
import type { AspectDiff } from './behaviour-diff.ts';
import { mark } from './outcome.ts';

/** One target's run of a scenario, as compare.json lists it. */
export interface ComparedRun {
  target: string;
  runDir: string;
  valid: Validity;
  /** Checkers that found an anomaly. */
  failing: string[];
  seconds: number;
  error?: string;
}

/** One scenario with one seed on every target, and how their behaviour compared. */
export interface ComparedScenario {
  scenario: string;
  seed: number;
  runs: ComparedRun[];
  aspects: AspectDiff[];
}

/** compare.json. */
export interface CompareReport {
  schema: 'kconform.compare/v1';
  targets: string[];
  records: number;
  brokers: number;
  faults: string[];
  scenarios: ComparedScenario[];
  /** No observable difference anywhere. */
  same: boolean;
  /** Every target passed every check. */
  passed: boolean;
  /** Differences that show on a healthy cluster or in the final state (scenario/aspect). */
  conformanceDifferences: string[];
  /** Differences that show only in or right after a fault window (scenario/aspect). */
  faultInducedDifferences: string[];
}

/** Assembles the report and its two verdicts. */
export function buildCompareReport(
  o: Omit<CompareReport, 'schema' | 'same' | 'passed' | 'conformanceDifferences' | 'faultInducedDifferences'>,
): CompareReport {
  const differing = (cause: 'fault-induced' | 'conformance') =>
    o.scenarios.flatMap((s) =>
      s.aspects
        .filter((a) => !a.same && (a.cause ?? 'conformance') === cause)
        .map((a) => `${s.scenario}#seed=${s.seed}/${a.aspect}`),
    );
  return {
    schema: 'kconform.compare/v1',
    ...o,
    same: o.scenarios.every((s) => s.aspects.every((a) => a.same)),
    passed: o.scenarios.every((s) => s.runs.every((r) => r.valid === true)),
    conformanceDifferences: differing('conformance'),
    faultInducedDifferences: differing('fault-induced'),
  };
}

/** Keeps the table readable in a terminal; compare.json has the whole text. */
const DETAIL_WIDTH = 120;
const clip = (s: string) => (s.length > DETAIL_WIDTH ? `${s.slice(0, DETAIL_WIDTH - 3)}...` : s);

/** The scenario × aspect table, then each target's verdict per scenario. */
export function renderCompareTable(report: CompareReport): string {
  const rows: string[][] = [['scenario', 'seed', 'aspect', 'result', 'detail']];
  const notes: string[][] = [];
  for (const s of report.scenarios) {
    for (const a of s.aspects) {
      rows.push([
        s.scenario,
        String(s.seed),
        a.aspect,
        a.same ? 'same' : a.cause ? `DIFFERS (${a.cause})` : 'DIFFERS',
        clip(a.summary),
      ]);
      notes.push([]);
      if (!a.same) for (const d of a.details) notes[notes.length - 1]!.push(clip(d));
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(rows[0]!), line(widths.map((w) => '-'.repeat(w)))];
  rows.slice(1).forEach((r, i) => {
    out.push(line(r));
    const indent = ' '.repeat(widths.slice(0, 4).reduce((a, b) => a + b + 2, 0));
    for (const n of notes[i]!) out.push(`${indent}- ${n}`);
  });
  out.push('');
  if (report.faultInducedDifferences.length) {
    out.push(`fault-induced (only in or right after a fault window): ${report.faultInducedDifferences.join(', ')}`);
    out.push(
      `conformance (on a healthy cluster or in the final state): ${report.conformanceDifferences.join(', ') || 'none'}`,
    );
    out.push('');
  }
  for (const s of report.scenarios) {
    for (const r of s.runs) {
      const why = r.failing.length ? ` (failing: ${r.failing.join(', ')})` : r.error ? ` (stopped: ${r.error})` : '';
      out.push(`${s.scenario} (seed ${s.seed}) on ${r.target}: ${mark(r.valid)}${why} — ${r.runDir}`);
    }
  }
  return out.join('\n') + '\n';
}

/** One JUnit case per scenario × aspect (failing when the targets differ), and one per target's verdict. */
export function compareJUnitCases(report: CompareReport): JUnitCase[] {
  return report.scenarios.flatMap((s) => {
    const suite = `compare ${s.scenario}#seed=${s.seed}`;
    return [
      ...s.aspects.map((a) => ({
        suite,
        name: a.aspect,
        failure: a.same ? undefined : a.cause ? `${a.cause}: ${a.summary}` : a.summary,
        details: a.same ? undefined : a.details.join('\n'),
      })),
      ...s.runs.map((r) => ({
        suite,
        name: `checks on ${r.target}`,
        failure: r.valid === false ? `failing: ${r.failing.join(', ')}` : undefined,
        skipped: r.valid === 'unknown' ? (r.error ?? 'a check could not decide') : undefined,
        timeSeconds: r.seconds,
      })),
    ];
  });
}
