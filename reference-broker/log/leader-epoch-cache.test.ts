import { describe, expect, it } from 'vitest';
import { LeaderEpochCache } from './leader-epoch-cache.ts';

describe('LeaderEpochCache (Kafka LeaderEpochFileCache rules)', () => {
  it('adds an entry per new epoch and ignores the same epoch at a later offset', () => {
    const c = new LeaderEpochCache();
    expect(c.latestEpoch()).toBe(-1);
    expect(c.assign(0, 0)).toBe(true);
    expect(c.assign(0, 5)).toBe(false);
    expect(c.assign(2, 10)).toBe(true);
    expect(c.entries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
    ]);
    expect(c.latestEpoch()).toBe(2);
  });

  it('drops trailing entries that are not older in both epoch and offset', () => {
    const c = new LeaderEpochCache([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 5, startOffset: 20 },
    ]);
    expect(c.assign(4, 15)).toBe(true);
    expect(c.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 15 },
    ]);
    // Same epoch at an earlier offset moves it back.
    expect(c.assign(4, 12)).toBe(true);
    expect(c.entries().at(-1)).toEqual({ epoch: 4, startOffset: 12 });
    // A higher epoch at an offset not past the last entry replaces it.
    expect(c.assign(6, 12)).toBe(true);
    expect(c.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 6, startOffset: 12 },
    ]);
    expect(() => c.assign(-1, 0)).toThrow(RangeError);
  });

  it('truncates from the end at an offset', () => {
    const c = new LeaderEpochCache([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
    ]);
    expect(c.truncateFromEnd(11)).toBe(false);
    expect(c.truncateFromEnd(10)).toBe(true);
    expect(c.entries()).toEqual([{ epoch: 1, startOffset: 0 }]);
  });

  it('truncates from the start, keeping the epoch of the new first offset', () => {
    const c = new LeaderEpochCache([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
      { epoch: 3, startOffset: 20 },
    ]);
    expect(c.truncateFromStart(15)).toBe(true);
    expect(c.entries()).toEqual([
      { epoch: 2, startOffset: 15 },
      { epoch: 3, startOffset: 20 },
    ]);
    expect(c.truncateFromStart(15)).toBe(false);
    expect(c.truncateFromStart(5)).toBe(false);
    expect(c.truncateFromStart(20)).toBe(true);
    expect(c.entries()).toEqual([{ epoch: 3, startOffset: 20 }]);
    expect(c.clear()).toBe(true);
    expect(c.clear()).toBe(false);
  });
});
