/**
 * Builds report.html and junit.xml from stored run directories and writes them. What `kconform
 * report` runs, and what `run` and `compare` call once at the end.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { renderReportHtml } from './html/render-report.ts';
import { runJUnitCases } from './junit-cases.ts';
import { renderJUnit } from './junit.ts';
import { buildReportModel, type ReportModel, type ReportModelOptions } from './report-model.ts';
import { makeDirs } from '../harness/output/make-dirs.ts';

/** Where to write; by default report.html and junit.xml in the first run directory given. */
export interface WriteReportsOptions extends ReportModelOptions {
  /** report.html path. */
  html?: string;
  /** junit.xml path; `false` writes none. */
  junit?: string | false;
}

/** What was written. */
export interface WrittenReports {
  html: string;
  junit?: string;
  /** Size of report.html in bytes. */
  htmlBytes: number;
  model: ReportModel;
}

/** Builds the report of the runs at or below `dirs` and writes it (throws ReportInputError on bad input). */
export async function writeReports(dirs: readonly string[], opts: WriteReportsOptions = {}): Promise<WrittenReports> {
  const model = await buildReportModel(dirs, opts);
  const html = resolve(opts.html ?? join(dirs[0]!, 'report.html'));
  const text = renderReportHtml(model);
  makeDirs(dirname(html));
  writeFileSync(html, text);
  const out: WrittenReports = { html, htmlBytes: Buffer.byteLength(text), model };
  if (opts.junit !== false) {
    const junit = resolve(opts.junit ?? join(dirname(html), 'junit.xml'));
    makeDirs(dirname(junit));
    writeFileSync(junit, renderJUnit(runJUnitCases(model.runs)));
    out.junit = junit;
  }
  return out;
}

/**
 * The end of `kconform run` / `compare`: writes report.html (and junit.xml unless `junit` is
 * false) for the runs under `dir`, says where, and returns what it wrote (undefined when it could
 * not). A report that cannot be built must not turn a finished run into a crash: the reason is
 * printed and the run's verdict stands.
 */
export async function writeRunReports(
  dir: string,
  opts: { junit?: string | false } = {},
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<WrittenReports | undefined> {
  try {
    const r = await writeReports([dir], { junit: opts.junit });
    write(`report: ${r.html}${r.junit ? `, JUnit: ${r.junit}` : ''}\n`);
    return r;
  } catch (err) {
    write(`report not written: ${(err as Error).message}\n`);
    return undefined;
  }
}
