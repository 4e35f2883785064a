import { afterEach, describe, expect, it } from 'vitest';
import { PARTITION_LEADER_EPOCH_OFFSET } from '../../protocol/records/batch-header.ts';
import { createMemoryLog, openDiskLog, OffsetOutOfRangeError, type LogConfig, type PartitionLog } from './index.ts';
import { batchRanges, makeBatch, makeBatches, tempDir } from './test-batches.ts';

/** The behaviour both kinds of log share, run against each. */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const kinds: [string, (config?: Partial<LogConfig>) => PartitionLog][] = [
  ['memory', (config) => createMemoryLog(config)],
  [
    'disk',
    (config) => {
      const dir = tempDir();
      const log = openDiskLog(dir.path, config);
      cleanups.push(() => {
        log.close();
        dir.remove();
      });
      return log;
    },
  ],
];

/** Appends single-record batches with the given timestamps (or records counts) and moves the high watermark. */
function appendAll(log: PartitionLog, specs: Parameters<typeof makeBatch>[0][], epoch = 0, now = 0): void {
  for (const s of specs) log.append(makeBatch(s), epoch, now);
  log.highWatermark = log.logEndOffset;
}

describe.each(kinds)('%s log', (_name, open) => {
  it('assigns offsets densely from the log end and stamps the leader epoch in place', () => {
    const log = open();
    const buf = makeBatches([{ records: 3 }, { records: 2 }]);
    const r = log.append(buf, 7, 1);
    expect(r).toEqual({ baseOffset: 0, lastOffset: 4, logAppendTimeMs: -1, maxTimestamp: 1000 });
    expect(batchRanges(buf)).toEqual([
      [0, 2],
      [3, 4],
    ]);
    expect(buf.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET)).toBe(7);
    expect(log.append(makeBatch({ records: 4 }), 7, 2)).toMatchObject({ baseOffset: 5, lastOffset: 8 });
    expect(log.logEndOffset).toBe(9);
    expect(log.highWatermark).toBe(0);
    log.highWatermark = 9;
    expect(batchRanges(log.read(0, 1 << 20, 9).records)).toEqual([
      [0, 2],
      [3, 4],
      [5, 8],
    ]);
  });

  it('reports the append time for LogAppendTime batches only', () => {
    const log = open();
    expect(log.append(makeBatch({ logAppendTime: true }), 0, 1234).logAppendTimeMs).toBe(1234);
    expect(log.append(makeBatch(), 0, 1235).logAppendTimeMs).toBe(-1);
  });

  it('refuses a malformed append without changing the log or the buffer', () => {
    const log = open();
    const good = makeBatch();
    const torn = Buffer.concat([good, makeBatch().subarray(0, 30)]);
    const copy = Buffer.from(torn);
    expect(() => log.append(torn, 0, 0)).toThrow(RangeError);
    expect(() => log.append(Buffer.alloc(0), 0, 0)).toThrow(RangeError);
    expect(torn.equals(copy)).toBe(true);
    expect(log.logEndOffset).toBe(0);
  });

  it('returns empty records at the log end and out of range below the start or past the end', () => {
    const log = open();
    expect(log.read(0, 100, 0).records.length).toBe(0);
    appendAll(log, [{ records: 5 }]);
    expect(log.read(5, 100, 5)).toEqual({
      records: Buffer.alloc(0),
      highWatermark: 5,
      logStartOffset: 0,
      logEndOffset: 5,
    });
    expect(() => log.read(6, 100, 5)).toThrow(OffsetOutOfRangeError);
    log.deleteRecordsBefore(3);
    const err = (() => {
      try {
        log.read(2, 100, 5);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OffsetOutOfRangeError);
    expect(err).toMatchObject({ offset: 2, logStartOffset: 3, logEndOffset: 5 });
    // Mid-batch: the whole batch comes back, the consumer skips what it did not ask for.
    expect(batchRanges(log.read(3, 100, 5).records)).toEqual([[0, 4]]);
  });

  it('returns the first batch even when it is larger than maxBytes (KIP-74), unless told not to', () => {
    const log = open();
    appendAll(log, [{ payloadBytes: 500 }, { payloadBytes: 10 }]);
    const first = log.read(0, 100, 2);
    expect(first.records.length).toBe(561);
    expect(batchRanges(first.records)).toEqual([[0, 0]]);
    expect(log.read(0, 100, 2, false).records.length).toBe(0);
    expect(batchRanges(log.read(1, 100, 2, false).records)).toEqual([[1, 1]]);
    expect(log.read(0, 631, 2).records.length).toBe(561);
    expect(log.read(0, 632, 2).records.length).toBe(632);
  });

  it('stops before the batch holding maxOffset', () => {
    const log = open();
    appendAll(log, [{ records: 2 }, { records: 2 }, { records: 2 }]);
    expect(batchRanges(log.read(0, 1 << 20, 4).records)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(batchRanges(log.read(0, 1 << 20, 3).records)).toEqual([[0, 1]]);
    expect(log.read(0, 1 << 20, 1).records.length).toBe(0);
  });

  it('reads across segments and keeps reads whole when segments are small', () => {
    const log = open({ segmentBytes: 200 });
    appendAll(
      log,
      Array.from({ length: 20 }, () => ({ payloadBytes: 39 })),
    ); // 100 bytes: 2 per segment
    expect(log.segmentCount).toBe(10);
    expect(log.sizeInBytes).toBe(2000);
    expect(batchRanges(log.read(3, 1000, 20).records)).toEqual(Array.from({ length: 10 }, (_, i) => [3 + i, 3 + i]));
    expect(batchRanges(log.read(3, 999, 20).records).length).toBe(9);
    expect(batchRanges(log.read(0, 1 << 20, 20).records).length).toBe(20);
  });

  it('finds offsets by timestamp at batch granularity, from the log start', () => {
    const log = open({ segmentBytes: 300, indexIntervalBytes: 0 });
    const ts = [100, 300, 200, 300, 500, 400, 600];
    appendAll(
      log,
      ts.map((t) => ({ records: 2, timestamp: t })),
    );
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 100 });
    expect(log.offsetForTimestamp(150)).toEqual({ offset: 2, timestamp: 300 });
    expect(log.offsetForTimestamp(300)).toEqual({ offset: 2, timestamp: 300 });
    expect(log.offsetForTimestamp(450)).toEqual({ offset: 8, timestamp: 500 });
    expect(log.offsetForTimestamp(601)).toBeNull();
    expect(log.maxTimestampOffset()).toEqual({ offset: 13, timestamp: 600 });
    log.deleteRecordsBefore(3);
    expect(log.offsetForTimestamp(150)).toEqual({ offset: 3, timestamp: 300 });
    expect(log.offsetForTimestamp(250)).toEqual({ offset: 3, timestamp: 300 });
    expect(() => log.offsetForTimestamp(-1)).toThrow(RangeError);
  });

  it('answers the largest timestamp with the first batch that has it, at or after the log start', () => {
    const log = open({ segmentBytes: 250 });
    expect(log.maxTimestampOffset()).toBeNull();
    appendAll(
      log,
      [900, 100, 900, 300].map((t) => ({ records: 3, timestamp: t })),
    );
    expect(log.maxTimestampOffset()).toEqual({ offset: 2, timestamp: 900 });
    log.deleteRecordsBefore(3);
    expect(log.maxTimestampOffset()).toEqual({ offset: 8, timestamp: 900 });
    log.deleteRecordsBefore(9);
    expect(log.maxTimestampOffset()).toEqual({ offset: 11, timestamp: 300 });
    log.deleteRecordsBefore(12);
    expect(log.maxTimestampOffset()).toBeNull();
  });

  it('moves the log start with DeleteRecords, never past the high watermark', () => {
    const log = open();
    appendAll(log, [{ records: 10 }]);
    log.highWatermark = 6;
    expect(() => log.deleteRecordsBefore(7)).toThrow(OffsetOutOfRangeError);
    expect(() => log.deleteRecordsBefore(-1)).toThrow(OffsetOutOfRangeError);
    log.deleteRecordsBefore(6);
    expect(log.logStartOffset).toBe(6);
    log.deleteRecordsBefore(2);
    expect(log.logStartOffset).toBe(6);
  });

  it('clamps the high watermark to [logStart, logEnd]', () => {
    const log = open();
    appendAll(log, [{ records: 10 }]);
    log.highWatermark = 99;
    expect(log.highWatermark).toBe(10);
    log.deleteRecordsBefore(4);
    log.highWatermark = 0;
    expect(log.highWatermark).toBe(4);
  });

  it('truncates whole batches and moves the start, the high watermark and the epochs down with the end', () => {
    const log = open({ segmentBytes: 200 });
    appendAll(log, [{ records: 3 }, { records: 3 }], 1);
    appendAll(log, [{ records: 3 }, { records: 3 }], 2);
    log.deleteRecordsBefore(10);
    expect(log.epochEntries()).toEqual([{ epoch: 2, startOffset: 10 }]);
    log.truncateTo(8);
    expect(log.logEndOffset).toBe(6);
    expect(log.logStartOffset).toBe(6);
    expect(log.highWatermark).toBe(6);
    expect(log.epochEntries()).toEqual([]);
    log.truncateTo(100);
    expect(log.logEndOffset).toBe(6);
    appendAll(log, [{ records: 1 }], 3);
    expect(log.epochEntries()).toEqual([{ epoch: 3, startOffset: 6 }]);
    expect(batchRanges(log.read(6, 1000, 7).records)).toEqual([[6, 6]]);
  });

  it('drops an epoch that starts at the log end when truncating to the log end (a leader that appended nothing in it)', () => {
    const log = open();
    appendAll(log, [{ records: 3 }], 1);
    log.assignLeaderEpoch(2);
    expect(log.epochEntries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 3 },
    ]);
    // The new leader never had epoch 2; a follower that kept it would name it in every fetch.
    log.truncateTo(3);
    expect(log.logEndOffset).toBe(3);
    expect(log.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }]);
    log.truncateTo(10);
    expect(log.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }]);
  });

  it('restarts an empty log at the offset when truncating below its first segment', () => {
    const log = open({ segmentBytes: 100, retentionBytes: 0 });
    appendAll(
      log,
      Array.from({ length: 6 }, () => ({ records: 2, payloadBytes: 30 })),
    );
    log.applyRetention(0);
    expect(log.logStartOffset).toBe(12);
    log.truncateTo(5);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark, log.segmentCount, log.sizeInBytes]).toEqual([
      5, 5, 5, 1, 0,
    ]);
    expect(log.epochEntries()).toEqual([]);
    expect(log.append(makeBatch(), 4, 0).baseOffset).toBe(5);
  });

  it('records the leader-epoch history as Kafka does', () => {
    const log = open();
    appendAll(log, [{ records: 2 }], 0);
    appendAll(log, [{ records: 2 }], 0);
    appendAll(log, [{ records: 2 }], 3);
    appendAll(log, [{ records: 2 }], -1);
    expect(log.epochEntries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 4 },
    ]);
    // A stale epoch appended later replaces the entries it does not precede (maybeTruncateNonMonotonicEntries).
    appendAll(log, [{ records: 1 }], 2);
    expect(log.epochEntries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 8 },
    ]);
  });

  it('deletes segments past retention.bytes, keeping at least retention.bytes', () => {
    const log = open({ segmentBytes: 300, retentionBytes: 650 });
    appendAll(
      log,
      Array.from({ length: 12 }, () => ({ payloadBytes: 39 })),
    ); // 100 bytes each, 3 per segment
    expect(log.segmentCount).toBe(4);
    log.applyRetention(0);
    // 1200 bytes: dropping 300 leaves 900 ≥ 650, dropping 600 would leave 600 < 650.
    expect(log.segmentCount).toBe(3);
    expect(log.logStartOffset).toBe(3);
    expect(log.sizeInBytes).toBe(900);
    log.applyRetention(0);
    expect(log.segmentCount).toBe(3);
  });

  it('deletes segments whose largest timestamp is older than retention.ms', () => {
    const log = open({ segmentBytes: 300, retentionMs: 1000 });
    appendAll(
      log,
      [100, 5000, 200, 300, 400, 500, 9000, 9000, 9000].map((t) => ({ payloadBytes: 39, timestamp: t })),
    );
    log.applyRetention(6000);
    // Segment [0,3) holds 5000 (6000 - 5000 is not > 1000): nothing goes, retention stops at the first keeper.
    expect(log.logStartOffset).toBe(0);
    log.applyRetention(6001);
    expect(log.logStartOffset).toBe(6);
    expect(log.segmentCount).toBe(1);
  });

  it('rolls a new segment when every segment is past retention, so the log keeps its end', () => {
    const log = open({ segmentBytes: 300, retentionMs: 10 });
    appendAll(
      log,
      Array.from({ length: 5 }, () => ({ payloadBytes: 39, timestamp: 0 })),
    );
    log.applyRetention(100);
    expect([log.logStartOffset, log.logEndOffset, log.segmentCount, log.sizeInBytes]).toEqual([5, 5, 1, 0]);
    expect(log.read(5, 100, 5).records.length).toBe(0);
    expect(log.append(makeBatch(), 0, 0).baseOffset).toBe(5);
    // An empty active segment is never deleted.
    log.truncateTo(5);
    log.applyRetention(1000);
    expect(log.segmentCount).toBe(1);
  });

  it('deletes no segment reaching past the high watermark', () => {
    const log = open({ segmentBytes: 300, retentionBytes: 0 });
    for (let i = 0; i < 9; i++) log.append(makeBatch({ payloadBytes: 39 }), 0, 0);
    log.highWatermark = 5;
    log.applyRetention(0);
    expect(log.logStartOffset).toBe(3);
    log.highWatermark = 9;
    log.applyRetention(0);
    expect([log.logStartOffset, log.segmentCount]).toEqual([9, 1]);
  });

  it('deletes segments wholly below the log start on the next retention pass', () => {
    const log = open({ segmentBytes: 300 });
    appendAll(
      log,
      Array.from({ length: 9 }, () => ({ payloadBytes: 39 })),
    );
    log.deleteRecordsBefore(7);
    expect(log.segmentCount).toBe(3);
    log.applyRetention(0);
    expect(log.segmentCount).toBe(1);
    expect(log.logStartOffset).toBe(7);
    expect(log.epochEntries()).toEqual([{ epoch: 0, startOffset: 7 }]);
  });

  it('cannot be used after close', () => {
    const log = open();
    log.close();
    expect(() => log.append(makeBatch(), 0, 0)).toThrow(/closed/);
    expect(() => log.read(0, 1, 0)).toThrow(/closed/);
    log.close();
  });
});
