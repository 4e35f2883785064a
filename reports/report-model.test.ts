import { describe, expect, it } from 'vitest';
import { reportTitle } from './report-model.ts';

const run = (scenario: string, target = 'reference') => ({ scenario, target });

describe('reportTitle', () => {
  it('counts runs (commands) and scenarios, not scenario runs as runs', () => {
    const eight = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s) => run(s));
    expect(reportTitle(eight, 1)).toBe('kconform report: 1 run of 8 scenarios');
    expect(reportTitle([run('seed'), run('seed')], 2)).toBe('kconform report: 2 runs of 1 scenario (2 scenario runs)');
    expect(reportTitle([run('seed'), run('seed', 'kafka@4.4.0')], 1)).toBe(
      'kconform report: 1 run of 1 scenario on 2 targets (2 scenario runs)',
    );
    expect(reportTitle([run('seed')], 1)).toBe('kconform report: seed on reference');
  });
});
