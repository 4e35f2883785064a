import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ATTRIBUTES_OFFSET,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  RECORDS_COUNT_OFFSET,
  BASE_SEQUENCE_OFFSET,
  TIMESTAMP_TYPE_MASK,
} from './batch-header.ts';
import { buildRecordBatch, makeRecordBatch, type RecordInput } from './batch-builder.ts';
import { crc32c } from './crc32c.ts';
import { encodeRecordBatch } from './record-batch.ts';
import { AppendErrorCode, validateBatchForAppend, type AppendCheck } from './validate-append.ts';
import { arbBatch } from './test-arbitraries.ts';

const {
  CORRUPT_MESSAGE,
  INVALID_RECORD,
  MESSAGE_TOO_LARGE,
  INVALID_TIMESTAMP,
  UNSUPPORTED_COMPRESSION_TYPE,
  UNKNOWN_SERVER_ERROR,
} = AppendErrorCode;

const NOW = 1_700_000_000_000;
const inputs: RecordInput[] = [
  { key: 'a', value: 'one', timestamp: NOW },
  { key: 'b', value: 'two', timestamp: NOW + 2 },
  { key: 'c', value: 'three', timestamp: NOW + 1 },
];
const good = (opts = {}) => buildRecordBatch(inputs, { producerId: 1, producerEpoch: 0, baseSequence: 0, ...opts });

function recrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return buf;
}

function refused(check: AppendCheck): { errorCode: number; reason: string } {
  if (check.ok) throw new Error('expected a refusal');
  return check;
}

describe('validateBatchForAppend accepts what Kafka accepts', () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`a producer's ${codec} batch`, () => {
      const check = validateBatchForAppend(good({ compression: codec }));
      expect(check).toMatchObject({
        ok: true,
        count: 3,
        maxTimestamp: NOW + 2,
        offsetDeltaOfMaxTimestamp: 1,
        denseOffsets: true,
      });
      if (check.ok) expect(check.header).toMatchObject({ producerId: 1, recordsCount: 3, lastOffsetDelta: 2 });
    });
  }

  it('drops trailing bytes that are not a whole batch, as UnifiedLog trims them', () => {
    const buf = good();
    const check = validateBatchForAppend(Buffer.concat([buf, Buffer.from([0, 0, 0])]));
    expect(check).toMatchObject({ ok: true, size: buf.length });
  });

  it('accepts sparse offset deltas when asked to behave exactly like Kafka', () => {
    const batch = makeRecordBatch(inputs);
    batch.records[2]!.offsetDelta = 7;
    const buf = encodeRecordBatch(batch);
    expect(refused(validateBatchForAppend(buf)).errorCode).toBe(INVALID_RECORD);
    expect(validateBatchForAppend(buf, { strictOffsetDeltas: false })).toMatchObject({ ok: true, denseOffsets: false });
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        validateBatchForAppend(Buffer.from(bytes));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        arbBatch,
        fc.constantFrom('none', 'gzip', 'snappy', 'lz4', 'zstd' as const),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (batch, codec, at, flip) => {
          batch.baseOffset = 0;
          const buf = encodeRecordBatch(batch, { compression: codec });
          buf[at % buf.length]! ^= flip;
          validateBatchForAppend(recrc(buf));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('validateBatchForAppend refuses with Kafka error codes', () => {
  it('no whole batch, or more than one: INVALID_RECORD', () => {
    expect(refused(validateBatchForAppend(Buffer.alloc(0))).reason).toMatch(/at least one record batch/);
    expect(refused(validateBatchForAppend(good().subarray(0, 40))).errorCode).toBe(INVALID_RECORD);
    const two = validateBatchForAppend(Buffer.concat([good(), good()]));
    expect(refused(two)).toMatchObject({
      errorCode: INVALID_RECORD,
      reason: expect.stringMatching(/exactly one record batch/),
    });
  });

  it('magic 0 or 1: INVALID_RECORD; any other magic: CORRUPT_MESSAGE', () => {
    const v1 = good();
    v1[MAGIC_OFFSET] = 1;
    expect(refused(validateBatchForAppend(v1))).toMatchObject({
      errorCode: INVALID_RECORD,
      reason: expect.stringMatching(/magic version 2/),
    });
    const v3 = good();
    v3[MAGIC_OFFSET] = 3;
    expect(refused(validateBatchForAppend(v3))).toMatchObject({
      errorCode: CORRUPT_MESSAGE,
      reason: 'Invalid magic found in record: 3',
    });
  });

  it('a batch length under 14: CORRUPT_MESSAGE; under the v2 header: CORRUPT_MESSAGE', () => {
    const tiny = good();
    tiny.writeInt32BE(10, 8);
    expect(refused(validateBatchForAppend(tiny)).errorCode).toBe(CORRUPT_MESSAGE);
    const short = good().subarray(0, 40);
    short.writeInt32BE(28, 8);
    expect(refused(validateBatchForAppend(short))).toMatchObject({
      errorCode: CORRUPT_MESSAGE,
      reason: expect.stringMatching(/minimum allowed overhead 61/),
    });
  });

  it('a CRC mismatch: CORRUPT_MESSAGE, naming both values', () => {
    const buf = good();
    buf[70]! ^= 1;
    expect(refused(validateBatchForAppend(buf))).toMatchObject({
      errorCode: CORRUPT_MESSAGE,
      reason: expect.stringMatching(/stored crc = \d+, computed crc = \d+/),
    });
  });

  it('zstd before Produce v7: UNSUPPORTED_COMPRESSION_TYPE', () => {
    expect(refused(validateBatchForAppend(good({ compression: 'zstd' }), { apiVersion: 6 })).errorCode).toBe(
      UNSUPPORTED_COMPRESSION_TYPE,
    );
    expect(validateBatchForAppend(good({ compression: 'zstd' }), { apiVersion: 7 }).ok).toBe(true);
  });

  it('an unassigned codec: UNKNOWN_SERVER_ERROR, as Kafka fails on it', () => {
    const buf = good();
    buf.writeInt16BE(5, ATTRIBUTES_OFFSET);
    expect(refused(validateBatchForAppend(recrc(buf))).errorCode).toBe(UNKNOWN_SERVER_ERROR);
  });

  it('a non-zero base offset: INVALID_RECORD', () => {
    expect(refused(validateBatchForAppend(good({ baseOffset: 5 }), { topicPartition: 't-0' })).reason).toBe(
      'The baseOffset of the record batch in the append in topic partition t-0 should be 0, but it is 5',
    );
  });

  it('larger than max.message.bytes: MESSAGE_TOO_LARGE', () => {
    const buf = good();
    expect(refused(validateBatchForAppend(buf, { maxMessageBytes: buf.length - 1 })).errorCode).toBe(MESSAGE_TOO_LARGE);
    expect(validateBatchForAppend(buf, { maxMessageBytes: buf.length }).ok).toBe(true);
  });

  it('offset range and count that disagree, or are not positive: INVALID_RECORD', () => {
    const cases: [number, number][] = [
      [LAST_OFFSET_DELTA_OFFSET, 1],
      [LAST_OFFSET_DELTA_OFFSET, -1],
      [RECORDS_COUNT_OFFSET, 0],
    ];
    for (const [field, value] of cases) {
      const buf = good();
      buf.writeInt32BE(value, field);
      expect(refused(validateBatchForAppend(recrc(buf))).errorCode).toBe(INVALID_RECORD);
    }
  });

  it('a control batch from a client, or a producer id without a sequence: INVALID_RECORD', () => {
    const control = good();
    control.writeInt16BE(CONTROL_FLAG_MASK, ATTRIBUTES_OFFSET);
    expect(refused(validateBatchForAppend(recrc(control))).reason).toMatch(/not allowed to write control records/);
    const noSeq = good();
    noSeq.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
    expect(refused(validateBatchForAppend(recrc(noSeq))).reason).toMatch(/Invalid sequence number -1/);
  });

  it('records that do not match the count or are malformed: INVALID_RECORD, compressed or not', () => {
    for (const codec of ['none', 'lz4'] as const) {
      const batch = makeRecordBatch(inputs);
      batch.records.pop();
      const buf = encodeRecordBatch(batch, { compression: codec });
      buf.writeInt32BE(2, LAST_OFFSET_DELTA_OFFSET);
      buf.writeInt32BE(3, RECORDS_COUNT_OFFSET);
      expect(refused(validateBatchForAppend(recrc(buf))).errorCode).toBe(INVALID_RECORD);
    }
  });

  it('compressed data that does not decompress: CORRUPT_MESSAGE; too big once decompressed: MESSAGE_TOO_LARGE', () => {
    const buf = good({ compression: 'gzip' });
    buf[75]! ^= 0xff;
    expect(refused(validateBatchForAppend(recrc(buf))).errorCode).toBe(CORRUPT_MESSAGE);
    const big = buildRecordBatch([{ value: Buffer.alloc(300_000) }], { compression: 'lz4' });
    expect(refused(validateBatchForAppend(big, { maxDecompressedBytes: 100_000 })).errorCode).toBe(MESSAGE_TOO_LARGE);
  });

  it('a keyless record on a compacted topic: INVALID_RECORD with the record index', () => {
    const buf = buildRecordBatch([{ key: 'k', value: 'v' }, { value: 'no key' }]);
    const check = refused(validateBatchForAppend(buf, { compacted: true })) as AppendCheck & { ok: false };
    expect(check.errorCode).toBe(INVALID_RECORD);
    expect(check.recordErrors).toEqual([
      { batchIndex: 1, message: expect.stringMatching(/Compacted topic cannot accept message without key/) },
    ]);
    expect(check.reason).toMatch(/^One or more records have been rejected due to 1 record errors/);
  });

  it('timestamps outside the topic bounds, or log-append time from a producer: INVALID_TIMESTAMP', () => {
    const bounds = { now: NOW, timestampBeforeMaxMs: 1000, timestampAfterMaxMs: 1 };
    expect(refused(validateBatchForAppend(good(), bounds)).errorCode).toBe(INVALID_TIMESTAMP);
    expect(validateBatchForAppend(good(), { ...bounds, timestampAfterMaxMs: 2 }).ok).toBe(true);
    const check = refused(
      validateBatchForAppend(buildRecordBatch([{ value: 'x', timestamp: NOW - 5000 }]), bounds),
    ) as AppendCheck & { ok: false };
    expect(check.recordErrors?.[0]?.message).toMatch(/out of range/);

    const logAppend = good();
    logAppend.writeInt16BE(TIMESTAMP_TYPE_MASK, ATTRIBUTES_OFFSET);
    recrc(logAppend);
    expect(refused(validateBatchForAppend(logAppend, { timestampType: 'log-append' })).errorCode).toBe(
      INVALID_TIMESTAMP,
    );
    // On a create-time topic Kafka only range-checks such a batch, using its max timestamp.
    expect(validateBatchForAppend(logAppend).ok).toBe(true);
  });
});
