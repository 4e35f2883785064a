/**
 * The result of `kconform conform`: a matrix API x version -> same / differs / unsupported,
 * as JSON (conform.json, read by the report builders), a table for the terminal, and JUnit cases.
 */
import type { JUnitCase } from '../../reports/junit.ts';

/** One difference found in one case of a cell. */
export interface CellDiff {
  /** The case's name (and the step's API when a case has several requests). */
  case: string;
  path: string;
  target: unknown;
  against: unknown;
  /** Set when the difference is listed in known-differences.ts: why it is there. */
  known?: string;
}

/** One cell of the matrix. */
export interface ConformRow {
  apiKey: number;
  apiName: string;
  version: number;
  verdict: 'same' | 'differs' | 'unsupported';
  /** Cases run (0 for unsupported cells). */
  cases: number;
  /** Cases whose answers differed (known differences included). */
  differing: number;
  /** First differences (a few per differing case). */
  diff?: CellDiff[];
  /** For 'differs': true when every difference is a known one (the run does not fail on it). */
  knownOnly?: boolean;
  /** Reasons of the known differences in this cell. */
  known?: string[];
  /** For 'unsupported': which side does not serve this version ('target', 'against', 'both' or 'codec'). */
  unsupportedBy?: 'target' | 'against' | 'both' | 'codec';
  /** Error texts the brokers sent, by case and side (information only: never compared). */
  messages?: { case: string; target?: Record<string, string>; against?: Record<string, string> }[];
}

/** The whole matrix of a run. */
export interface ConformReport {
  against: string;
  target: string;
  seed: number;
  casesPerVersion: number;
  startedAt: string;
  seconds: number;
  summary: { same: number; differs: number; differsKnown: number; unsupported: number; cases: number };
  rows: ConformRow[];
}

/** Counts the verdicts of `rows`. */
export function summarize(rows: readonly ConformRow[]): ConformReport['summary'] {
  return {
    same: rows.filter((r) => r.verdict === 'same').length,
    differs: rows.filter((r) => r.verdict === 'differs' && !r.knownOnly).length,
    differsKnown: rows.filter((r) => r.verdict === 'differs' && r.knownOnly).length,
    unsupported: rows.filter((r) => r.verdict === 'unsupported').length,
    cases: rows.reduce((n, r) => n + r.cases, 0),
  };
}

/** True when the run should fail: a compared cell differs in a way not listed as known. */
export function hasUnexplainedDifference(report: ConformReport): boolean {
  return report.rows.some((r) => r.verdict === 'differs' && !r.knownOnly);
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The verdict as the table shows it. */
export function verdictLabel(r: ConformRow): string {
  if (r.verdict === 'unsupported') return `unsupported (by ${r.unsupportedBy})`;
  if (r.verdict === 'same') return 'same';
  if (r.knownOnly) return `differs (known: ${(r.known ?? []).join('; ')})`;
  return 'differs';
}

/**
 * The matrix as a text table: one line per API and run of versions with the same verdict,
 * and under each differing cell its first differences.
 */
export function renderConformTable(report: ConformReport, diffsPerCell = 3): string {
  const lines: string[] = [];
  const byApi = new Map<number, ConformRow[]>();
  for (const r of report.rows) {
    let l = byApi.get(r.apiKey);
    if (!l) byApi.set(r.apiKey, (l = []));
    l.push(r);
  }
  const width = Math.max(...report.rows.map((r) => r.apiName.length + String(r.apiKey).length + 3), 10);
  lines.push(`${'API (key)'.padEnd(width)}  ${'versions'.padEnd(9)}  ${'cases'.padStart(6)}  verdict`);
  for (const [key, rows] of [...byApi].sort((a, b) => a[0] - b[0])) {
    let i = 0;
    while (i < rows.length) {
      const r = rows[i]!;
      let j = i;
      // merge versions with the same verdict and nothing to show
      if (r.verdict !== 'differs')
        while (
          j + 1 < rows.length &&
          rows[j + 1]!.verdict === r.verdict &&
          rows[j + 1]!.unsupportedBy === r.unsupportedBy
        )
          j++;
      const versions = j > i ? `v${r.version}-${rows[j]!.version}` : `v${r.version}`;
      const cases = rows.slice(i, j + 1).reduce((n, x) => n + x.cases, 0);
      lines.push(
        `${`${r.apiName} (${key})`.padEnd(width)}  ${versions.padEnd(9)}  ${String(cases).padStart(6)}  ${verdictLabel(r)}${r.verdict === 'differs' ? ` in ${r.differing} of ${r.cases} cases` : ''}`,
      );
      if (r.verdict === 'differs' && !r.knownOnly) {
        for (const d of (r.diff ?? []).filter((x) => !x.known).slice(0, diffsPerCell)) {
          lines.push(
            `${' '.repeat(width + 4)}${d.case}: ${d.path || '(answer)'}: ${show(d.target)} (${report.target}) vs ${show(d.against)} (${report.against})`,
          );
        }
      }
      i = j + 1;
    }
  }
  const s = report.summary;
  lines.push(
    '',
    `cells: ${s.same} same, ${s.differs} differ, ${s.differsKnown} differ only in known ways, ${s.unsupported} unsupported; ${s.cases} cases`,
  );
  return `${lines.join('\n')}\n`;
}

/** One JUnit case per API x version: differences fail, unsupported cells are skipped. */
export function conformJUnitCases(report: ConformReport): JUnitCase[] {
  const suite = `conform ${report.target} vs ${report.against}`;
  return report.rows.map((r) => {
    const c: JUnitCase = { suite, name: `${r.apiName} v${r.version}` };
    if (r.verdict === 'unsupported') c.skipped = `unsupported by ${r.unsupportedBy}`;
    else if (r.verdict === 'differs' && !r.knownOnly) {
      const diffs = (r.diff ?? []).filter((d) => !d.known);
      c.failure = `${r.differing} of ${r.cases} cases differ`;
      c.details = diffs
        .map(
          (d) =>
            `${d.case}: ${d.path || '(answer)'}: ${JSON.stringify(d.target)} (${report.target}) vs ${JSON.stringify(d.against)} (${report.against})`,
        )
        .join('\n');
    }
    return c;
  });
}
