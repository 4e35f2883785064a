import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA, ResultsSchemaError, validateResults, type RunResults } from './results-schema.ts';

/** What `kconform run` writes: its run with the schema in front (app/runner/run-scenario.ts `satisfies RunResults`). */
const stored = (r: Omit<RunResults, 'schema'>): RunResults => ({ schema: RESULTS_SCHEMA, ...r });

const run = (): RunResults =>
  stored({
    scenario: 'seed',
    target: 'reference',
    seed: 1,
    runDir: '/tmp/x',
    valid: false,
    checks: [
      {
        checker: 'lost-write',
        valid: false,
        summary: '1 lost',
        witnesses: [{ index: 3, time: 1.5, process: 0, type: 'ok', f: 'send', value: {} }],
        count: 1,
      },
      { checker: 'unseen', valid: true, summary: 'ok', witnesses: [], series: [{ time: 1, value: 0 }] },
      { checker: 'replay', valid: 'unknown', summary: 'no replay', witnesses: [] },
    ],
    seconds: 1.2,
    ops: 10,
    shrunk: { records: 5, ops: 12, attempts: 3, path: undefined, runDir: '/tmp/x/shrunk', failing: ['lost-write'] },
  });

function problem(json: unknown): string {
  try {
    validateResults(JSON.parse(JSON.stringify(json)), 'r.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ResultsSchemaError);
    return (err as Error).message;
  }
  throw new Error('validated');
}

describe('validateResults', () => {
  it('accepts what run writes, after a JSON round trip', () => {
    const r = validateResults(JSON.parse(JSON.stringify(run())));
    expect(r.valid).toBe(false);
    expect(r.checks).toHaveLength(3);
  });

  it('names the wrong version and the version it reads', () => {
    expect(problem({ ...run(), schema: 'kconform.results/v2' })).toBe(
      'r.json: schema is "kconform.results/v2", but this kconform reads "kconform.results/v1" (written by another kconform version?)',
    );
    expect(problem({ ...run(), schema: undefined })).toContain('schema must be "kconform.results/v1"');
    expect(problem([])).toContain('(top level) must be an object');
  });

  it('names the offending field with its path', () => {
    const bad = (patch: (r: Record<string, any>) => void) => {
      const r = JSON.parse(JSON.stringify(run()));
      patch(r);
      return problem(r);
    };
    expect(bad((r) => (r.checks[2].valid = 7))).toBe('r.json: checks[2].valid must be true, false or "unknown", got 7');
    expect(bad((r) => delete r.checks[0].summary)).toContain('checks[0].summary must be a string');
    expect(bad((r) => (r.checks[1].series[0].time = 'x'))).toContain('checks[1].series[0].time must be a number');
    expect(bad((r) => (r.seed = 1.5))).toContain('seed must be a whole number, got 1.5');
    expect(bad((r) => (r.ops = -1))).toContain('ops must be ≥ 0');
    expect(bad((r) => (r.shrunk.failing = [3]))).toContain('shrunk.failing[0] must be a string');
    expect(bad((r) => delete r.target)).toContain('target must be a string');
    expect(bad((r) => (r.command = 'load'))).toContain('command must be "run", "check" or absent');
  });

  it('accepts what check --out writes', () => {
    const r = validateResults({
      schema: RESULTS_SCHEMA,
      command: 'check',
      history: '/h.jsonl',
      ops: 3,
      config: { acks: -1 },
      configSource: 'defaults',
      valid: true,
      checks: [],
    });
    expect(r.command).toBe('check');
  });

  it('types and checks the optional durability, conformance and load sections', () => {
    // as scenarios/durability.ts writes it
    const durability = {
      schema: 'kconform.durability/v1',
      replicationFactor: 3,
      minInsyncReplicas: 2,
      levels: ['acks=1', 'acks=all'],
      faults: ['none', 'kill'],
      rows: [
        {
          level: 'acks=1',
          fault: 'kill',
          sent: 10,
          acked: 9,
          lost: 1,
          duplicated: 0,
          unconfirmedWritten: 0,
          unavailableSeconds: 1.5,
        },
      ],
      skipped: [{ fault: 'partition', reason: 'not available' }],
    };
    const conformance = {
      against: 'kafka@4.4.0',
      rows: [{ apiKey: 0, apiName: 'Produce', version: 9, verdict: 'differs', diff: 'errorCode 0 vs 87' }],
    };
    const load = {
      settings: { acks: 'all', recordSize: 1024 },
      produce: { count: 10, p50: 1, p99: 2, p999: 3, max: 4 },
      throughput: [{ time: 1000, recordsPerSecond: 5000 }],
    };
    const r = validateResults({ ...run(), durability, conformance, load });
    expect(r.durability?.rows[0]?.level).toBe('acks=1');
    expect(
      problem({
        ...run(),
        durability: { rows: [{ fault: 'kill', acked: 1, lost: 0, duplicated: 0, unavailableSeconds: 0 }] },
      }),
    ).toContain('durability.rows[0] needs acks or level');
    expect(
      problem({
        ...run(),
        durability: { rows: [{ acks: 2, fault: 'kill', acked: 1, lost: 0, duplicated: 0, unavailableSeconds: 0 }] },
      }),
    ).toContain('durability.rows[0].acks must be 0, 1, -1 or "all", got 2');
    expect(
      problem({ ...run(), conformance: { ...conformance, rows: [{ ...conformance.rows[0], verdict: 'maybe' }] } }),
    ).toContain('conformance.rows[0].verdict must be "same", "differs" or "unsupported"');
    expect(problem({ ...run(), load: { ...load, produce: { count: 1, p50: 1, p99: 1, max: 1 } } })).toContain(
      'load.produce.p999 must be a number',
    );
    expect(problem({ ...run(), load: { throughput: [{ time: 0 }] } })).toContain(
      'load.throughput[0].recordsPerSecond must be a number',
    );
  });
});
