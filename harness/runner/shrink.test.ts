import { describe, expect, it } from 'vitest';
import type { ScenarioRun } from './run-scenario.ts';
import { shrinkFailure } from './shrink.ts';

const run = (records: number, failsFrom: number): ScenarioRun => ({
  scenario: 's',
  target: 'reference',
  seed: 1,
  runDir: '',
  valid: records >= failsFrom ? false : true,
  checks: [{ checker: 'lost-write', valid: records >= failsFrom ? false : true, summary: '', witnesses: [] }],
  seconds: 0,
  ops: records * 4,
});

describe('shrinkFailure', () => {
  it('walks a failing size down to the smallest that still fails the same way', async () => {
    const r = await shrinkFailure(run(300, 17), 300, async (n) => run(n, 17));
    expect(r.records).toBe(17);
    expect(r.attempts).toBeGreaterThan(1);
    expect(r.attempts).toBeLessThanOrEqual(41);
  });

  it('does not count a different failure as the same one', async () => {
    const other = (n: number): ScenarioRun => ({ ...run(n, 0), checks: [{ checker: n < 100 ? 'duplicate' : 'lost-write', valid: false, summary: '', witnesses: [] }] });
    const r = await shrinkFailure(other(300), 300, async (n) => other(n));
    expect(r.records).toBeGreaterThanOrEqual(100);
  });
});
