import { describe, expect, it } from 'vitest';
import { fitDeleteToLog } from './replay.ts';

describe('fitDeleteToLog', () => {
  it('keeps the plan when the log reaches the planned log start', () => {
    expect(fitDeleteToLog({ deleteBelow: 120, fetchBelow: 7, staleCommit: 99 }, 400)).toEqual({
      deleteBelow: 120,
      fetchBelow: 7,
      staleCommit: 99,
    });
    expect(fitDeleteToLog({ deleteBelow: 400, fetchBelow: 7, staleCommit: 399 }, 400)).toEqual({
      deleteBelow: 400,
      fetchBelow: 7,
      staleCommit: 399,
    });
  });

  it('moves the log start to the end of a shorter log (sends lost under faults), with the Fetch and the stale commit below it', () => {
    // seed 18 under faults: planned below 391, the log ended at 372 (DeleteRecords answered OFFSET_OUT_OF_RANGE)
    const fitted = fitDeleteToLog({ deleteBelow: 391, fetchBelow: 27, staleCommit: 385 }, 372);
    expect(fitted.deleteBelow).toBe(372);
    expect(fitted.fetchBelow).toBe(27);
    expect(fitted.staleCommit).toBe(13);
    expect(fitted.staleCommit).toBeLessThan(fitted.deleteBelow);
  });

  it('leaves an empty log to the plan (nothing to fit to)', () => {
    expect(fitDeleteToLog({ deleteBelow: 5, fetchBelow: 1, staleCommit: 2 }, 0)).toEqual({
      deleteBelow: 5,
      fetchBelow: 1,
      staleCommit: 2,
    });
  });
});
