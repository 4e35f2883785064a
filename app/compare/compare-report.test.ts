import { describe, expect, it } from 'vitest';
import type { AspectDiff } from './behaviour-diff.ts';
import { buildCompareReport, compareJUnitCases, renderCompareTable, type ComparedRun } from './compare-report.ts';

const aspect = (name: AspectDiff['aspect'], same: boolean, summary: string, details: string[] = []): AspectDiff => ({
  aspect: name,
  same,
  summary,
  details,
});
const run = (target: string, valid: ComparedRun['valid'], failing: string[] = []): ComparedRun => ({
  target,
  runDir: `/runs/x/seed/${target}`,
  valid,
  failing,
  seconds: 1.5,
});

const base = { targets: ['reference', 'kafka@4.4.0'], records: 200, brokers: 1, faults: [] };

describe('compare report', () => {
  it('is the same and passed only when every aspect agrees and every run passed', () => {
    const same = buildCompareReport({
      ...base,
      scenarios: [
        {
          scenario: 'seed',
          seed: 5,
          runs: [run('reference', true), run('kafka@4.4.0', true)],
          aspects: [aspect('offsets', true, '201 acked')],
        },
      ],
    });
    expect(same).toMatchObject({ schema: 'kconform.compare/v1', same: true, passed: true });
    const failed = buildCompareReport({
      ...base,
      scenarios: [
        {
          scenario: 'seed',
          seed: 5,
          runs: [run('reference', true), run('kafka@4.4.0', 'unknown')],
          aspects: [aspect('offsets', false, 'x')],
        },
      ],
    });
    expect(failed).toMatchObject({ same: false, passed: false });
  });

  it('renders a table row per scenario × aspect with the details of a difference under it', () => {
    const report = buildCompareReport({
      ...base,
      scenarios: [
        {
          scenario: 'seed',
          seed: 5,
          runs: [run('reference', true), run('kafka@4.4.0', false, ['lost-write'])],
          aspects: [
            aspect('offsets', true, '201 acked sends'),
            aspect('checks', false, 'lost-write: reference PASS, kafka@4.4.0 FAIL', [
              'lost-write: reference PASS, kafka@4.4.0 FAIL',
            ]),
          ],
        },
      ],
    });
    const lines = renderCompareTable(report).split('\n');
    expect(lines[0]).toMatch(/^scenario\s+seed\s+aspect\s+result\s+detail$/);
    expect(lines[2]).toMatch(/^seed\s+5\s+offsets\s+same\s+201 acked sends$/);
    expect(lines[3]).toMatch(/^seed\s+5\s+checks\s+DIFFERS\s+lost-write: reference PASS/);
    expect(lines[4]).toMatch(/^\s+- lost-write: reference PASS, kafka@4.4.0 FAIL$/);
    expect(lines).toContain('seed (seed 5) on kafka@4.4.0: FAIL (failing: lost-write) — /runs/x/seed/kafka@4.4.0');
  });

  it('gives JUnit one case per scenario × aspect, failing on a difference, and one per target verdict', () => {
    const report = buildCompareReport({
      ...base,
      scenarios: [
        {
          scenario: 'seed',
          seed: 5,
          runs: [run('reference', true), run('kafka@4.4.0', false, ['lost-write'])],
          aspects: [aspect('offsets', true, 'ok'), aspect('errors', false, 'differs', ['a', 'b'])],
        },
      ],
    });
    const cases = compareJUnitCases(report);
    expect(cases.map((c) => [c.suite, c.name, c.failure])).toEqual([
      ['compare seed#seed=5', 'offsets', undefined],
      ['compare seed#seed=5', 'errors', 'differs'],
      ['compare seed#seed=5', 'checks on reference', undefined],
      ['compare seed#seed=5', 'checks on kafka@4.4.0', 'failing: lost-write'],
    ]);
    expect(cases[1]!.details).toBe('a\nb');
  });
});
