import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError } from '../primitives/index.ts';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  COMPRESSION_CODEC_MASK,
  CRC_OFFSET,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  batchSizeAt,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  type CompressionName,
} from './batch-header.ts';
import { crc32c } from './crc32c.ts';
import {
  compressionOf,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  isControlBatch,
  isTransactional,
  timestampTypeOf,
  type RecordBatch,
} from './record-batch.ts';
import { arbBatch } from './test-arbitraries.ts';
import { makeRecordBatch, buildRecordBatch } from './batch-builder.ts';

const CODECS: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Re-stamps the CRC after a deliberate edit, to reach the checks behind it. */
function recrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return buf;
}

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError, got a result');
}

const sample = (): RecordBatch =>
  makeRecordBatch(
    [
      { key: 'a', value: 'first', timestamp: 1000, headers: [{ key: 'h', value: 'x' }] },
      { key: null, value: 'second', timestamp: 1003 },
      { key: 'c', value: null, timestamp: 999 },
    ],
    { producerId: 12, producerEpoch: 1, baseSequence: 40 },
  );

describe('encode/decode round trip', () => {
  for (const codec of CODECS) {
    it(`${codec}: decode(encode(batch)) = batch`, () => {
      fc.assert(
        fc.property(arbBatch, (batch) => {
          const buf = encodeRecordBatch(batch, { compression: codec });
          expect(batchSizeAt(buf)).toBe(buf.length);
          const back = decodeRecordBatch(buf);
          expect(back).toEqual({
            ...batch,
            attributes: (batch.attributes & ~COMPRESSION_CODEC_MASK) | (codec === 'none' ? 0 : CODECS.indexOf(codec)),
          });
          expect(compressionOf(back.attributes)).toBe(codec);
        }),
        { numRuns: codec === 'none' ? 300 : 100 },
      );
    });
  }

  it('writes the header fields where batch-header.ts says they are', () => {
    const batch = sample();
    const buf = encodeRecordBatch(batch);
    const h = readBatchHeader(buf);
    expect(h).toMatchObject({
      baseOffset: 0,
      batchLength: buf.length - 12,
      partitionLeaderEpoch: -1,
      magic: 2,
      attributes: 0,
      lastOffsetDelta: 2,
      baseTimestamp: 1000,
      maxTimestamp: 1003,
      producerId: 12,
      producerEpoch: 1,
      baseSequence: 40,
      recordsCount: 3,
    });
    expect(h.crc).toBe(crc32c(buf, ATTRIBUTES_OFFSET));
  });

  it('reads an empty batch without looking at its records section, as Kafka does', () => {
    for (const codec of CODECS) {
      const header = Buffer.from(
        encodeRecordBatch({ ...sample(), records: [] }, { compression: codec }).subarray(0, RECORD_BATCH_OVERHEAD),
      );
      header.writeInt32BE(RECORD_BATCH_OVERHEAD - 12, 8);
      expect(decodeRecordBatch(recrc(header)).records).toEqual([]);
    }
  });

  it('takes the codec from the attributes when no option is given', () => {
    const batch = { ...sample(), attributes: 4 };
    expect(compressionOf(decodeRecordBatch(encodeRecordBatch(batch)).attributes)).toBe('zstd');
  });

  it('keeps varint and varlong extremes exact', () => {
    const extremes = [
      0,
      -1,
      1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 52,
      -(2 ** 52),
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 52 + 1,
      -(2 ** 52) - 1,
    ];
    const batch = sample();
    batch.records = extremes.map((t, i) => ({
      attributes: -1,
      timestampDelta: t,
      offsetDelta: i % 2 ? 2 ** 31 - 1 : -(2 ** 31),
      key: null,
      value: Buffer.alloc(i * 40, i),
      headers: [],
    }));
    expect(decodeRecordBatch(encodeRecordBatch(batch)).records).toEqual(batch.records);
  });

  it('refuses to encode values outside their wire types', () => {
    const batch = sample();
    expect(() => encodeRecordBatch({ ...batch, baseOffset: 2 ** 53 })).toThrow(RangeError);
    batch.records[0]!.offsetDelta = 2 ** 31;
    expect(() => encodeRecordBatch(batch)).toThrow(RangeError);
  });

  it('leaves the CRC valid when the broker patches base offset and leader epoch', () => {
    const buf = encodeRecordBatch(sample());
    setBaseOffset(buf, 123456789);
    setPartitionLeaderEpoch(buf, 7);
    const back = decodeRecordBatch(buf);
    expect(back.baseOffset).toBe(123456789);
    expect(back.partitionLeaderEpoch).toBe(7);
  });
});

describe('corrupt and truncated batches are a DecodeError', () => {
  it('any flipped byte in the CRC span or the CRC itself is a CRC mismatch naming both values', () => {
    fc.assert(
      fc.property(
        arbBatch,
        fc.constantFrom(...CODECS),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (batch, codec, at, flip) => {
          const buf = encodeRecordBatch(batch, { compression: codec });
          const i = CRC_OFFSET + (at % (buf.length - CRC_OFFSET));
          buf[i]! ^= flip;
          const e = decodeError(() => decodeRecordBatch(buf));
          expect(e.message).toMatch(/CRC mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
          expect(e.field).toBe('RecordBatch.CRC');
          expect(e.offset).toBe(CRC_OFFSET);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with verifyCrc false, skips only the CRC', () => {
    const buf = encodeRecordBatch(sample());
    buf.writeUInt32BE(0, CRC_OFFSET);
    expect(decodeRecordBatch(buf, 0, { verifyCrc: false }).records).toHaveLength(3);
    buf.writeInt32BE(4, RECORDS_COUNT_OFFSET);
    expect(() => decodeRecordBatch(buf, 0, { verifyCrc: false })).toThrow(DecodeError);
  });

  it('every truncation of a batch is refused', () => {
    for (const codec of CODECS) {
      const buf = encodeRecordBatch(sample(), { compression: codec });
      for (let n = 0; n < buf.length; n++) expect(() => decodeRecordBatch(buf.subarray(0, n))).toThrow(DecodeError);
    }
  });

  it('every truncation of a batch whose length field is fixed up is refused too', () => {
    // Past the CRC, this reaches the record parser with a short records section.
    for (const codec of CODECS) {
      const full = encodeRecordBatch(sample(), { compression: codec });
      for (let n = RECORD_BATCH_OVERHEAD; n < full.length; n++) {
        const cut = Buffer.from(full.subarray(0, n));
        cut.writeInt32BE(n - 12, 8);
        recrc(cut);
        expect(() => decodeRecordBatch(cut), `${codec} cut at ${n}`).toThrow(DecodeError);
      }
    }
  });

  it('garbage records with a valid CRC give a DecodeError or a batch, never another error', () => {
    fc.assert(
      fc.property(
        arbBatch,
        fc.constantFrom(...CODECS),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (batch, codec, flips) => {
          const buf = encodeRecordBatch(batch, { compression: codec });
          if (buf.length === RECORD_BATCH_OVERHEAD) return;
          for (const [at, flip] of flips)
            buf[RECORD_BATCH_OVERHEAD + (at % (buf.length - RECORD_BATCH_OVERHEAD))]! ^= flip;
          recrc(buf);
          try {
            decodeRecordBatch(buf);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a records count that disagrees with the records is refused', () => {
    for (const codec of CODECS) {
      for (const delta of [-1, 1, 1000, -4]) {
        const buf = encodeRecordBatch(sample(), { compression: codec });
        buf.writeInt32BE(3 + delta, RECORDS_COUNT_OFFSET);
        expect(() => decodeRecordBatch(recrc(buf)), `${codec} ${delta}`).toThrow(DecodeError);
      }
    }
  });

  it('refuses other magics, unknown codecs, bad lengths and unsafe integers', () => {
    const good = encodeRecordBatch(sample());
    const magic1 = Buffer.from(good);
    magic1[MAGIC_OFFSET] = 1;
    expect(decodeError(() => decodeRecordBatch(magic1)).message).toMatch(/unsupported magic 1/);

    const codec6 = Buffer.from(good);
    codec6.writeInt16BE(6, ATTRIBUTES_OFFSET);
    expect(decodeError(() => decodeRecordBatch(recrc(codec6))).message).toMatch(/unknown compression codec 6/);

    const short = Buffer.from(good);
    short.writeInt32BE(20, 8);
    expect(decodeError(() => decodeRecordBatch(short)).message).toMatch(/below the 49-byte minimum/);

    const long = Buffer.from(good);
    long.writeInt32BE(good.length, 8);
    expect(decodeError(() => decodeRecordBatch(long)).message).toMatch(/truncated/);

    const huge = Buffer.from(good);
    huge.writeBigInt64BE(2n ** 60n, BASE_OFFSET_OFFSET);
    const e = decodeError(() => decodeRecordBatch(huge));
    expect(e.message).toMatch(/not a safe integer/);
    expect(e.field).toBe('RecordBatch.BaseOffset');
  });

  it('refuses a record timestamp delta beyond 2^53', () => {
    // One record: length, attrs 0, a 10-byte varlong of zig-zag(2^60), offsetDelta 0, null key, null value, no headers.
    const varlong = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xa0, 0x01];
    const body = [0, ...varlong, 0, 1, 1, 0];
    const records = Buffer.from([body.length * 2, ...body]);
    const header = encodeRecordBatch({ ...sample(), records: [] });
    const buf = Buffer.concat([header, records]);
    buf.writeInt32BE(buf.length - 12, 8);
    buf.writeInt32BE(1, RECORDS_COUNT_OFFSET);
    const e = decodeError(() => decodeRecordBatch(recrc(buf)));
    expect(e.message).toMatch(/not a safe integer/);
    expect(e.field).toBe('Record.TimestampDelta');
  });

  it('names the codec when compressed records are corrupt', () => {
    const buf = encodeRecordBatch(sample(), { compression: 'gzip' });
    buf[RECORD_BATCH_OVERHEAD + 12]! ^= 0xff;
    const e = decodeError(() => decodeRecordBatch(recrc(buf)));
    expect(e.field).toMatch(/gzip/);
  });

  it('refuses a compressed batch that decompresses past the bound', () => {
    const batch = sample();
    batch.records[0]!.value = Buffer.alloc(2 * 1024 * 1024);
    const buf = encodeRecordBatch(batch, { compression: 'zstd' });
    expect(() => decodeRecordBatch(buf, 0, { maxDecompressedBytes: 1024 * 1024 })).toThrow(/more than 1048576 bytes/);
    expect(decodeRecordBatch(buf).records[0]!.value).toHaveLength(2 * 1024 * 1024);
  });
});

describe('decodeRecordBatches', () => {
  const batches = [
    buildRecordBatch([{ value: 'a', timestamp: 1 }], { baseOffset: 0 }),
    buildRecordBatch(
      [
        { value: 'b', timestamp: 2 },
        { value: 'c', timestamp: 3 },
      ],
      { baseOffset: 1, compression: 'lz4' },
    ),
    buildRecordBatch([{ value: 'd', timestamp: 4 }], { baseOffset: 3, compression: 'snappy' }),
  ];
  const all = Buffer.concat(batches);

  it('decodes concatenated batches in order', () => {
    const out = decodeRecordBatches(all);
    expect(out.map((b) => b.baseOffset)).toEqual([0, 1, 3]);
    expect(out.flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(['a', 'b', 'c', 'd']);
    expect(decodeRecordBatches(Buffer.alloc(0))).toEqual([]);
  });

  it('drops a partial last batch only when allowed, at every cut', () => {
    const ends = [batches[0]!.length, batches[0]!.length + batches[1]!.length, all.length];
    for (let n = 0; n < all.length; n++) {
      const cut = all.subarray(0, n);
      const whole = ends.filter((e) => e <= n).length;
      expect(decodeRecordBatches(cut, { allowPartialTrailing: true })).toHaveLength(whole);
      if (!ends.includes(n) && n > 0) expect(() => decodeRecordBatches(cut)).toThrow(DecodeError);
    }
  });

  it('still refuses a corrupt batch before the end, or a corrupt length at the end', () => {
    const bad = Buffer.from(all);
    bad[batches[0]!.length + 30]! ^= 1;
    expect(() => decodeRecordBatches(bad, { allowPartialTrailing: true })).toThrow(/CRC mismatch/);
    const tail = Buffer.concat([batches[0]!, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5])]);
    expect(() => decodeRecordBatches(tail, { allowPartialTrailing: true })).toThrow(/minimum/);
  });
});

describe('attribute helpers', () => {
  it('reads codec, timestamp type, transactional and control bits', () => {
    expect(CODECS.map((_, i) => compressionOf(i | 0x30))).toEqual(CODECS);
    expect(() => compressionOf(5)).toThrow(RangeError);
    expect(timestampTypeOf(0)).toBe('create');
    expect(timestampTypeOf(0x08)).toBe('log-append');
    expect(isTransactional(0x10)).toBe(true);
    expect(isTransactional(0x20)).toBe(false);
    expect(isControlBatch(0x20)).toBe(true);
    expect(isControlBatch(0x10)).toBe(false);
  });
});

describe('buildRecordBatch', () => {
  it('lays records out as a Java producer would', () => {
    const batch = decodeRecordBatch(
      buildRecordBatch(
        [
          { key: 'k', value: 'v', timestamp: 50 },
          { value: Buffer.from([1]), timestamp: 40 },
        ],
        {
          producerId: 9,
          producerEpoch: 2,
          baseSequence: 5,
          transactional: true,
          compression: 'gzip',
        },
      ),
    );
    expect(batch).toMatchObject({
      baseOffset: 0,
      partitionLeaderEpoch: -1,
      lastOffsetDelta: 1,
      baseTimestamp: 50,
      maxTimestamp: 50,
      producerId: 9,
      producerEpoch: 2,
      baseSequence: 5,
    });
    expect(isTransactional(batch.attributes)).toBe(true);
    expect(compressionOf(batch.attributes)).toBe('gzip');
    expect(batch.records.map((r) => [r.offsetDelta, r.timestampDelta])).toEqual([
      [0, 0],
      [1, -10],
    ]);
  });

  it('defaults to no producer id and stamps log-append time when asked', () => {
    const batch = makeRecordBatch([{ value: 'x', timestamp: 1 }], { logAppendTime: 99 });
    expect(batch).toMatchObject({ producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestamp: 99 });
    expect(timestampTypeOf(batch.attributes)).toBe('log-append');
    expect(() => makeRecordBatch([])).toThrow(RangeError);
  });
});
