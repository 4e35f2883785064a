import { describe, expect, it } from 'vitest';
import { formatFailoverSummary, seedRanges, type FailoverSummary } from './failover-summary.ts';

describe('seedRanges', () => {
  it('writes consecutive seeds as ranges', () => {
    expect(seedRanges([1000, 1001, 1002, 1005, 1007, 1008])).toBe('1000–1002, 1005, 1007–1008');
    expect(seedRanges([7])).toBe('7');
    expect(seedRanges([])).toBe('');
  });
});

describe('formatFailoverSummary', () => {
  const base: FailoverSummary = {
    target: 'reference',
    runs: 3,
    passed: 2,
    failed: 1,
    undecided: 0,
    seeds: [1, 2, 3],
    faults: { 'kill-leader': 2, 'pause-leader': 1 },
    skippedFaults: 1,
    sent: 1200,
    acked: 1190,
    withoutHistory: 0,
    lost: 4,
    duplicated: 0,
    inconsistentOffsets: 0,
    notRecovered: 1,
    failing: [{ runId: 'run-3', seed: 3, checks: ['lost-write', 'recovery'] }],
  };

  it('says how many runs passed, what was struck, what was acknowledged and what the checks found, naming each run that did not pass', () => {
    expect(formatFailoverSummary(base).split('\n')).toEqual([
      'failover on reference: 3 runs (seeds 1–3): 2 PASS, 1 FAIL',
      '  faults applied: 3 (kill-leader 2, pause-leader 1); 1 skipped',
      '  records acknowledged: 1,190 of 1,200 sent',
      '  acknowledged writes lost: 4; duplicated: 0; inconsistent offsets: 0; not whole after the heal: 1 run(s)',
      '  did not pass: seed 3 (lost-write, recovery)',
    ]);
  });
});
