import { describe, expect, it } from 'vitest';
import { PartitionProducerState } from './producer-state.ts';

const batch = (baseSequence: number, count = 1, producerEpoch = 0) => ({
  producerId: 7,
  producerEpoch,
  baseSequence,
  count,
});

describe('PartitionProducerState', () => {
  it('accepts in-sequence batches and answers a retried one with its original offsets', () => {
    const s = new PartitionProducerState();
    expect(s.check(batch(0, 3))).toEqual({ kind: 'append' });
    s.record(batch(0, 3), 0, 2, 100);
    expect(s.check(batch(3, 2))).toEqual({ kind: 'append' });
    s.record(batch(3, 2), 3, 4, 101);
    expect(s.check(batch(0, 3))).toEqual({ kind: 'duplicate', baseOffset: 0, lastOffset: 2, logAppendTimeMs: 100 });
  });

  it('refuses a gap and a duplicate older than the five remembered batches', () => {
    const s = new PartitionProducerState();
    for (let i = 0; i < 6; i++) s.record(batch(i), i, i, 0);
    expect(s.check(batch(7))).toMatchObject({ kind: 'error', errorCode: 45 });
    expect(s.check(batch(0))).toMatchObject({ kind: 'error', errorCode: 45 });
    expect(s.check(batch(1))).toMatchObject({ kind: 'duplicate', baseOffset: 1 });
  });

  it('fences an older epoch and requires sequence 0 for a newer one', () => {
    const s = new PartitionProducerState();
    s.record(batch(0, 1, 2), 0, 0, 0);
    expect(s.check(batch(1, 1, 1))).toMatchObject({ kind: 'error', errorCode: 47 });
    expect(s.check(batch(5, 1, 3))).toMatchObject({ kind: 'error', errorCode: 45 });
    expect(s.check(batch(0, 1, 3))).toEqual({ kind: 'append' });
  });

  it('wraps sequences at 2^31 - 1', () => {
    const s = new PartitionProducerState();
    s.record(batch(2 ** 31 - 2, 2), 0, 1, 0);
    expect(s.check(batch(0))).toEqual({ kind: 'append' });
  });

  describe('transaction verification before a transactional append (UnifiedLog.maybeStartTransactionVerification)', () => {
    it('an open transaction skips verification only for a batch at its own epoch', () => {
      const s = new PartitionProducerState();
      expect(s.needsTransactionVerification(7, 0)).toBe(true);
      s.record(batch(0, 1, 0), 0, 0, 0);
      s.recordTransactional(7, 0);
      expect(s.hasOngoingTransaction(7)).toBe(true);
      expect(s.hasOngoingTransaction(7, 0)).toBe(true);
      expect(s.needsTransactionVerification(7, 0)).toBe(false);
      // transaction version 2: EndTxn v5 bumped the epoch; the marker of epoch 0's transaction is
      // not here yet, so epoch 1's first batch is the next transaction and must be added first
      expect(s.hasOngoingTransaction(7, 1)).toBe(false);
      expect(s.needsTransactionVerification(7, 1)).toBe(true);
    });

    it('after the marker the next transaction is verified too, and opens at its own epoch', () => {
      const s = new PartitionProducerState();
      s.record(batch(0, 1, 0), 0, 0, 0);
      s.recordTransactional(7, 0);
      s.recordMarker(7, 1, false, 1);
      expect(s.hasOngoingTransaction(7)).toBe(false);
      expect(s.needsTransactionVerification(7, 1)).toBe(true);
      s.record(batch(0, 1, 1), 2, 2, 0);
      s.recordTransactional(7, 2);
      expect(s.needsTransactionVerification(7, 1)).toBe(false);
      expect(s.abortedTransactions(0, 3)).toEqual([{ producerId: 7, firstOffset: 0 }]);
    });

    it('an epoch older than the one here is not verified: the epoch check fences it', () => {
      const s = new PartitionProducerState();
      s.record(batch(0, 1, 2), 0, 0, 0);
      expect(s.needsTransactionVerification(7, 1)).toBe(false);
      expect(s.check(batch(1, 1, 1))).toMatchObject({ kind: 'error', errorCode: 47 });
    });
  });
});
