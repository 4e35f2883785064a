/**
 * The versioned schema of results.json, the file every kconform run leaves in its run directory,
 * as TypeScript types and a validator. Reports are built from stored files only, so this is the
 * contract between the commands that write results (run, compare, check) and the report builders.
 *
 * `kconform.results/v1` is what `kconform run` writes today (app/runner/run-scenario.ts: the
 * ScenarioRun plus `schema`). Later work adds optional sections — a durability table, a
 * conformance matrix, load results — which this version already types; a reader that does not
 * know a section ignores it. A change that is not backwards compatible gets a new version string.
 */
import type { OpType } from '../harness/history/history.ts';

/** The schema version this module reads and writes. */
export const RESULTS_SCHEMA = 'kconform.results/v1';

/** A checker's verdict: `unknown` when the history cannot decide (no final read, a run stopped early). */
export type ResultValidity = true | false | 'unknown';

/** One point of a quantity over the run. */
export interface ResultSeriesPoint {
  /** Milliseconds since the run started (the history's clock). */
  time: number;
  value: number;
}

/** What one checker found (harness/history/check-result.ts CheckResult, as stored). */
export interface ResultCheck {
  /** Checker name, e.g. `lost-write`, `duplicate`, or a scenario's own check such as `group-resume`. */
  checker: string;
  /** true: the property held; false: an anomaly; 'unknown': the history cannot decide. */
  valid: ResultValidity;
  /** One line for humans. */
  summary: string;
  /**
   * What shows the anomaly: history ops (`{index, time, process, type, f, value}`), records, or
   * objects holding them (`{process, previous, next, op}`). At most 20; `count` has the total.
   */
  witnesses: unknown[];
  /** How many anomalies the checker found (for `unseen`: unseen writes). */
  count?: number;
  /** Anomalies were found but the run's configuration allows them (acks=0 losing a write): `valid` stays true. */
  allowed?: boolean;
  /** A quantity over time, for plots (unseen writes). */
  series?: ResultSeriesPoint[];
}

/** A failing run shrunk to the smallest workload that fails the same way (reference target). */
export interface ResultShrunk {
  /** The `--records` of the minimal case. */
  records: number;
  /** History ops of the minimal case. */
  ops: number;
  /** Runs the shrinker made. */
  attempts: number;
  /** fast-check's replay path, when it reported one. */
  path?: string | null;
  /** Where the minimal case was saved (`kconform replay` it). */
  runDir: string;
  /** Checkers that fail in the minimal case. */
  failing: string[];
}

/**
 * One row of the durability study: an acks level under a fault on a target. The durability
 * scenario (scenarios/durability.ts) names the level as text (`level`, e.g. `acks=all+unclean`)
 * and leaves the target to the run; other writers may give `acks` and `target`. One of
 * `acks` and `level` is required.
 */
export interface DurabilityRow {
  /** Target spec, e.g. `reference`, `kafka@4.4.0`; absent: the run's target. */
  target?: string;
  /** Producer acks: 0, 1 or `all` (-1). */
  acks?: 0 | 1 | -1 | 'all';
  /** The acks level as text, e.g. `acks=1`, `acks=all+unclean`. */
  level?: string;
  /** The fault in effect, e.g. `kill`, `pause`, `none` (the baseline). */
  fault: string;
  /** Records the producer tried to send. */
  sent?: number;
  /** Writes the broker acknowledged. */
  acked: number;
  /** Acknowledged writes the final read did not return. */
  lost: number;
  /** Records stored more than once. */
  duplicated: number;
  /** Seconds during which produces could not be acknowledged (the longest gap between acknowledged sends). */
  unavailableSeconds: number;
  /** Sent but unacknowledged records the final read returned anyway. */
  unconfirmedWritten?: number;
}

/** The durability table (`kconform run --scenarios durability`). */
export interface DurabilityResults {
  /** `kconform.durability/v1` when written by the durability scenario. */
  schema?: string;
  /** Topic settings the rows ran under. */
  replicationFactor?: number;
  minInsyncReplicas?: number;
  /** acks levels and faults in row order. */
  levels?: string[];
  faults?: string[];
  rows: DurabilityRow[];
  /** Faults left out, with the reason (not available on the target). */
  skipped?: { fault: string; reason: string }[];
}

/** How an API version behaved on the target compared with the reference Kafka. */
export type ConformanceVerdict = 'same' | 'differs' | 'unsupported';

/** One API key and version of the conformance matrix. */
export interface ConformanceRow {
  /** Kafka API key number, e.g. 0 for Produce. */
  apiKey: number;
  /** Kafka API name, e.g. `Produce`. */
  apiName: string;
  /** Request version. */
  version: number;
  verdict: ConformanceVerdict;
  /** What differed (text or a structured diff), when verdict is `differs`. */
  diff?: unknown;
  /** Request cases sent at this version, and how many of them differed. */
  cases?: number;
  differing?: number;
  /** Every difference is a known one (listed as such by `kconform conform`). */
  knownOnly?: boolean;
  /** Which side does not serve this version: `target`, `against` or both. */
  unsupportedBy?: string;
}

/** Request-by-request protocol differences (`kconform conform --against kafka@VERSION`). */
export interface ConformanceResults {
  /** What the target was compared with, e.g. `kafka@4.4.0`. */
  against: string;
  rows: ConformanceRow[];
}

/** Latency percentiles of one measurement, in milliseconds (from an HDR histogram). */
export interface LatencyPercentiles {
  /** Samples measured. */
  count: number;
  p50: number;
  p90?: number;
  p99: number;
  p999: number;
  max: number;
  mean?: number;
}

/** Throughput in one interval of a load run. */
export interface ThroughputPoint {
  /** Milliseconds since the load started (end of the interval). */
  time: number;
  recordsPerSecond: number;
  bytesPerSecond?: number;
  /** Produce-ack latency p99 of the records acknowledged in this interval, ms. */
  p99Ms?: number;
  /** Produce-ack latency p50 of the records acknowledged in this interval, ms. */
  p50Ms?: number;
  /** Records consumed, sent and failed per second in this interval. */
  consumedPerSecond?: number;
  sentPerSecond?: number;
  errorsPerSecond?: number;
}

/** One point of a latency percentile distribution. */
export interface PercentilePoint {
  /** 0 to 100. */
  percentile: number;
  ms: number;
}

/** Results of `kconform load`. */
export interface LoadResults {
  /** The settings the load ran with, for the report (acks, record size, rate, producers…). */
  settings?: Record<string, string | number | boolean>;
  /** Produce to acknowledgement. */
  produce?: LatencyPercentiles;
  /** Produce to consume. */
  endToEnd?: LatencyPercentiles;
  /** Records per second over time. */
  throughput: ThroughputPoint[];
  /** Width of each throughput interval, ms (1000 when absent). */
  bucketMs?: number;
  /** Produce-ack latency at HdrHistogram's percentile ladder (0 … 100), for the distribution plot. */
  produceDistribution?: PercentilePoint[];
}

/** Fields every variant of results.json has. */
interface ResultsCommon {
  /** Always `kconform.results/v1` for this version. */
  schema: typeof RESULTS_SCHEMA;
  /** Verdict of all checks combined: invalid beats unknown beats valid. */
  valid: ResultValidity;
  /** One entry per checker, the history checkers first, then the scenario's own checks. */
  checks: ResultCheck[];
  /** Operations in the history. */
  ops: number;
  /** Optional: the durability table, when the run was a durability study. */
  durability?: DurabilityResults;
  /** Optional: the conformance matrix, when the run was `kconform conform`. */
  conformance?: ConformanceResults;
  /** Optional: load results, when the run was `kconform load`. */
  load?: LoadResults;
}

/** What `kconform run` (and compare, replay) writes for one scenario run. */
export interface RunResults extends ResultsCommon {
  /** Absent (or `run`) for scenario runs. */
  command?: 'run';
  /** Scenario name, e.g. `seed`. */
  scenario: string;
  /** The target as the user wrote it, e.g. `reference`, `kafka@4.4.0`. */
  target: string;
  /** Seed of the generators and the fault schedule. */
  seed: number;
  /** Where the run was written (absolute, as it was when the run ran). */
  runDir: string;
  /** Why the scenario stopped early, if it did (its verdict is then at best unknown). */
  error?: string;
  /** Wall-clock duration of the run. */
  seconds: number;
  /** Set when a failure was shrunk to a smaller case. */
  shrunk?: ResultShrunk;
  /** Set when shrinking ran, whether or not it found a smaller case. */
  shrink?: ResultShrinkSummary;
}

/** How shrinking a failure went. */
export interface ResultShrinkSummary {
  /** Runs the shrinker made. */
  attempts: number;
  /** Seconds it took. */
  seconds: number;
  /** The time budget it had (`--shrink-budget`). */
  budgetSeconds: number;
  /** True when the budget ran out before every simpler candidate was tried. */
  budgetExhausted: boolean;
  /** True when a smaller case failed the same way (then `shrunk` describes it). */
  smaller: boolean;
  /** False when a rerun of the failing case itself did not fail the same way (timing-dependent). */
  reproduced: boolean;
}

/** What `kconform check HISTORY --out FILE` writes. */
export interface CheckCommandResults extends ResultsCommon {
  command: 'check';
  /** The history file checked. */
  history: string;
  /** The check configuration used (scenarios/checkers/config.ts). */
  config: Record<string, unknown>;
  /** Where that configuration came from. */
  configSource: string;
}

/** results.json, version 1. */
export type ResultsV1 = RunResults | CheckCommandResults;

/** A results.json that does not follow the schema; `field` names the offending path. */
export class ResultsSchemaError extends Error {
  readonly field: string;
  constructor(source: string, field: string, problem: string) {
    super(`${source}: ${field} ${problem}`);
    this.name = 'ResultsSchemaError';
    this.field = field;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];

/** Collects the checks of one object, throwing on the first problem with its path. */
class Checker {
  private readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
  fail(field: string, problem: string): never {
    throw new ResultsSchemaError(this.source, field, problem);
  }
  object(v: unknown, field: string): Record<string, unknown> {
    if (!isObject(v)) this.fail(field, `must be an object, got ${show(v)}`);
    return v;
  }
  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, `must be an array, got ${show(v)}`);
    return v;
  }
  string(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, `must be a string, got ${show(v)}`);
    return v;
  }
  number(v: unknown, field: string, opts: { integer?: boolean; min?: number } = {}): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `must be a number, got ${show(v)}`);
    if (opts.integer && !Number.isInteger(v)) this.fail(field, `must be a whole number, got ${show(v)}`);
    if (opts.min !== undefined && v < opts.min) this.fail(field, `must be ≥ ${opts.min}, got ${show(v)}`);
    return v;
  }
  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, `must be true or false, got ${show(v)}`);
    return v;
  }
  validity(v: unknown, field: string): ResultValidity {
    if (v !== true && v !== false && v !== 'unknown')
      this.fail(field, `must be true, false or "unknown", got ${show(v)}`);
    return v;
  }
  optional<T>(obj: Record<string, unknown>, key: string, field: string, check: (v: unknown, field: string) => T): void {
    if (obj[key] !== undefined) check(obj[key], `${field}.${key}`.replace(/^\./, ''));
  }
}

function checkSeries(c: Checker, v: unknown, field: string): void {
  c.array(v, field).forEach((p, i) => {
    const o = c.object(p, `${field}[${i}]`);
    c.number(o.time, `${field}[${i}].time`);
    c.number(o.value, `${field}[${i}].value`);
  });
}

function checkCheck(c: Checker, v: unknown, field: string): void {
  const o = c.object(v, field);
  c.string(o.checker, `${field}.checker`);
  c.validity(o.valid, `${field}.valid`);
  c.string(o.summary, `${field}.summary`);
  c.array(o.witnesses, `${field}.witnesses`);
  c.optional(o, 'count', field, (x, f) => c.number(x, f, { integer: true, min: 0 }));
  c.optional(o, 'allowed', field, (x, f) => c.boolean(x, f));
  c.optional(o, 'series', field, (x, f) => checkSeries(c, x, f));
}

function checkPercentiles(c: Checker, v: unknown, field: string): void {
  const o = c.object(v, field);
  c.number(o.count, `${field}.count`, { integer: true, min: 0 });
  for (const k of ['p50', 'p99', 'p999', 'max']) c.number(o[k], `${field}.${k}`, { min: 0 });
  for (const k of ['p90', 'mean']) c.optional(o, k, field, (x, f) => c.number(x, f, { min: 0 }));
}

function checkDurability(c: Checker, v: unknown, field: string): void {
  const o = c.object(v, field);
  c.array(o.rows, `${field}.rows`).forEach((r, i) => {
    const f = `${field}.rows[${i}]`;
    const row = c.object(r, f);
    c.optional(row, 'target', f, (x, g) => c.string(x, g));
    if (row.acks === undefined && row.level === undefined) c.fail(f, 'needs acks or level');
    if (row.acks !== undefined && ![0, 1, -1, 'all'].includes(row.acks as number))
      c.fail(`${f}.acks`, `must be 0, 1, -1 or "all", got ${show(row.acks)}`);
    c.optional(row, 'level', f, (x, g) => c.string(x, g));
    c.string(row.fault, `${f}.fault`);
    for (const k of ['acked', 'lost', 'duplicated']) c.number(row[k], `${f}.${k}`, { integer: true, min: 0 });
    for (const k of ['sent', 'unconfirmedWritten'])
      c.optional(row, k, f, (x, g) => c.number(x, g, { integer: true, min: 0 }));
    c.number(row.unavailableSeconds, `${f}.unavailableSeconds`, { min: 0 });
  });
  c.optional(o, 'skipped', field, (x, f) =>
    c.array(x, f).forEach((sk, i) => {
      const so = c.object(sk, `${f}[${i}]`);
      c.string(so.fault, `${f}[${i}].fault`);
      c.string(so.reason, `${f}[${i}].reason`);
    }),
  );
}

function checkConformance(c: Checker, v: unknown, field: string): void {
  const o = c.object(v, field);
  c.string(o.against, `${field}.against`);
  c.array(o.rows, `${field}.rows`).forEach((r, i) => {
    const f = `${field}.rows[${i}]`;
    const row = c.object(r, f);
    c.number(row.apiKey, `${f}.apiKey`, { integer: true, min: 0 });
    c.string(row.apiName, `${f}.apiName`);
    c.number(row.version, `${f}.version`, { integer: true, min: 0 });
    if (row.verdict !== 'same' && row.verdict !== 'differs' && row.verdict !== 'unsupported')
      c.fail(`${f}.verdict`, `must be "same", "differs" or "unsupported", got ${show(row.verdict)}`);
    for (const k of ['cases', 'differing']) c.optional(row, k, f, (x, g) => c.number(x, g, { integer: true, min: 0 }));
    c.optional(row, 'knownOnly', f, (x, g) => c.boolean(x, g));
    c.optional(row, 'unsupportedBy', f, (x, g) => c.string(x, g));
  });
}

function checkLoad(c: Checker, v: unknown, field: string): void {
  const o = c.object(v, field);
  c.optional(o, 'settings', field, (x, f) => {
    for (const [k, s] of Object.entries(c.object(x, f)))
      if (!['string', 'number', 'boolean'].includes(typeof s))
        c.fail(`${f}.${k}`, `must be a string, number or boolean, got ${show(s)}`);
  });
  c.optional(o, 'produce', field, (x, f) => checkPercentiles(c, x, f));
  c.optional(o, 'endToEnd', field, (x, f) => checkPercentiles(c, x, f));
  c.array(o.throughput, `${field}.throughput`).forEach((p, i) => {
    const f = `${field}.throughput[${i}]`;
    const pt = c.object(p, f);
    c.number(pt.time, `${f}.time`);
    c.number(pt.recordsPerSecond, `${f}.recordsPerSecond`, { min: 0 });
    c.optional(pt, 'bytesPerSecond', f, (x, g) => c.number(x, g, { min: 0 }));
    for (const k of ['p99Ms', 'p50Ms', 'consumedPerSecond', 'sentPerSecond', 'errorsPerSecond'])
      c.optional(pt, k, f, (x, g) => c.number(x, g, { min: 0 }));
  });
  c.optional(o, 'bucketMs', field, (x, f) => c.number(x, f, { min: 1 }));
  c.optional(o, 'produceDistribution', field, (x, f) =>
    c.array(x, f).forEach((p, i) => {
      const pt = c.object(p, `${f}[${i}]`);
      c.number(pt.percentile, `${f}[${i}].percentile`, { min: 0 });
      c.number(pt.ms, `${f}[${i}].ms`, { min: 0 });
    }),
  );
}

/**
 * Checks that `json` (a parsed results.json) follows `kconform.results/v1` and returns it typed.
 * Throws {@link ResultsSchemaError} naming the first wrong field, e.g.
 * `runs/x/results.json: checks[2].valid must be true, false or "unknown", got 7`; a file of
 * another version says which version it is and which one this kconform reads.
 */
export function validateResults(json: unknown, source = 'results.json'): ResultsV1 {
  const c = new Checker(source);
  const o = c.object(json, '(top level)');
  if (o.schema !== RESULTS_SCHEMA) {
    if (typeof o.schema === 'string')
      c.fail(
        'schema',
        `is "${o.schema}", but this kconform reads "${RESULTS_SCHEMA}" (written by another kconform version?)`,
      );
    c.fail('schema', `must be "${RESULTS_SCHEMA}", got ${show(o.schema)}`);
  }
  c.validity(o.valid, 'valid');
  c.array(o.checks, 'checks').forEach((x, i) => checkCheck(c, x, `checks[${i}]`));
  c.number(o.ops, 'ops', { integer: true, min: 0 });
  c.optional(o, 'durability', '', (x, f) => checkDurability(c, x, f));
  c.optional(o, 'conformance', '', (x, f) => checkConformance(c, x, f));
  c.optional(o, 'load', '', (x, f) => checkLoad(c, x, f));
  if (o.command === 'check') {
    c.string(o.history, 'history');
    c.object(o.config, 'config');
    c.string(o.configSource, 'configSource');
    return o as unknown as CheckCommandResults;
  }
  if (o.command !== undefined && o.command !== 'run')
    c.fail('command', `must be "run", "check" or absent, got ${show(o.command)}`);
  c.string(o.scenario, 'scenario');
  c.string(o.target, 'target');
  c.number(o.seed, 'seed', { integer: true, min: 0 });
  c.string(o.runDir, 'runDir');
  c.number(o.seconds, 'seconds', { min: 0 });
  c.optional(o, 'error', '', (x, f) => c.string(x, f));
  c.optional(o, 'shrunk', '', (x, f) => {
    const s = c.object(x, f);
    c.number(s.records, `${f}.records`, { integer: true, min: 0 });
    c.number(s.ops, `${f}.ops`, { integer: true, min: 0 });
    c.number(s.attempts, `${f}.attempts`, { integer: true, min: 0 });
    if (s.path !== undefined && s.path !== null) c.string(s.path, `${f}.path`);
    c.string(s.runDir, `${f}.runDir`);
    c.array(s.failing, `${f}.failing`).forEach((n, i) => c.string(n, `${f}.failing[${i}]`));
  });
  c.optional(o, 'shrink', '', (x, f) => {
    const s = c.object(x, f);
    c.number(s.attempts, `${f}.attempts`, { integer: true, min: 0 });
    c.number(s.seconds, `${f}.seconds`, { min: 0 });
    c.number(s.budgetSeconds, `${f}.budgetSeconds`, { min: 0 });
    for (const k of ['budgetExhausted', 'smaller', 'reproduced']) c.boolean(s[k], `${f}.${k}`);
  });
  return o as unknown as RunResults;
}

/** True when `v` looks like a history op (what witnesses often are or hold). */
export function isHistoryOp(v: unknown): v is {
  index: number;
  time: number;
  process: string | number;
  type: OpType;
  f: string;
  value?: unknown;
  error?: string;
} {
  return (
    isObject(v) &&
    Number.isInteger(v.index) &&
    typeof v.time === 'number' &&
    (typeof v.process === 'string' || typeof v.process === 'number') &&
    OP_TYPES.includes(v.type as OpType) &&
    typeof v.f === 'string'
  );
}
