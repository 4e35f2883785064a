import { describe, expect, it } from 'vitest';
import type { ConformReport, ConformRow } from '../conform/conform-report.ts';
import type { ScenarioRun } from '../runner/run-scenario.ts';
import { adminRows, apiArea, clientRows, conformRows, scenarioRow, versionRuns } from './card-rows.ts';

const run = (over: Partial<ScenarioRun>): ScenarioRun => ({
  scenario: 'seed',
  target: 'reference',
  seed: 7,
  runDir: '/x',
  valid: true,
  checks: [{ checker: 'lost-write', valid: true, summary: 'none lost', witnesses: [] }],
  seconds: 1,
  ops: 10,
  ...over,
});

describe('scenario rows', () => {
  it('puts a plain run in its area and a run under faults in durability, with distinct ids', () => {
    expect(
      scenarioRow({ run: run({ scenario: 'consumer-groups' }), evidence: 'scenarios/cg', faults: [] }),
    ).toMatchObject({
      id: 'scenario/consumer-groups',
      area: 'groups',
      status: 'pass',
      evidence: ['scenarios/cg'],
    });
    expect(scenarioRow({ run: run({}), evidence: 'e', faults: ['kill', 'pause'] })).toMatchObject({
      id: 'scenario/seed+kill,pause',
      area: 'durability',
      name: 'seed under kill, pause',
    });
  });
  it('fails with the failing checkers; an unsupported need is not supported, never a pass', () => {
    const bad = run({
      valid: false,
      checks: [{ checker: 'lost-write', valid: false, summary: '3 lost', witnesses: [] }],
    });
    expect(scenarioRow({ run: bad, evidence: 'e', faults: [] })).toMatchObject({
      status: 'fail',
      detail: 'lost-write: 3 lost',
    });
    const unsupported = run({
      scenario: 'txn-atomicity',
      valid: 'unknown',
      checks: [
        {
          checker: 'txn',
          valid: 'unknown',
          summary: 'txn-atomicity: not supported by this target yet: transactions',
          witnesses: [],
        },
      ],
    });
    expect(scenarioRow({ run: unsupported, evidence: 'e', faults: [] })).toMatchObject({
      status: 'not-supported',
      area: 'transactions',
    });
  });
});

const cell = (apiKey: number, apiName: string, version: number, over: Partial<ConformRow> = {}): ConformRow => ({
  apiKey,
  apiName,
  version,
  verdict: 'same',
  cases: 2,
  differing: 0,
  ...over,
});
const report = (rows: ConformRow[]): ConformReport => ({
  against: 'kafka@4.4.0',
  target: 'reference',
  seed: 1,
  casesPerVersion: 1,
  startedAt: '2026-12-07T00:00:00Z',
  seconds: 1,
  summary: { same: 0, differs: 0, differsKnown: 0, unsupported: 0, cases: 0 },
  rows,
});

describe('conform rows', () => {
  it('one row per API: same (known differences included) passes, an unexplained difference differs, an API only Kafka serves is not supported', () => {
    const rows = conformRows(
      report([
        cell(0, 'Produce', 3),
        cell(0, 'Produce', 4, { verdict: 'differs', knownOnly: true, known: ['timestamps'] }),
        cell(0, 'Produce', 2, { verdict: 'unsupported', unsupportedBy: 'target', cases: 0 }),
        cell(1, 'Fetch', 4, {
          verdict: 'differs',
          differing: 1,
          diff: [{ case: 'empty', path: 'errorCode', target: 3, against: 0 }],
        }),
        cell(29, 'DescribeAcls', 0, { verdict: 'unsupported', unsupportedBy: 'target', cases: 0 }),
        cell(29, 'DescribeAcls', 1, { verdict: 'unsupported', unsupportedBy: 'target', cases: 0 }),
        cell(4, 'LeaderAndIsr', 0, { verdict: 'unsupported', unsupportedBy: 'both', cases: 0 }),
      ]),
      'conform/conform.json',
    );
    expect(rows.map((r) => [r.id, r.status, r.area])).toEqual([
      ['conform/Produce', 'pass', 'produce-fetch-offsets'],
      ['conform/Fetch', 'differs', 'produce-fetch-offsets'],
      ['conform/DescribeAcls', 'not-supported', 'admin'],
    ]);
    expect(rows[0]!.detail).toBe('same in v3-4 (4 cases); known: timestamps; not served: v2');
    expect(rows[1]!.detail).toContain('empty: errorCode 3 vs Kafka 0');
    expect(rows[2]!.evidence).toEqual(['conform/conform.json#DescribeAcls']);
  });
  it('maps APIs to areas and versions to runs', () => {
    expect(
      ['JoinGroup', 'OffsetCommit', 'EndTxn', 'InitProducerId', 'CreateTopics', 'ListOffsets'].map(apiArea),
    ).toEqual(['groups', 'groups', 'transactions', 'transactions', 'admin', 'produce-fetch-offsets']);
    expect(versionRuns([5, 0, 1, 2, 7, 8])).toBe('v0-2 v5 v7-8');
  });
});

describe('client and admin rows', () => {
  it('works passes, fails fails, a limitation or a missing client does not count', () => {
    const rows = clientRows(
      {
        target: 'reference',
        clients: [{ id: 'kafkajs', label: 'kafkajs 2.2.4' }],
        features: ['gzip', 'zstd', 'seek', 'group'],
        cells: [
          { client: 'kafkajs', feature: 'gzip', status: 'works', detail: 'ok', ms: 1 },
          { client: 'kafkajs', feature: 'zstd', status: 'fails', detail: 'lost', ms: 1 },
          { client: 'kafkajs', feature: 'seek', status: 'limitation', detail: 'no seek', ms: 1 },
          { client: 'kafkajs', feature: 'group', status: 'unavailable', detail: 'no python', ms: 1 },
        ],
      },
      'clients/matrix.json',
    );
    expect(rows.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['clients/kafkajs/gzip', 'pass', undefined],
      ['clients/kafkajs/zstd', 'fail', undefined],
      ['clients/kafkajs/seek', 'not-run', 'client limitation: no seek'],
      ['clients/kafkajs/group', 'not-run', 'client not available: no python'],
    ]);
  });
  it('an admin step passes when it prints what it prints on Kafka, and names the first line that differs', () => {
    const rows = adminRows([
      {
        name: 'describeTopic',
        command: 'kafka-topics --describe',
        target: 'exit 0\nA\nB',
        against: 'exit 0\nA\nB',
        evidence: ['a', 'b'],
      },
      {
        name: 'describeConfigs',
        command: 'kafka-configs --describe',
        target: 'exit 1\nnope',
        against: 'exit 0\nx=1\ny=2',
        evidence: [],
      },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['pass', 'differs']);
    expect(rows[1]!.detail).toBe('line 1: "exit 1" vs Kafka "exit 0"');
  });
});
