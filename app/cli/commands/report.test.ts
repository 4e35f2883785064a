import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/history/history.ts';
import { RESULTS_SCHEMA } from '../../../reports/results-schema.ts';
import { CliError } from '../exit-codes.ts';
import { reportCommand } from './report.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const quiet = () => {};

/** Writes a stored run the way `kconform run` leaves it, with a lost write as its anomaly. */
function storeRun(dir: string, extra: Record<string, unknown> = {}, target = 'reference'): void {
  mkdirSync(dir, { recursive: true });
  const ops: Op[] = [
    {
      index: 0,
      time: 1,
      process: 0,
      type: 'invoke',
      f: 'send',
      value: { topic: 't', partition: 0, key: null, value: 'a' },
    },
    { index: 1, time: 2, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'kill', node: 1 } },
    { index: 2, time: 3, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'kill', node: 1 } },
    {
      index: 3,
      time: 9,
      process: 0,
      type: 'ok',
      f: 'send',
      value: { topic: 't', partition: 0, offset: 0, key: null, value: 'a' },
    },
    { index: 4, time: 20, process: 'final-read', type: 'invoke', f: 'poll', value: { topic: 't', partition: 0 } },
    { index: 5, time: 21, process: 'final-read', type: 'ok', f: 'poll', value: { records: [] } },
  ];
  writeFileSync(join(dir, 'history.jsonl'), ops.map((o) => JSON.stringify(o)).join('\n') + '\n');
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ scenario: 'seed', target, seed: 7, records: 1, faults: ['kill'], bugs: [] }),
  );
  const results = {
    schema: RESULTS_SCHEMA,
    scenario: 'seed',
    target,
    seed: 7,
    runDir: dir,
    valid: false,
    checks: [
      { checker: 'lost-write', valid: false, summary: '1 acknowledged write lost', witnesses: [ops[3]], count: 1 },
      { checker: 'duplicate', valid: true, summary: 'no record stored twice', witnesses: [], count: 0 },
    ],
    seconds: 0.5,
    ops: ops.length,
    ...extra,
  };
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
}

async function usageErrorOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  expect((err as CliError).exitCode).toBe(2);
  return (err as Error).message;
}

describe('kconform report', () => {
  it('builds report.html and a JUnit case per scenario x target x run, failures carrying the anomaly and its witness ops', async () => {
    const root = join(scratch, 'compare');
    storeRun(join(root, 'seed', 'reference'));
    storeRun(join(root, 'seed', 'kafka-4.4.0'), {}, 'kafka@4.4.0');
    const out = join(scratch, 'out', 'report.html');
    const written = await reportCommand([root], { out }, quiet);
    expect(written.model.runs.map((r) => r.target)).toEqual(['kafka@4.4.0', 'reference']);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<table class="verdicts" id="verdict-table">');
    expect(html).toContain('kill node 1');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing to fetch
    const junit = readFileSync(join(scratch, 'out', 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="seed" tests="2" failures="2" skipped="0">');
    expect(junit).toContain('name="reference seed 7"');
    expect(junit).toContain('message="lost-write: 1 acknowledged write lost"');
    // the witness completion and the invocation it completed
    expect(junit).toMatch(/#0 t=1ms 0 invoke send/);
    expect(junit).toMatch(/#3 t=9ms 0 ok send/);
  });

  it('renders the durability, conformance and load sections when results carry them', async () => {
    const dir = join(scratch, 'sections');
    storeRun(dir, {
      durability: {
        schema: 'kconform.durability/v1',
        replicationFactor: 3,
        minInsyncReplicas: 2,
        levels: ['acks=1'],
        faults: ['kill'],
        rows: [
          {
            level: 'acks=1',
            fault: 'kill',
            sent: 10,
            acked: 9,
            lost: 2,
            duplicated: 1,
            unconfirmedWritten: 0,
            unavailableSeconds: 3.5,
          },
        ],
        skipped: [{ fault: 'partition', reason: 'needs netns' }],
      },
      conformance: {
        against: 'kafka@4.4.0',
        rows: [
          { apiKey: 0, apiName: 'Produce', version: 9, verdict: 'differs', diff: 'errorCode 0 vs 87' },
          { apiKey: 1, apiName: 'Fetch', version: 12, verdict: 'same' },
        ],
      },
      load: {
        settings: { acks: 'all' },
        produce: { count: 100, p50: 1.2, p99: 5, p999: 9, max: 12 },
        throughput: [
          { time: 1000, recordsPerSecond: 900 },
          { time: 2000, recordsPerSecond: 1100 },
        ],
      },
    });
    const written = await reportCommand([dir], { junit: false }, quiet);
    const html = readFileSync(written.html, 'utf8');
    expect(written.junit).toBeUndefined();
    for (const s of [
      'id="durability"',
      'id="chart-durability"',
      'partition not run: needs netns',
      'id="conformance"',
      'Produce (0)',
      'errorCode 0 vs 87',
      'id="load"',
      'id="chart-load-1"',
    ])
      expect(html).toContain(s);
  });

  it('exits 2 with a clear reason on a missing directory, no results.json, or a malformed one', async () => {
    expect(await usageErrorOf(reportCommand([join(scratch, 'nope')], {}, quiet))).toMatch(/nope: no such directory/);
    mkdirSync(join(scratch, 'empty', 'sub'), { recursive: true });
    expect(await usageErrorOf(reportCommand([join(scratch, 'empty')], {}, quiet))).toMatch(
      /no results.json in it or below it/,
    );
    const bad = join(scratch, 'bad');
    storeRun(bad, { valid: 'maybe' });
    expect(await usageErrorOf(reportCommand([bad], {}, quiet))).toMatch(
      /results.json: valid must be true, false or "unknown", got "maybe"/,
    );
    writeFileSync(join(bad, 'results.json'), '{');
    expect(await usageErrorOf(reportCommand([bad], {}, quiet))).toMatch(/results.json: not JSON/);
    expect(await usageErrorOf(reportCommand([], {}, quiet))).toMatch(/at least one run directory/);
  });

  it('still reports a run whose history is unreadable, saying why there are no plots', async () => {
    const dir = join(scratch, 'torn');
    storeRun(dir);
    writeFileSync(join(dir, 'history.jsonl'), '{"index":0,"time":1,"process":0,"type":"invoke","f":"send"}\n{"ind');
    const written = await reportCommand([dir], {}, quiet);
    expect(readFileSync(written.html, 'utf8')).toMatch(/no plots: .*history.jsonl:2: not JSON/);
  });
  it('adds up the failover runs of each target: verdicts, faults by kind, acknowledged of sent, what the checks found', async () => {
    const root = join(scratch, 'long-schedule');
    const fault = (kind: string, applied = true) => ({ kind, nodes: [1], applied, from: 1, to: 2 });
    const failoverRun = (seed: number, _target: string, lost: number, faults: unknown[]) => ({
      scenario: 'failover',
      seed,
      valid: lost === 0,
      checks: [
        { checker: 'lost-write', valid: lost === 0, summary: `${lost} lost`, witnesses: [], count: lost },
        { checker: 'duplicate', valid: true, summary: 'none', witnesses: [], count: 0 },
        { checker: 'failover-faults', valid: true, summary: 'applied', witnesses: faults, count: faults.length },
        {
          checker: 'recovery',
          valid: lost === 0,
          summary: lost ? 'a partition was still under-replicated' : 'whole',
          witnesses: [],
          count: lost ? 1 : 0,
        },
      ],
    });
    storeRun(
      join(root, 'ref', 'failover-0'),
      failoverRun(1000, 'reference', 0, [fault('kill-leader'), fault('pause-leader')]),
    );
    storeRun(
      join(root, 'ref', 'failover-1'),
      failoverRun(1001, 'reference', 0, [fault('kill-leader'), fault('isolate-leader', false)]),
    );
    storeRun(join(root, 'ref', 'failover-2'), failoverRun(1003, 'reference', 1, [fault('rolling-restart')]));
    storeRun(
      join(root, 'kafka', 'failover-0'),
      failoverRun(1000, 'kafka@4.4.0', 0, [fault('kill-leader'), fault('pause-leader')]),
      'kafka@4.4.0',
    );
    const out = join(scratch, 'long-out', 'report.html');
    const { model } = await reportCommand([join(root, 'ref'), join(root, 'kafka')], { out }, quiet);
    const ref = model.failover.find((f) => f.target === 'reference')!;
    expect(ref).toMatchObject({
      runs: 3,
      passed: 2,
      failed: 1,
      seeds: [1000, 1001, 1003],
      faults: { 'kill-leader': 2, 'pause-leader': 1, 'rolling-restart': 1 },
      skippedFaults: 1,
      lost: 1,
      notRecovered: 1,
    });
    // each stored history holds one send, acknowledged
    expect([ref.sent, ref.acked]).toEqual([3, 3]);
    expect(ref.failing).toEqual([{ runId: expect.any(String), seed: 1003, checks: ['lost-write', 'recovery'] }]);
    expect(model.failover.find((f) => f.target === 'kafka@4.4.0')).toMatchObject({ runs: 1, passed: 1, failed: 0 });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<section id="failover">');
    expect(html).toContain('1000–1001, 1003');
    expect(html).toContain('4: kill-leader 2, pause-leader 1, rolling-restart 1; 1 skipped');
    expect(html).toMatch(/seed 1003<\/a> \(lost-write, recovery\)/);
  });
});
