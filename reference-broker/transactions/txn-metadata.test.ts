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
  isExpired,
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

  it('expires only ids without a transaction open, not updated for transactional.id.expiration.ms', () => {
    const at = (state: TxnMetadata['state']) => ({
      ...newTxnMetadata('x', 7, 100, 0),
      state,
      txnLastUpdateTimestamp: 50,
    });
    for (const state of ['Empty', 'CompleteCommit', 'CompleteAbort'] as const) {
      expect(isExpired(at(state), 1049, 1000)).toBe(false);
      expect(isExpired(at(state), 1050, 1000)).toBe(true);
    }
    for (const state of ['Ongoing', 'PrepareCommit', 'PrepareAbort', 'Dead'] as const)
      expect(isExpired(at(state), 1_000_000, 1000)).toBe(false);
  });
});

describe('transaction version 2 transitions (KIP-890 part 2: an epoch bump on every EndTxn)', () => {
  /** An Ongoing transaction whose partition was added by a Produce v12 (version 2). */
  function ongoingV2(m: TxnMetadata): TxnMetadata {
    const t = addPartitionsTransit(m, m.producerId, m.producerEpoch, [tp(0)], 5, 2);
    if (t.kind !== 'add') throw new Error('expected add');
    return t.next;
  }
  function ended(m: TxnMetadata, epoch: number, commit: boolean, tv = 2): TxnMetadata {
    const t = endTxnTransit(m, m.producerId, epoch, commit, true, 9, tv);
    if (t.kind !== 'prepare') throw new Error(`expected prepare, got ${JSON.stringify(t)}`);
    return t.next;
  }

  it('bumps the epoch at Prepare: the markers and the next transaction carry epoch + 1', () => {
    const m = ongoingV2(bumped(newTxnMetadata('x', 7, 60_000, 0)));
    const p = ended(m, 0, true);
    expect([p.state, p.producerEpoch, p.lastProducerEpoch, p.clientTransactionVersion]).toEqual([
      'PrepareCommit',
      1,
      0,
      2,
    ]);
    const c = completed(p, 10);
    expect([c.state, c.producerId, c.producerEpoch]).toEqual(['CompleteCommit', 7, 1]);
  });

  it('keeps the epoch for an EndTxn of version 1 (v0-4)', () => {
    const m = ongoing(bumped(newTxnMetadata('x', 7, 60_000, 0)));
    expect(ended(m, 0, true, 0).producerEpoch).toBe(0);
  });

  it('answers a retry of the end (old epoch, same outcome) and refuses the old epoch once the next transaction runs', () => {
    const c = completed(ended(ongoingV2(bumped(newTxnMetadata('x', 7, 60_000, 0))), 0, true), 10);
    expect(endTxnTransit(c, 7, 0, true, true, 11, 2)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.NONE,
      answerCurrent: true,
    });
    expect(endTxnTransit(c, 7, 0, false, true, 11, 2)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.INVALID_TXN_STATE,
    });
    // the same epoch as the completed one is the next end, not a retry: nothing is open
    expect(endTxnTransit(c, 7, 1, true, true, 11, 2)).toEqual({ kind: 'error', errorCode: ErrorCode.PRODUCER_FENCED });
    // KAFKA-17754: a late EndTxn of epoch 0 while the next transaction (epoch 1) is open
    const next = ongoingV2(c);
    for (const commit of [true, false])
      for (const tv of [0, 2])
        expect(endTxnTransit(next, 7, 0, commit, true, 12, tv)).toEqual({
          kind: 'error',
          errorCode: ErrorCode.PRODUCER_FENCED,
        });
    // under version 1 the same late EndTxn (same epoch) ends the next transaction
    const v1 = ongoing(completed(ended(ongoing(bumped(newTxnMetadata('y', 8, 60_000, 0))), 0, true, 0), 10));
    expect(endTxnTransit(v1, 8, 0, true, true, 12, 0).kind).toBe('prepare');
  });

  it('while the markers are written, a retry is CONCURRENT_TRANSACTIONS', () => {
    const p = ended(ongoingV2(bumped(newTxnMetadata('x', 7, 60_000, 0))), 0, false);
    expect(endTxnTransit(p, 7, 0, false, true, 11, 2)).toEqual({
      kind: 'error',
      errorCode: ErrorCode.CONCURRENT_TRANSACTIONS,
    });
  });

  it('moves to a new producer id at completion when the epoch is exhausted', () => {
    const m = { ...ongoingV2(bumped(newTxnMetadata('x', 7, 60_000, 0))), producerEpoch: EXHAUSTED_EPOCH };
    const t = endTxnTransit(m, 7, EXHAUSTED_EPOCH, true, true, 9, 2);
    expect(t.kind === 'prepare' && t.newProducerId).toBe(true);
    if (t.kind !== 'prepare') return;
    const c = completed({ ...t.next, nextProducerId: 70 }, 10);
    expect([c.producerId, c.previousProducerId, c.producerEpoch]).toEqual([70, 7, 0]);
    // the client's retry with the old id and the exhausted epoch is recognised
    expect(endTxnTransit(c, 7, EXHAUSTED_EPOCH, true, true, 11, 2)).toMatchObject({ errorCode: ErrorCode.NONE });
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
