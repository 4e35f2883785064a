import { describe, expect, it } from 'vitest';
import { FollowerProgress } from './follower-progress.ts';

describe('FollowerProgress (the leader-side view of its followers)', () => {
  it('holds the high watermark until every in-sync follower has fetched past it', () => {
    const p = new FollowerProgress(1, [1, 2, 3], 0);
    expect(p.isrLogEndOffset([1, 2, 3], 10)).toBe(-1);
    p.recordFetch(2, 10, 10, 5);
    expect(p.isrLogEndOffset([1, 2, 3], 10)).toBe(-1);
    p.recordFetch(3, 7, 10, 5);
    expect(p.isrLogEndOffset([1, 2, 3], 10)).toBe(7);
    // a follower out of the ISR does not hold it back
    expect(p.isrLogEndOffset([1, 2], 10)).toBe(10);
  });

  it('counts a follower as caught up when it fetched from the log end, or reached what the leader had at its previous fetch', () => {
    const p = new FollowerProgress(1, [1, 2], 0);
    p.recordFetch(2, 5, 10, 1_000); // behind: not caught up at 1000
    expect(p.laggingReplicas([1, 2], 1_000 + 30_001, 30_000)).toEqual([2]);
    p.recordFetch(2, 10, 12, 2_000); // reached the leader's end of its previous fetch: caught up as of 1000
    expect(p.follower(2)!.lastCaughtUpMs).toBe(1_000);
    p.recordFetch(2, 12, 12, 3_000); // at the log end: caught up now
    expect(p.follower(2)!.lastCaughtUpMs).toBe(3_000);
    expect(p.laggingReplicas([1, 2], 3_000 + 30_000, 30_000)).toEqual([]);
    expect(p.laggingReplicas([1, 2], 3_000 + 30_001, 30_000)).toEqual([2]);
  });

  it('lets a follower back into the ISR only once it has the high watermark and the current epoch start', () => {
    const p = new FollowerProgress(1, [1, 2, 3], 0);
    p.recordFetch(3, 8, 20, 1);
    expect(p.caughtUpReplicas([1, 2], 10, 5)).toEqual([]);
    p.recordFetch(3, 10, 20, 2);
    expect(p.caughtUpReplicas([1, 2], 10, 12)).toEqual([]);
    p.recordFetch(3, 12, 20, 3);
    expect(p.caughtUpReplicas([1, 2], 10, 12)).toEqual([3]);
    expect(p.caughtUpReplicas([1, 2, 3], 10, 12)).toEqual([]);
  });

  it('ignores fetches from nodes that are not replicas', () => {
    const p = new FollowerProgress(1, [1, 2], 0);
    p.recordFetch(9, 100, 100, 1);
    expect(p.follower(9)).toBeUndefined();
  });
});
