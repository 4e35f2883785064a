import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Op } from '../../../harness/history/history.ts';
import { HistoryValidator } from '../../../harness/history/history-validator.ts';
import { combine, type CheckResult } from '../../../harness/history/check-result.ts';
import {
  checkHistory,
  DEFAULT_CHECK_CONFIG,
  describeCheckConfig,
  parseCheckConfig,
  validateOp,
  type CheckConfig,
} from '../../../scenarios/checkers/index.ts';
import { CliError, ExitCode, usageError } from '../exit-codes.ts';
import { checkOutputFile } from '../output-paths.ts';

/** Options of `kconform check`. */
export interface CheckOptions {
  /** The history.jsonl to check. */
  history: string;
  /** A CheckConfig JSON file, or a run's config.json (its `check` entry is taken). */
  config?: string;
  /** Write the results as JSON to this file. */
  out?: string;
}

/**
 * Reads history.jsonl line by line (a history of 10^6 ops is never one string), validating each
 * line and the history it makes (see history-validator.ts); a malformed or impossible one, or an
 * empty one, is bad input and names its line number.
 */
export async function readHistory(path: string): Promise<Op[]> {
  if (!existsSync(path)) throw usageError(`cannot read history ${path}: no such file`);
  const ops: Op[] = [];
  const validator = new HistoryValidator();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw usageError(`${path}:${n}: not JSON (${(err as Error).message})`);
    }
    const problem = validateOp(parsed);
    if (problem) throw usageError(`${path}:${n}: not a history op: ${problem}`);
    const impossible = validator.add(parsed as Op, n);
    if (impossible) throw usageError(`${path}:${n}: ${impossible}`);
    ops.push(parsed as Op);
  }
  const whole = validator.finish();
  if (whole) throw usageError(`${path}: ${whole}`);
  return ops;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw usageError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usageError(`${path}: not JSON (${(err as Error).message})`);
  }
}

/** A run's config.json keeps the check config under `check`; a file of its own is the config itself. */
function configFrom(json: unknown, path: string): CheckConfig {
  const entry =
    typeof json === 'object' && json !== null && 'check' in json ? (json as { check: unknown }).check : json;
  try {
    return parseCheckConfig(entry);
  } catch (err) {
    throw usageError(`${path}: ${(err as Error).message}`);
  }
}

/**
 * The configuration to check under: --config FILE; else the `check` entry of the config.json
 * beside the history (what `kconform run` writes); else the defaults.
 */
export function loadCheckConfig(historyPath: string, configPath?: string): { config: CheckConfig; source: string } {
  if (configPath) return { config: configFrom(readJson(configPath), configPath), source: configPath };
  const beside = join(dirname(historyPath), 'config.json');
  if (existsSync(beside)) {
    const json = readJson(beside);
    if (typeof json === 'object' && json !== null && 'check' in json)
      return { config: configFrom(json, beside), source: `${beside} (check entry)` };
    return { config: { ...DEFAULT_CHECK_CONFIG }, source: `defaults (${beside} has no check entry)` };
  }
  return { config: { ...DEFAULT_CHECK_CONFIG }, source: 'defaults' };
}

const mark = (v: CheckResult['valid']) => (v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN');

/** At most `max` characters of a witness, on one line. */
function brief(w: unknown, max = 240): string {
  const s = JSON.stringify(w) ?? String(w);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * `kconform check HISTORY.jsonl [--config FILE] [--out FILE]`: runs every checker on a stored
 * history and prints one line per checker (and the first witnesses of a failure). Writes nothing
 * unless --out. Exit 0 when every check held; 1 when one found an anomaly, or when the history
 * cannot decide (as `run` treats it: unknown is not a pass); 2 on a malformed history or config.
 */
export async function checkCommand(
  opts: CheckOptions,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<void> {
  if (opts.out) checkOutputFile(opts.out, '--out');
  const history = await readHistory(opts.history);
  const { config, source } = loadCheckConfig(opts.history, opts.config);
  write(`history: ${opts.history} (${history.length} ops)\n`);
  write(`config: ${describeCheckConfig(config)}\n        from ${source}\n`);
  const t0 = performance.now();
  const checks = checkHistory(history, config);
  const seconds = (performance.now() - t0) / 1000;
  for (const c of checks) {
    write(`${mark(c.valid).padEnd(8)}${c.checker.padEnd(23)}${c.summary}\n`);
    if (c.valid === false) for (const w of c.witnesses.slice(0, 3)) write(`          witness: ${brief(w)}\n`);
  }
  const valid = combine(checks);
  write(`verdict: ${mark(valid)} (${checks.length} checkers, ${seconds.toFixed(2)} s)\n`);
  if (opts.out) {
    const out = resolve(opts.out);
    const results = {
      schema: 'kconform.results/v1',
      command: 'check',
      history: resolve(opts.history),
      ops: history.length,
      config,
      configSource: source,
      valid,
      checks,
    };
    writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  }
  if (valid === false)
    throw new CliError(`${checks.filter((c) => c.valid === false).length} check(s) found an anomaly`, ExitCode.anomaly);
  if (valid === 'unknown')
    throw new CliError(
      `the history cannot decide ${checks
        .filter((c) => c.valid === 'unknown')
        .map((c) => c.checker)
        .join(', ')}`,
      ExitCode.anomaly,
    );
}
