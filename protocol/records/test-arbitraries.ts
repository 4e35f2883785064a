import fc from 'fast-check';
import { CONTROL_FLAG_MASK, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK } from './batch-header.ts';
import type { KafkaRecord, RecordBatch } from './record-batch.ts';

/** fast-check generators of record batches, shared by the record batch tests. */

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int16 = fc.integer({ min: -(2 ** 15), max: 2 ** 15 - 1 });
/** Safe integers, biased toward the varint/varlong size boundaries and the extremes. */
const safeInt = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.maxSafeInteger().map((v) => v),
  fc.constantFrom(
    0,
    -1,
    63,
    64,
    -64,
    -65,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    2 ** 52,
    -(2 ** 52),
    2 ** 53 - 1,
    -(2 ** 53 - 1),
  ),
  fc
    .integer({ min: 0, max: 62 })
    .chain((bits) => fc.integer({ min: -(2 ** Math.min(bits, 52)), max: 2 ** Math.min(bits, 52) })),
);
const bytes = fc.option(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  { freq: 5 },
);

export const arbRecord: fc.Arbitrary<KafkaRecord> = fc.record({
  attributes: fc.integer({ min: -128, max: 127 }),
  timestampDelta: safeInt,
  offsetDelta: fc.oneof(fc.nat(1000), int32),
  key: bytes,
  value: bytes,
  headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 20 }), value: bytes }), { maxLength: 4 }),
});

/** Any batch the encoder accepts (codec bits are set by the encoder, so left 0 here). */
export const arbBatch: fc.Arbitrary<RecordBatch> = fc.record({
  baseOffset: safeInt,
  partitionLeaderEpoch: int32,
  attributes: fc
    .subarray([TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK, CONTROL_FLAG_MASK])
    .map((bits) => bits.reduce((a, b) => a | b, 0)),
  lastOffsetDelta: int32,
  baseTimestamp: safeInt,
  maxTimestamp: safeInt,
  producerId: safeInt,
  producerEpoch: int16,
  baseSequence: int32,
  records: fc.array(arbRecord, { maxLength: 12 }),
});
