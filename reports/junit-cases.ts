/**
 * JUnit cases for stored runs: one test case per scenario × target × run. A failing case carries
 * each anomaly (checker, summary, count) and its witness ops — completion and invocation, as the
 * history has them — so a CI page shows what went wrong without opening the run directory.
 */
import type { Op } from '../harness/history/history.ts';
import type { JUnitCase } from './junit.ts';
import type { Anomaly, ReportRun } from './report-model.ts';

const mark = (v: boolean | 'unknown') => (v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN');

/** One history op on one line, its value cut to `max` characters. */
export function opLine(op: Op, max = 400): string {
  const value = JSON.stringify(op.value) ?? 'undefined';
  const v = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return `#${op.index} t=${op.time}ms ${op.process} ${op.type} ${op.f} ${v}${op.error ? ` error=${JSON.stringify(op.error)}` : ''}`;
}

function anomalyText(a: Anomaly): string {
  const lines = [`${a.checker}: ${a.summary}${a.count !== undefined ? ` (${a.count} in all)` : ''}`];
  if (a.witnessOps.length) {
    lines.push('  witness ops:');
    for (const w of a.witnessOps) {
      if (w.invoke) lines.push(`    ${opLine(w.invoke)}`);
      lines.push(`    ${opLine(w.op)}`);
    }
  }
  // witnesses that are not ops themselves (records, {previous, next, op}) say more than their ops
  const others = a.witnesses.filter((w) => !a.witnessOps.some((o) => o.op === w));
  if (others.length) {
    lines.push('  witnesses:');
    for (const w of others) {
      const text = JSON.stringify(w) ?? String(w);
      lines.push(`    ${text.length > 600 ? `${text.slice(0, 599)}…` : text}`);
    }
  }
  return lines.join('\n');
}

/** The JUnit cases of `runs`: suite = scenario, name = target and seed (and the run directory when seeds repeat). */
export function runJUnitCases(runs: readonly ReportRun[]): JUnitCase[] {
  const names = runs.map((r) => `${r.target}${r.seed !== undefined ? ` seed ${r.seed}` : ''}`);
  return runs.map((r, i) => {
    const duplicate = names.some((n, j) => j !== i && n === names[i] && runs[j]!.scenario === r.scenario);
    const c: JUnitCase = {
      suite: r.scenario,
      name: duplicate ? `${names[i]} (${r.dir})` : names[i]!,
      systemOut: [
        `run directory: ${r.dir}`,
        ...r.results.checks.map((k) => `${mark(k.valid).padEnd(8)}${k.checker.padEnd(23)}${k.summary}`),
      ].join('\n'),
    };
    if ('seconds' in r.results) c.timeSeconds = r.results.seconds;
    const failing = r.anomalies.filter((a) => a.valid === false);
    if (failing.length) {
      c.failure = failing.map((a) => `${a.checker}: ${a.summary}`).join('; ');
      const shrunk =
        'shrunk' in r.results && r.results.shrunk
          ? `\nshrunk counterexample (${r.results.shrunk.ops} ops): kconform replay ${r.results.shrunk.runDir}`
          : '';
      c.details = failing.map(anomalyText).join('\n\n') + shrunk;
    } else if (r.valid !== true) {
      const undecided = r.anomalies.filter((a) => a.valid === 'unknown').map((a) => `${a.checker}: ${a.summary}`);
      const error = 'error' in r.results && r.results.error ? [`stopped early: ${r.results.error}`] : [];
      c.skipped = `could not decide: ${[...error, ...undecided].join('; ') || 'unknown'}`;
    }
    return c;
  });
}
