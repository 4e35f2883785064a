import { describe, expect, it } from 'vitest';
import { readBatchHeader } from '../../protocol/records/batch-header.ts';
import { assignOffsets, readHeaderSummary } from './batch-meta.ts';
import { defaultVerifyBatch } from './verify-batch.ts';
import { makeBatch, makeBatches } from './test-batches.ts';

describe('assignOffsets', () => {
  it('gives each batch the offsets after the previous one and keeps the CRC valid', () => {
    const buf = makeBatches([
      { records: 3, timestamp: 50 },
      { records: 1, timestamp: 70, logAppendTime: true, payloadBytes: 5 },
    ]);
    const r = assignOffsets(buf, 100, 9);
    expect(r.batches).toEqual([
      { position: 0, size: 77, baseOffset: 100, lastOffset: 102, maxTimestamp: 50 },
      { position: 77, size: 66, baseOffset: 103, lastOffset: 103, maxTimestamp: 70 },
    ]);
    expect(r.logAppendTime).toBe(true);
    expect(r.maxTimestamp).toBe(70);
    const second = buf.subarray(77);
    expect(readBatchHeader(second)).toMatchObject({ baseOffset: 103, partitionLeaderEpoch: 9 });
    expect(defaultVerifyBatch(second)).toBe(true);
    expect(readHeaderSummary(buf, 0)).toEqual({
      baseOffset: 100,
      size: 77,
      lastOffset: 102,
      maxTimestamp: 50,
      magic: 2,
    });
  });

  it('refuses what is not whole v2 batches', () => {
    const bad = makeBatch();
    bad.writeInt8(1, 16);
    expect(() => assignOffsets(bad, 0, 0)).toThrow(/magic/);
    expect(() => assignOffsets(makeBatch().subarray(0, 70), 0, 0)).toThrow(/length/);
    expect(() => assignOffsets(Buffer.alloc(0), 0, 0)).toThrow(/empty/);
  });
});

describe('defaultVerifyBatch', () => {
  it('accepts a good batch and rejects a flipped bit, a wrong magic or a wrong length', () => {
    const good = makeBatch({ payloadBytes: 100 });
    expect(defaultVerifyBatch(good)).toBe(true);
    for (const at of [21, 40, 100, good.length - 1]) {
      const b = Buffer.from(good);
      b[at]! ^= 4;
      expect(defaultVerifyBatch(b)).toBe(false);
    }
    const magic = Buffer.from(good);
    magic.writeInt8(1, 16);
    expect(defaultVerifyBatch(magic)).toBe(false);
    expect(defaultVerifyBatch(good.subarray(0, good.length - 1))).toBe(false);
    // Offsets and epoch are outside the CRC.
    const patched = Buffer.from(good);
    patched.writeBigInt64BE(99n, 0);
    patched.writeInt32BE(7, 12);
    expect(defaultVerifyBatch(patched)).toBe(true);
  });
});
