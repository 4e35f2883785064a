import { describe, expect, it } from 'vitest';
import { BugSwitch } from './known-bugs.ts';
import {
  acceptsFencedEpoch,
  commitsTxnOffsetsEarly,
  dropsCommitMarker,
  markerOutcomes,
  readCommittedEnd,
  servedAbortedTransactions,
} from './txn-bugs.ts';

const off = new BugSwitch([]);

describe('transactional bug switches', () => {
  it('expose-aborted drops the aborted transactions of a read_committed answer', () => {
    const aborted = [{ producerId: 1, firstOffset: 3 }];
    expect(servedAbortedTransactions(off, aborted)).toEqual(aborted);
    expect(servedAbortedTransactions(new BugSwitch(['expose-aborted']), aborted)).toEqual([]);
  });

  it('lso-ahead serves the high watermark as the last stable offset', () => {
    expect(readCommittedEnd(off, 4, 10)).toBe(4);
    expect(readCommittedEnd(new BugSwitch(['lso-ahead']), 4, 10)).toBe(10);
  });

  it('no-fence accepts an epoch older than the known one only', () => {
    const on = new BugSwitch(['no-fence']);
    expect(acceptsFencedEpoch(off, 2, 1)).toBe(false);
    expect(acceptsFencedEpoch(on, 2, 2)).toBe(false);
    expect(acceptsFencedEpoch(on, undefined, 0)).toBe(false);
    expect(acceptsFencedEpoch(on, 2, 1)).toBe(true);
  });

  it('drop-marker drops every second commit marker, never an abort marker', () => {
    const on = new BugSwitch(['drop-marker']);
    expect(dropsCommitMarker(on, false)).toBe(false);
    expect([dropsCommitMarker(on, true), dropsCommitMarker(on, true)]).toEqual([false, true]);
    expect(dropsCommitMarker(off, true)).toBe(false);
  });

  it('commit-partial aborts all but the first partition of every second commit of several partitions', () => {
    const on = new BugSwitch(['commit-partial']);
    expect(markerOutcomes(on, true, 1)).toEqual([true]);
    expect(markerOutcomes(on, false, 3)).toEqual([false, false, false]);
    expect(markerOutcomes(on, true, 3)).toEqual([true, true, true]);
    expect(markerOutcomes(on, true, 3)).toEqual([true, false, false]);
    expect(markerOutcomes(off, true, 2)).toEqual([true, true]);
  });

  it('txn-offsets-early applies transactional offsets at once, only when switched on', () => {
    expect(commitsTxnOffsetsEarly(off)).toBe(false);
    expect(commitsTxnOffsetsEarly(new BugSwitch(['txn-offsets-early']))).toBe(true);
  });
});
