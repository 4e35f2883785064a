import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REQUESTS } from '../../../protocol/messages/generated/index.ts';
import { renderJUnit } from '../../../reports/junit.ts';
import { conformJUnitCases, hasUnexplainedDifference, renderConformTable } from '../../conform/conform-report.ts';
import { apiName, runConform } from '../../conform/run-conform.ts';
import { TargetUnavailableError } from '../../../harness/targets/target.ts';
import { parseTargetSpec, type TargetSpec } from '../../../harness/targets/target-spec.ts';
import { CliError, ExitCode, targetError, usageError } from '../exit-codes.ts';
import { checkOutputDir, checkOutputFile } from '../output-paths.ts';
import { makeDirs } from '../../../harness/output/make-dirs.ts';

/** A run id like `run`'s (UTC time and a random suffix); made here so conform loads no scenario code. */
function newRunId(): string {
  const t = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${t}-${randomBytes(3).toString('hex')}`;
}

/** Options of `kconform conform`. */
export interface ConformCommandOptions {
  target: string;
  against: string;
  seed?: number;
  cases: number;
  apis?: string;
  out?: string;
  junit?: string;
  timeoutMs: number;
}

/** Resolves `--apis` (names like Produce or keys like 0, comma-separated) to API keys; unknown ones are bad usage. */
export function parseApiList(list: string): Set<number> {
  const byName = new Map([...REQUESTS.keys()].map((k) => [apiName(k).toLowerCase(), k]));
  const keys = new Set<number>();
  const unknown: string[] = [];
  for (const raw of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const key = /^\d+$/.test(raw) ? Number(raw) : byName.get(raw.toLowerCase());
    if (key === undefined || !REQUESTS.has(key)) unknown.push(raw);
    else keys.add(key);
  }
  if (unknown.length || keys.size === 0)
    throw usageError(
      `unknown API(s) ${unknown.join(', ') || "''"} in --apis: give names (Produce, Fetch, ...) or keys (0, 1, ...)`,
    );
  return keys;
}

function spec(flag: string, value: string): TargetSpec {
  try {
    return parseTargetSpec(value);
  } catch (err) {
    throw usageError(`${flag}: ${(err as Error).message}`);
  }
}

/**
 * `kconform conform`: request-by-request differences between a broker and real Kafka. Prints
 * progress and the matrix, writes conform.json (and JUnit with --junit). Exit 0 when every
 * compared cell is the same or differs only in known ways, 1 otherwise, 3 when a side cannot
 * be started or reached.
 */
export async function conformCommand(opts: ConformCommandOptions): Promise<void> {
  const target = { label: opts.target, spec: spec('--target', opts.target) };
  const against = { label: opts.against, spec: spec('--against', opts.against) };
  const apis = opts.apis ? parseApiList(opts.apis) : undefined;
  const seed = opts.seed ?? randomInt(2 ** 31 - 1);
  const outDir = checkOutputDir(opts.out ?? join('runs', `conform-${newRunId()}`));
  if (opts.junit) checkOutputFile(opts.junit, '--junit');
  process.stdout.write(
    `kconform conform: ${target.label} against ${against.label}, seed ${seed}, ${opts.cases} generated cases per API version, out ${outDir}\n`,
  );
  let report;
  try {
    report = await runConform({
      target,
      against,
      seed,
      cases: opts.cases,
      apis,
      outDir,
      timeoutMs: opts.timeoutMs,
      progress: (line) => process.stdout.write(`  ${line}\n`),
    });
  } catch (err) {
    if (err instanceof TargetUnavailableError) throw targetError(err.message, err.badSpec);
    throw err;
  }
  writeFileSync(join(outDir, 'conform.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`\n${renderConformTable(report)}`);
  if (opts.junit) {
    makeDirs(dirname(resolve(opts.junit)));
    writeFileSync(opts.junit, renderJUnit(conformJUnitCases(report)));
  }
  process.stdout.write(`conform.json in ${outDir} (seed ${seed})\n`);
  if (hasUnexplainedDifference(report)) {
    throw new CliError(
      `${report.summary.differs} API version(s) answer differently from ${against.label}`,
      ExitCode.anomaly,
    );
  }
}
