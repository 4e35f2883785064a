/**
 * Finding and loading stored runs: a run directory holds results.json (and history.jsonl,
 * config.json); a directory of runs (what `run` with several scenarios or `compare` writes) holds
 * run directories below it. Reports are built from these files only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ResultsSchemaError, validateResults, type ResultsV1 } from './results-schema.ts';

/** Bad input to a report (missing directory, no results, malformed file): the CLI exits 2 with the message. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

/** One run as stored. */
export interface StoredRun {
  /** The run directory (absolute). */
  dir: string;
  results: ResultsV1;
  /** config.json, when the run wrote one. */
  config?: Record<string, unknown>;
  /** history.jsonl, when it exists. */
  historyPath?: string;
}

/** How deep below a given directory run directories are looked for (compare: root/scenario/target). */
const MAX_DEPTH = 4;

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ReportInputError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReportInputError(`${path}: not JSON (${(err as Error).message})`);
  }
}

/**
 * The run directories at or below `root`, in name order: `root` itself when it holds
 * results.json, else every directory below it that does (not looking inside a run directory, so
 * a failing run's `shrunk/` case stays part of its run). Throws {@link ReportInputError} when
 * `root` is missing, not a directory, or holds no results.json anywhere.
 */
export function findRunDirs(root: string): string[] {
  const abs = resolve(root);
  if (!existsSync(abs)) throw new ReportInputError(`${root}: no such directory`);
  if (!statSync(abs).isDirectory())
    throw new ReportInputError(`${root}: not a directory (give a run directory, which holds results.json)`);
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, 'results.json'))) {
      found.push(dir);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    } catch {
      return;
    }
    for (const e of entries) walk(join(dir, e), depth + 1);
  };
  walk(abs, 0);
  if (found.length === 0)
    throw new ReportInputError(`${root}: no results.json in it or below it (not a kconform run directory)`);
  return found;
}

/** Loads one run directory; a results.json that does not follow the schema is a {@link ReportInputError} naming the field. */
export function loadStoredRun(dir: string): StoredRun {
  const path = join(dir, 'results.json');
  let results: ResultsV1;
  try {
    results = validateResults(readJsonFile(path), path);
  } catch (err) {
    if (err instanceof ResultsSchemaError) throw new ReportInputError(err.message);
    throw err;
  }
  const run: StoredRun = { dir, results };
  const configPath = join(dir, 'config.json');
  if (existsSync(configPath)) {
    const config = readJsonFile(configPath);
    if (typeof config === 'object' && config !== null && !Array.isArray(config))
      run.config = config as Record<string, unknown>;
  }
  const historyPath = join(dir, 'history.jsonl');
  if (existsSync(historyPath)) run.historyPath = historyPath;
  return run;
}

/**
 * One partition's offsets a compare difference names on one target's log, as compare.json stores
 * it (written by app/compare/behaviour-diff.ts; the report reads only what it draws).
 */
export interface StoredDifferencePosition {
  pair?: string[];
  reader?: string;
  kind?: string;
  target?: string;
  topic: string;
  partition: number;
  offsets: number[];
  count?: number;
}

/** compare.json of a `kconform compare` directory, when `root` has one (only what the report shows). */
export interface StoredCompare {
  path: string;
  targets: string[];
  scenarios: {
    scenario: string;
    seed: number;
    aspects: {
      aspect: string;
      same: boolean;
      summary: string;
      details: string[];
      cause?: string;
      /** Where a difference lies (app/compare/behaviour-diff.ts `DifferencePosition`); absent in older files. */
      positions?: StoredDifferencePosition[];
    }[];
    /** Each target's run of the scenario (absent in files written before runs were listed). */
    runs?: { target: string; runDir: string; valid?: unknown; failing?: string[] }[];
  }[];
}

/** Reads `root/compare.json` if present and of the known schema; otherwise undefined. */
export function loadCompare(root: string): StoredCompare | undefined {
  const path = join(resolve(root), 'compare.json');
  if (!existsSync(path)) return undefined;
  const json = readJsonFile(path) as { schema?: unknown; targets?: unknown; scenarios?: unknown };
  if (json?.schema !== 'kconform.compare/v1' || !Array.isArray(json.targets) || !Array.isArray(json.scenarios))
    throw new ReportInputError(`${path}: not a kconform.compare/v1 file`);
  return { path, targets: json.targets as string[], scenarios: json.scenarios as StoredCompare['scenarios'] };
}
