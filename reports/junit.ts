/** One JUnit test case: a check of one scenario on one target. */
export interface JUnitCase {
  suite: string;
  name: string;
  /** Failure message when the check found an anomaly; `skipped` when it could not decide. */
  failure?: string;
  details?: string;
  skipped?: string;
  timeSeconds?: number;
  /** Shown by CI beside the case (e.g. every check's verdict). */
  systemOut?: string;
}

/** The control characters XML 1.0 forbids (all but tab, newline and carriage return). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(XML_FORBIDDEN, '');
}

/** Renders JUnit XML (the subset Jenkins, GitLab and GitHub test reporters read). */
export function renderJUnit(cases: readonly JUnitCase[]): string {
  const suites = new Map<string, JUnitCase[]>();
  for (const c of cases) {
    let list = suites.get(c.suite);
    if (!list) suites.set(c.suite, (list = []));
    list.push(c);
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  for (const [suite, list] of suites) {
    const failures = list.filter((c) => c.failure !== undefined).length;
    const skipped = list.filter((c) => c.skipped !== undefined).length;
    lines.push(`  <testsuite name="${esc(suite)}" tests="${list.length}" failures="${failures}" skipped="${skipped}">`);
    for (const c of list) {
      const time = c.timeSeconds !== undefined ? ` time="${c.timeSeconds.toFixed(3)}"` : '';
      lines.push(`    <testcase classname="${esc(suite)}" name="${esc(c.name)}"${time}>`);
      if (c.failure !== undefined)
        lines.push(`      <failure message="${esc(c.failure)}">${esc(c.details ?? '')}</failure>`);
      if (c.skipped !== undefined) lines.push(`      <skipped message="${esc(c.skipped)}"/>`);
      if (c.systemOut !== undefined) lines.push(`      <system-out>${esc(c.systemOut)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
