/**
 * Reading back what a run stored about itself: config.json (what to run again) and results.json
 * (what happened), validated so `kconform replay` fails early with a one-line reason instead of
 * half way through a run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_FAMILIES, type FaultFamily } from '../../harness/nemesis/fault-schedule.ts';
import { nodeControlFromJson, type NodeCommands } from '../../harness/nemesis/node-commands.ts';
import { kindOf, kindsWith, parseTargetSpec, type TargetSpec } from '../../harness/targets/target-spec.ts';
import type { CheckResult, Validity } from '../../harness/history/check-result.ts';
import type { BugName } from '../../reference-broker/bugs/known-bugs.ts';

/** A run's config.json, validated. */
export interface RunConfig {
  scenario: string;
  /** The target as the user wrote it, and parsed. */
  target: string;
  spec: TargetSpec;
  brokers: number;
  seed: number;
  records: number;
  faults: FaultFamily[];
  bugs: BugName[];
  /**
   * external@ runs only: the `--node-control` commands the run was given (stored in the `@FILE`
   * JSON form, templates as given), so a replay does the same process faults.
   */
  nodeControl?: NodeCommands;
}

/** What a config.json may name, from the running kconform (scenario and bug registries). */
export interface KnownNames {
  scenarios: readonly string[];
  bugs: readonly BugName[];
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function stringList(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new Error(`'${field}' must be a list of names`);
  return v as string[];
}

/**
 * Validates a parsed config.json. Fields older runs did not write (`brokers`, `faults`, `bugs`)
 * take the values those runs used; unknown extra fields are ignored (newer kconform versions add some).
 * Throws an Error naming the first bad field.
 */
export function parseRunConfig(raw: unknown, known: KnownNames): RunConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('expected a JSON object');
  const c = raw as Record<string, unknown>;
  if (typeof c.scenario !== 'string') throw new Error("'scenario' is missing");
  if (!known.scenarios.includes(c.scenario))
    throw new Error(`unknown scenario '${c.scenario}'; this kconform knows ${known.scenarios.join(', ')}`);
  if (typeof c.target !== 'string') throw new Error("'target' is missing");
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(c.target);
  } catch (err) {
    throw new Error(`'target': ${(err as Error).message}`);
  }
  if (!isInt(c.seed, 0, 2 ** 31 - 1)) throw new Error(`'seed' must be a whole number in 0..${2 ** 31 - 1}`);
  if (!isInt(c.records, 0, 10_000_000)) throw new Error("'records' must be a whole number in 0..10000000");
  const brokers = c.brokers ?? 1;
  if (!isInt(brokers, 1, 9)) throw new Error("'brokers' must be a whole number in 1..9");
  const faults = stringList(c.faults ?? [], 'faults');
  const badFault = faults.find((f) => !(FAULT_FAMILIES as readonly string[]).includes(f));
  if (badFault) throw new Error(`unknown fault '${badFault}'; known: ${FAULT_FAMILIES.join(', ')}`);
  const names = stringList(c.bugs ?? [], 'bugs');
  const isKnownBug = (b: string): b is BugName => (known.bugs as readonly string[]).includes(b);
  const badBug = names.find((b) => !isKnownBug(b));
  if (badBug) throw new Error(`unknown bug '${badBug}'; known: ${known.bugs.join(', ')}`);
  const bugs = names.filter(isKnownBug);
  if (bugs.length && !kindOf(spec).capabilities.knownBugs)
    throw new Error(
      `bugs exist only in the ${kindsWith('knownBugs')
        .map((k) => k.name)
        .join(', ')} target`,
    );
  let nodeControl: NodeCommands | undefined;
  if (c.nodeControl !== undefined) {
    if (!kindOf(spec).capabilities.nodeControl)
      throw new Error(
        `'nodeControl' exists only for ${kindsWith('nodeControl')
          .map((k) => `${k.name}@`)
          .join(', ')} targets`,
      );
    nodeControl = nodeControlFromJson(c.nodeControl, "'nodeControl'");
  }
  return {
    scenario: c.scenario,
    target: c.target,
    spec,
    brokers,
    seed: c.seed,
    records: c.records,
    faults: faults as FaultFamily[],
    bugs,
    ...(nodeControl ? { nodeControl } : {}),
  };
}

/** Reads and validates RUN_DIR/config.json; the Error message names the file. */
export function readRunConfig(runDir: string, known: KnownNames): RunConfig {
  const path = join(runDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not JSON: ${(err as Error).message}`);
  }
  try {
    return parseRunConfig(raw, known);
  } catch (err) {
    throw new Error(`${path} is not a kconform run config: ${(err as Error).message}`);
  }
}

/** The part of a results.json a replay compares against. */
export interface StoredOutcome {
  valid: Validity;
  checks: Pick<CheckResult, 'checker' | 'valid' | 'summary'>[];
  error?: string;
}

/**
 * Reads RUN_DIR/results.json: the outcome, `undefined` when the run never finished (no file),
 * or a string saying why the file cannot be used.
 */
export function readStoredOutcome(runDir: string): StoredOutcome | string | undefined {
  const path = join(runDir, 'results.json');
  if (!existsSync(path)) return undefined;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    if (r.schema !== 'kconform.results/v1') return `${path}: unknown schema ${JSON.stringify(r.schema)}`;
    if (!Array.isArray(r.checks) || !r.checks.every((c) => typeof c?.checker === 'string'))
      return `${path}: no list of checks`;
    return {
      valid: r.valid as Validity,
      checks: r.checks as StoredOutcome['checks'],
      error: typeof r.error === 'string' ? r.error : undefined,
    };
  } catch (err) {
    return `${path}: ${(err as Error).message}`;
  }
}
