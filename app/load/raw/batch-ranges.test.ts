import { describe, expect, it } from 'vitest';
import { buildRecordBatch } from '../../../protocol/records/batch-builder.ts';
import { buildEndTxnMarkerBatch } from '../../../protocol/records/control-record.ts';
import { batchRanges, missingRecords } from './batch-ranges.ts';

const batch = (baseOffset: number, n: number, seq = -1) =>
  buildRecordBatch(
    Array.from({ length: n }, () => ({ value: 'v' })),
    { baseOffset, producerId: seq >= 0 ? 5 : -1, producerEpoch: seq >= 0 ? 0 : -1, baseSequence: seq },
  );

describe('batchRanges', () => {
  it('reads each whole batch from its header, leaves out a cut one and control batches', () => {
    const whole = Buffer.concat([batch(0, 3, 0), batch(3, 2, 3)]);
    const cut = batch(5, 4).subarray(0, 70);
    const { ranges, next } = batchRanges(Buffer.concat([whole, cut]));
    expect(ranges).toEqual([
      { baseOffset: 0, count: 3, producerId: 5, baseSequence: 0 },
      { baseOffset: 3, count: 2, producerId: 5, baseSequence: 3 },
    ]);
    expect(next).toBe(5);
    expect(batchRanges(null)).toEqual({ ranges: [], next: -1 });
  });

  it('skips a control batch but moves past it', () => {
    const marker = buildEndTxnMarkerBatch({
      baseOffset: 2,
      producerId: 5,
      producerEpoch: 0,
      coordinatorEpoch: 0,
      commit: true,
    });
    const { ranges, next } = batchRanges(Buffer.concat([batch(0, 2), marker]));
    expect(ranges.map((r) => r.baseOffset)).toEqual([0]);
    expect(next).toBe(3);
  });
});

describe('missingRecords', () => {
  it('counts acknowledged records no read range covers', () => {
    const acked = [
      { baseOffset: 0, count: 10 },
      { baseOffset: 10, count: 5 },
      { baseOffset: 20, count: 5 },
    ];
    expect(missingRecords(acked, [{ baseOffset: 0, count: 25 }])).toEqual({ count: 0, examples: [] });
    expect(
      missingRecords(acked, [
        { baseOffset: 0, count: 3 },
        { baseOffset: 5, count: 10 },
      ]).count,
    ).toBe(2 + 5);
    expect(missingRecords(acked, []).count).toBe(20);
    expect(missingRecords(acked, [{ baseOffset: 0, count: 12 }]).examples).toEqual([12, 20]);
  });
});
