import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import { buildMarkerBatch, markerIsCommit } from './control-batch.ts';
import {
  addPartitionsTransit,
  completed,
  endTxnTransit,
  EXHAUSTED_EPOCH,
  initTransit,
  isTimedOut,
  newTxnMetadata,
  type TxnMetadata,
} from './txn-metadata.ts';

const tp = (partition: number) => ({ topic: 't', partition });

function bumped(m: TxnMetadata, expected: { producerId: number; producerEpoch: number } | null = null): TxnMetadata {
  const t = initTransit(m, 60_000, expected, 1);
  if (t.kind !== 'bump') throw new Error(`expected a bump, got ${JSON.stringify(t)}`);
  return t.next;
}

function ongoing(m: TxnMetadata): TxnMetadata {
  const t = addPartitionsTransit(m, m.producerId, m.producerEpoch, [tp(0)], 5);
  if (t.kind !== 'add') throw new Error('expected add');
  return t.next;
}

describe('transaction metadata transitions (Kafka TransactionCoordinator, transaction version 1)', () => {
  it('starts at epoch 0 and bumps the epoch on every InitProducerId', () => {
    const m0 = newTxnMetadata('x', 7, 60_000, 0);
    const m1 = bumped(m0);
    expect([m1.producerId, m1.producerEpoch, m1.state]).toEqual([7, 0, 'Empty']);
    expect(bumped(m1).producerEpoch).toBe(1);
  });

  it('fences an open transaction: abort at epoch + 1 first (the caller answers CONCURRENT_TRANSACTIONS)', () => {
    const m = ongoing(bumped(newTxnMetadata('x', 7, 60_000, 0)));
    expect(initTransit(m, 60_000, null, 9)).toEqual({ kind: 'fence', fencedEpoch: 1 });
    const end = endTxnTransit(m, 7, 1, false, false, 9);
    expect(end.kind === 'prepare' && [end.next.state, end.next.producerEpoch, end.next.lastProducerEpoch]).toEqual([
      'PrepareAbort',
      1,
      -1,
    ]);
    // while it prepares, a new InitProducerId must wait
    if (end.kind === 'prepare')
      expect(initTransit(end.next, 60_000, null, 9)).toEqual({
        kind: 'error',
        errorCode: ErrorCode.CONCURRENT_TRANSACTIONS,
      });
    // the fenced producer's EndTxn at its old epoch is PRODUCER_FENCED
    if (end.kind === 'prepare')
      expect(endTxnTransit(completed(end.next, 10), 7, 0, true, true, 10)).toEqual({
        kind: 'error',
        errorCode: ErrorCode.PRODUCER_FENCED,
      });
  });

  it('answers AddPartitions as Kafka: wrong id, fenced epoch, concurrent end, already added', () => {
    const m = bumped(newTxnMetadata('x', 7, 60_000, 0));
    expect(addPartitionsTransit(m, 8, 0, [tp(0)], 1)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    });
    expect(addPartitionsTransit(m, 7, 1, [tp(0)], 1)).toEqual({ kind: 'error', errorCode: ErrorCode.PRODUCER_FENCED });
    const o = ongoing(m);
    expect(o.txnStartTimestamp).toBe(5);
    expect(addPartitionsTransit(o, 7, 0, [tp(0)], 6)).toEqual({ kind: 'error', errorCode: ErrorCode.NONE });
    const more = addPartitionsTransit(o, 7, 0, [tp(1)], 6);
    expect(more.kind === 'add' && more.next.partitions).toEqual([tp(0), tp(1)]);
    const prep = endTxnTransit(o, 7, 0, true, true, 7);
    if (prep.kind !== 'prepare') throw new Error('expected prepare');
    expect(addPartitionsTransit(prep.next, 7, 0, [tp(1)], 8)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.CONCURRENT_TRANSACTIONS,
    });
  });

  it('answers EndTxn as Kafka: retry of a completed end is NONE, the opposite end INVALID_TXN_STATE, Empty INVALID_TXN_STATE', () => {
    const m = bumped(newTxnMetadata('x', 7, 60_000, 0));
    expect(endTxnTransit(m, 7, 0, true, true, 1)).toEqual({ kind: 'error', errorCode: ErrorCode.INVALID_TXN_STATE });
    const prep = endTxnTransit(ongoing(m), 7, 0, true, true, 2);
    if (prep.kind !== 'prepare') throw new Error('expected prepare');
    expect(endTxnTransit(prep.next, 7, 0, true, true, 3)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.CONCURRENT_TRANSACTIONS,
    });
    expect(endTxnTransit(prep.next, 7, 0, false, true, 3)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.INVALID_TXN_STATE,
    });
    const done = completed(prep.next, 4);
    expect([done.state, done.partitions]).toEqual(['CompleteCommit', []]);
    expect(endTxnTransit(done, 7, 0, true, true, 5)).toMatchObject({ kind: 'error', errorCode: ErrorCode.NONE });
    expect(endTxnTransit(done, 7, 0, false, true, 5)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.INVALID_TXN_STATE,
    });
  });

  it('handles KIP-360 InitProducerId with the current id and epoch, a retry, and a fenced epoch', () => {
    const m1 = bumped(bumped(newTxnMetadata('x', 7, 60_000, 0))); // epoch 1
    const m2 = bumped(m1, { producerId: 7, producerEpoch: 1 });
    expect([m2.producerEpoch, m2.lastProducerEpoch]).toEqual([2, 1]);
    // a retry of that call (the producer never got the answer) gets the same epoch
    expect(bumped(m2, { producerId: 7, producerEpoch: 1 }).producerEpoch).toBe(2);
    expect(initTransit(m2, 60_000, { producerId: 7, producerEpoch: 0 }, 1)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.PRODUCER_FENCED,
    });
    expect(initTransit(m2, 60_000, { producerId: 99, producerEpoch: 2 }, 1)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.PRODUCER_FENCED,
    });
    expect(initTransit({ ...m2, producerEpoch: EXHAUSTED_EPOCH }, 60_000, null, 1)).toEqual({ kind: 'rotate' });
  });

  it('times out only Ongoing transactions older than their timeout', () => {
    const o = { ...ongoing(bumped(newTxnMetadata('x', 7, 100, 0))), txnTimeoutMs: 100 }; // started at 5
    expect(isTimedOut(o, 105)).toBe(false);
    expect(isTimedOut(o, 106)).toBe(true);
    expect(isTimedOut(bumped(newTxnMetadata('x', 7, 100, 0)), 10_000)).toBe(false);
  });
});

describe('transaction markers', () => {
  it('are control batches with the ControlRecordType key and the coordinator epoch', () => {
    for (const commit of [true, false]) {
      const buf = buildMarkerBatch(42, 3, commit, 5, 1000);
      const [b] = decodeRecordBatches(buf);
      expect(b!.attributes & 0x30).toBe(0x30);
      expect([b!.producerId, b!.producerEpoch, b!.baseSequence]).toEqual([42, 3, -1]);
      expect([...b!.records[0]!.key!]).toEqual([0, 0, 0, commit ? 1 : 0]);
      expect([...b!.records[0]!.value!]).toEqual([0, 0, 0, 0, 0, 5]);
      expect(markerIsCommit(buf, 0, buf.length)).toBe(commit);
    }
  });
});
