import { resolve } from 'node:path';
import { ReportInputError } from '../../../reports/run-dirs.ts';
import { checkShards, type MergedShards } from '../../../reports/shards.ts';
import { formatFailoverSummary } from '../../../reports/failover-summary.ts';
import { writeReports, type WrittenReports } from '../../../reports/write-reports.ts';
import { usageError } from '../exit-codes.ts';
import { checkOutputFile } from '../output-paths.ts';

/** Options of `kconform report`. */
export interface ReportOptions {
  /** report.html path (default: RUN_DIR/report.html for one directory, ./report.html for several). */
  out?: string;
  /** junit.xml path (default: beside report.html); `false` (--no-junit) writes none. */
  junit?: string | false;
  /** Title of the report. */
  title?: string;
  /** Report the shards given even when some of their campaign's shards are missing. */
  allowPartial?: boolean;
}

const mark = (v: boolean | 'unknown') => (v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN');

/**
 * `kconform report RUN_DIR… [--out FILE]`: rebuilds report.html (and junit.xml) from stored run
 * directories — one run, a directory of runs (`run` with several scenarios, `compare`), or several
 * of them side by side, or the shards of one campaign (`run --shard`, checked whole). Reads only
 * results.json, config.json, history.jsonl and shard.json. Exit 0 when the report was written
 * (whatever the runs' verdicts: this command judges nothing), 2 on a missing directory, no
 * results.json, a results.json that breaks the schema, or shards that do not make a whole campaign.
 */
export async function reportCommand(
  dirs: string[],
  opts: ReportOptions,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<WrittenReports> {
  if (dirs.length === 0) throw usageError('give at least one run directory');
  const html = opts.out ?? (dirs.length === 1 ? resolve(dirs[0]!, 'report.html') : resolve('report.html'));
  // Paths the user gave are checked before anything is read; the default lies in a run directory, which the input check covers.
  if (opts.out) checkOutputFile(opts.out, '--out');
  if (typeof opts.junit === 'string') checkOutputFile(opts.junit, '--junit');
  let written: WrittenReports;
  let shards: MergedShards | undefined;
  try {
    // Shards are checked first: a merge missing one must not read as the whole campaign.
    shards = checkShards(dirs, opts.allowPartial);
    written = await writeReports(dirs, {
      html,
      junit: opts.junit,
      title: opts.title,
      progress: (line) => write(`${line}\n`),
    });
  } catch (err) {
    if (err instanceof ReportInputError) throw usageError(err.message);
    throw err;
  }
  for (const r of written.model.runs)
    write(
      `${mark(r.valid).padEnd(8)}${r.scenario} on ${r.target}${r.seed !== undefined ? ` (seed ${r.seed})` : ''}: ${r.dir}\n`,
    );
  if (shards)
    write(
      `merged ${shards.count - shards.missing.length} of ${shards.count} shard(s) of one campaign: ${shards.units} unit(s), ${written.model.runs.length} run(s) (seed ${String(shards.campaign.seed)})${shards.missing.length ? `; PARTIAL: shard(s) ${shards.missing.join(', ')} missing` : ''}\n`,
    );
  write(
    `report: ${written.html} (${(written.htmlBytes / 1024).toFixed(0)} KiB, ${written.model.runs.length} run(s))\n`,
  );
  if (written.junit) write(`junit: ${written.junit}\n`);
  for (const s of written.model.failover) if (s.runs > 1) write(`\n${formatFailoverSummary(s)}\n`);
  return written;
}
