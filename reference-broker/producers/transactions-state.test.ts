import { describe, expect, it } from 'vitest';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { createMemoryLog } from '../log/index.ts';
import { rebuildProducerState } from '../replication/producer-state-rebuild.ts';
import { buildMarkerBatch } from '../transactions/control-batch.ts';
import type { Partition } from '../topics/topic-registry.ts';
import { PartitionProducerState } from './producer-state.ts';

describe('PartitionProducerState: transactions, last stable offset, aborted index', () => {
  it('holds the LSO at the first offset of the oldest open transaction until its marker is below the high watermark', () => {
    const s = new PartitionProducerState();
    expect(s.lastStableOffset(10)).toBe(10);
    s.recordTransactional(1, 3);
    s.recordTransactional(1, 5); // a later batch of the same transaction does not move its start
    s.recordTransactional(2, 4);
    expect(s.lastStableOffset(10)).toBe(3);
    s.recordMarker(1, 0, true, 6);
    // the marker at 6 is not below the high watermark 6 yet: still unstable from 3
    expect(s.lastStableOffset(6)).toBe(3);
    expect(s.lastStableOffset(7)).toBe(4); // producer 2 still open from 4
    s.recordMarker(2, 0, false, 8);
    expect(s.lastStableOffset(9)).toBe(9);
  });

  it('indexes aborted transactions and answers the ones a read overlaps', () => {
    const s = new PartitionProducerState();
    s.recordTransactional(1, 0);
    s.recordMarker(1, 0, false, 2); // aborted [0, 2]
    s.recordTransactional(1, 3);
    s.recordMarker(1, 0, true, 4); // committed: not indexed
    s.recordTransactional(2, 5);
    s.recordMarker(2, 0, false, 7); // aborted [5, 7]
    expect(s.abortedTransactions(0, 10)).toEqual([
      { producerId: 1, firstOffset: 0 },
      { producerId: 2, firstOffset: 5 },
    ]);
    expect(s.abortedTransactions(3, 5)).toEqual([]);
    expect(s.abortedTransactions(2, 3)).toEqual([{ producerId: 1, firstOffset: 0 }]);
    expect(s.abortedTransactions(6, 7)).toEqual([{ producerId: 2, firstOffset: 5 }]);
  });

  it('moves the producer epoch up with a marker, fencing older batches', () => {
    const s = new PartitionProducerState();
    s.record({ producerId: 1, producerEpoch: 0, baseSequence: 0, count: 1 }, 0, 0, 0);
    s.recordTransactional(1, 0);
    s.recordMarker(1, 1, false, 1);
    expect(s.epochOf(1)).toBe(1);
    expect(s.check({ producerId: 1, producerEpoch: 0, baseSequence: 1, count: 1 })).toMatchObject({
      kind: 'error',
      errorCode: 47,
    });
  });

  it('is rebuilt from the log: open transactions and the aborted index come back', () => {
    const log = createMemoryLog();
    const txn = (pid: number, value: string, seq: number) =>
      buildRecordBatch([{ value }], { producerId: pid, producerEpoch: 0, baseSequence: seq, transactional: true });
    log.append(txn(1, 'a', 0), 0, 0); // 0: producer 1
    log.append(txn(2, 'b', 0), 0, 0); // 1: producer 2
    log.append(buildMarkerBatch(1, 0, false, 0, 0), 0, 0); // 2: abort producer 1
    log.append(txn(1, 'c', 1), 0, 0); // 3: producer 1 again, left open
    log.highWatermark = log.logEndOffset;
    const p = { producers: new PartitionProducerState(), log } as unknown as Partition;
    rebuildProducerState(p);
    expect(p.producers.abortedTransactions(0, 4)).toEqual([{ producerId: 1, firstOffset: 0 }]);
    expect(p.producers.hasOngoingTransaction(1)).toBe(true);
    expect(p.producers.hasOngoingTransaction(2)).toBe(true);
    expect(p.producers.lastStableOffset(4)).toBe(1);
  });
});
