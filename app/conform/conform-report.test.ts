import { describe, expect, it } from 'vitest';
import { encodeRequest } from '../../protocol/messages/frames.ts';
import { REQUESTS } from '../../protocol/messages/generated/index.ts';
import { BrokerSide } from './broker-side.ts';
import {
  conformJUnitCases,
  hasUnexplainedDifference,
  renderConformTable,
  summarize,
  type ConformReport,
  type ConformRow,
} from './conform-report.ts';
import { edgeCases } from './edge-cases/index.ts';
import { generatedCases } from './generated-cases.ts';
import { knownDifference } from './known-differences.ts';
import { highestCommonVersion, matrixCells, runOrder } from './run-conform.ts';
import { makeWorld } from './world.ts';

function report(rows: ConformRow[]): ConformReport {
  return {
    against: 'kafka@4.4.0',
    target: 'reference',
    seed: 1,
    casesPerVersion: 2,
    startedAt: '',
    seconds: 1,
    summary: summarize(rows),
    rows,
  };
}

describe('matrixCells', () => {
  it('compares versions both serve and says which side lacks the others', () => {
    const target = new Map([
      [0, [3, 13] as const],
      [22, [0, 6] as const],
    ]);
    const against = new Map([
      [0, [0, 13] as const],
      [22, [0, 5] as const],
      [17, [0, 1] as const],
    ]);
    const cells = matrixCells(target, against);
    expect(cells.filter((c) => c.apiKey === 0 && c.unsupportedBy === 'target').map((c) => c.version)).toEqual([
      0, 1, 2,
    ]);
    expect(cells.filter((c) => c.apiKey === 0 && !c.unsupportedBy)).toHaveLength(11);
    expect(cells.find((c) => c.apiKey === 22 && c.version === 6)!.unsupportedBy).toBe('against');
    expect(cells.filter((c) => c.apiKey === 17).every((c) => c.unsupportedBy === 'target')).toBe(true);
    expect(matrixCells(target, against, new Set([22])).every((c) => c.apiKey === 22)).toBe(true);
    expect(highestCommonVersion(target, against, 22)).toBe(5);
    expect(highestCommonVersion(target, against, 17)).toBeUndefined();
  });

  it('runs destructive APIs last', () => {
    expect(runOrder([42, 0, 21, 3, 20, 60])).toEqual([0, 3, 60, 21, 20, 42]);
  });
});

describe('known differences', () => {
  it('explain only the case, version and path they name', () => {
    expect(knownDifference(1, 16, 'new fetch session (epoch 0)', 'sessionId')).toBeDefined();
    expect(
      knownDifference(1, 16, 'new fetch session (epoch 0)', 'responses[0].partitions[0].errorCode'),
    ).toBeUndefined();
    expect(knownDifference(1, 6, 'unknown topic', 'responses[0].partitions[0].abortedTransactions')).toBeUndefined();
    expect(knownDifference(0, 9, 'null records', 'responses[0].partitionResponses[0].errorCode')).toBeDefined();
    expect(knownDifference(0, 9, 'generated #3', '')).toBeDefined();
    expect(knownDifference(0, 9, 'generated #3', 'responses[0].partitionResponses[0].errorCode')).toBeUndefined();
  });
});

describe('the report', () => {
  const rows: ConformRow[] = [
    {
      apiKey: 0,
      apiName: 'Produce',
      version: 2,
      verdict: 'unsupported',
      cases: 0,
      differing: 0,
      unsupportedBy: 'target',
    },
    { apiKey: 0, apiName: 'Produce', version: 3, verdict: 'same', cases: 10, differing: 0 },
    { apiKey: 0, apiName: 'Produce', version: 4, verdict: 'same', cases: 10, differing: 0 },
    {
      apiKey: 1,
      apiName: 'Fetch',
      version: 16,
      verdict: 'differs',
      cases: 10,
      differing: 1,
      knownOnly: true,
      known: ['aborted transactions'],
      diff: [{ case: 'unknown topic id', path: 'x', target: null, against: [], known: 'aborted transactions' }],
    },
  ];

  it('passes when every difference is known, and fails on one that is not', () => {
    expect(hasUnexplainedDifference(report(rows))).toBe(false);
    const bad = [
      ...rows,
      {
        apiKey: 2,
        apiName: 'ListOffsets',
        version: 1,
        verdict: 'differs' as const,
        cases: 3,
        differing: 1,
        diff: [{ case: 'latest', path: 'topics[0].partitions[0].offset', target: '4', against: '5' }],
      },
    ];
    expect(hasUnexplainedDifference(report(bad))).toBe(true);
    const table = renderConformTable(report(bad));
    expect(table).toMatch(/Produce \(0\)\s+v3-4\s+20\s+same/);
    expect(table).toMatch(/Fetch \(1\)\s+v16\s+10\s+differs \(known: aborted transactions\)/);
    expect(table).toMatch(/latest: topics\[0\]\.partitions\[0\]\.offset: 4 \(reference\) vs 5 \(kafka@4\.4\.0\)/);
    expect(table).toMatch(/2 same, 1 differ, 1 differ only in known ways, 1 unsupported/);
    const junit = conformJUnitCases(report(bad));
    expect(junit).toHaveLength(5);
    expect(junit.find((c) => c.name === 'Produce v2')!.skipped).toMatch(/target/);
    expect(junit.find((c) => c.name === 'ListOffsets v1')!.failure).toBe('1 of 3 cases differ');
    expect(junit.find((c) => c.name === 'Fetch v16')!.failure).toBeUndefined();
  });
});

describe('cases', () => {
  const world = makeWorld();
  const side = new BrokerSide('target', '127.0.0.1:1', { ownTopic: () => true, ownGroup: () => true });

  it('generated requests are repeatable from the seed, steered to the pools, and encodable at their version', () => {
    for (const [apiKey, version] of [
      [0, 9],
      [1, 12],
      [1, 17],
      [3, 12],
      [8, 9],
      [9, 8],
      [11, 9],
      [19, 7],
      [20, 6],
      [60, 1],
    ] as const) {
      const a = generatedCases({ apiKey, version, count: 8, seed: 3, world });
      const b = generatedCases({ apiKey, version, count: 8, seed: 3, world });
      expect(a).toEqual(b);
      for (const c of a) {
        const body = side.resolve(c.steps[0]!.body);
        expect(
          () => encodeRequest({ apiKey, apiVersion: version, correlationId: 1, clientId: 'x' }, body),
          `${apiKey} v${version} ${c.name}`,
        ).not.toThrow();
      }
    }
    const fetches = generatedCases({ apiKey: 1, version: 12, count: 20, seed: 5, world });
    for (const c of fetches) {
      const body = c.steps[0]!.body as { maxWaitMs: number; sessionId: number; topics: { topic: string }[] };
      expect(body.maxWaitMs).toBeLessThanOrEqual(100);
      expect(body.sessionId).toBe(0);
      for (const t of body.topics) expect(world.topicPool).toContain(t.topic);
    }
  });

  it('hand-written cases exist for every API the reference broker serves, and encode', () => {
    const common = (k: number) => REQUESTS.get(k)?.validVersions[1];
    for (const apiKey of [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 42, 60]) {
      const version =
        apiKey === 0
          ? 9
          : apiKey === 1
            ? 12
            : apiKey === 23
              ? 4
              : apiKey === 42 || apiKey === 60 || apiKey === 21
                ? 2
                : 4;
      const cases = edgeCases(apiKey, { world, version, common });
      expect(cases.length, `API ${apiKey}`).toBeGreaterThan(0);
      for (const c of cases) {
        for (const step of c.steps) {
          if (step.raw || typeof step.body === 'function') continue;
          expect(
            () =>
              encodeRequest(
                { apiKey: step.apiKey, apiVersion: step.version, correlationId: 1, clientId: 'x' },
                side.resolve(step.body),
              ),
            `${c.name}`,
          ).not.toThrow();
        }
      }
    }
  });
});
