import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Compression } from './batch-header.ts';
import { decodeRecordBatch, encodeRecordBatch, type KafkaRecord, type RecordBatch } from './record-batch.ts';

/**
 * Golden bytes against kafkajs 2.2.4's own record batch encoder: the same records with the same
 * timestamps must give identical bytes uncompressed (and gzip, since both use zlib defaults);
 * batches kafkajs compresses must decode with ours, and ours with kafkajs's decoder.
 */
const require = createRequire(import.meta.url);

interface KafkajsHeaders {
  [key: string]: Buffer;
}
type KafkajsRecordFn = (r: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkajsHeaders;
}) => unknown;
type KafkajsBatchFn = (b: Record<string, unknown>) => Promise<{ buffer: Buffer }>;

const { RecordBatch: kafkajsBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: KafkajsBatchFn };
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as KafkajsRecordFn;
const kafkajsDecode = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{
  records: {
    key: Buffer | null;
    value: Buffer | null;
    offset: string;
    timestamp: string;
    headers: Record<string, Buffer>;
  }[];
}>;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
const kafkajsCodecs = require('kafkajs/src/protocol/message/compression') as { Codecs: Record<number, unknown> };

/** kafkajs-snappy is a dev-only extra; without it the snappy cases are skipped. */
let snappyCodec: unknown;
try {
  snappyCodec = require('kafkajs-snappy');
  kafkajsCodecs.Codecs[Compression.snappy] = snappyCodec;
} catch {
  snappyCodec = undefined;
}

/**
 * What kafkajs can express: record attributes 0, non-null header values, unique header keys that
 * are not array indices (kafkajs passes headers as an object, which would reorder those).
 */
const arbKafkajsBatch: fc.Arbitrary<RecordBatch> = fc
  .record({
    baseOffset: fc.nat(2 ** 40),
    partitionLeaderEpoch: fc.nat(1000),
    transactional: fc.boolean(),
    baseTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    producerId: fc.integer({ min: -1, max: 2 ** 40 }),
    producerEpoch: fc.nat(32767),
    baseSequence: fc.nat(2 ** 31 - 1),
    records: fc.array(
      fc.record({
        timestampDelta: fc.integer({ min: 0, max: 2 ** 40 }),
        key: fc.option(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))),
        value: fc.option(fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b))),
        headers: fc.uniqueArray(
          fc.record({
            key: fc.string({ unit: 'grapheme', maxLength: 10 }).map((k) => `h${k}`),
            value: fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
          }),
          {
            selector: (h) => h.key,
            maxLength: 3,
          },
        ),
      }),
      { minLength: 1, maxLength: 20 },
    ),
  })
  .map((b) => ({
    baseOffset: b.baseOffset,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    attributes: b.transactional ? 0x10 : 0,
    lastOffsetDelta: b.records.length - 1,
    baseTimestamp: b.baseTimestamp,
    maxTimestamp: b.baseTimestamp + Math.max(...b.records.map((r) => r.timestampDelta)),
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    records: b.records.map(
      (r, i): KafkaRecord => ({
        attributes: 0,
        timestampDelta: r.timestampDelta,
        offsetDelta: i,
        key: r.key,
        value: r.value,
        headers: r.headers,
      }),
    ),
  }));

async function kafkajsEncode(batch: RecordBatch, compression: number): Promise<Buffer> {
  const records = batch.records.map((r) =>
    kafkajsRecord({
      offsetDelta: r.offsetDelta,
      timestampDelta: r.timestampDelta,
      key: r.key,
      value: r.value,
      headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value!])),
    }),
  );
  const encoder = await kafkajsBatch({
    compression,
    firstOffset: batch.baseOffset,
    firstTimestamp: batch.baseTimestamp,
    maxTimestamp: batch.maxTimestamp,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    lastOffsetDelta: batch.lastOffsetDelta,
    transactional: (batch.attributes & 0x10) !== 0,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    firstSequence: batch.baseSequence,
    records,
  });
  return encoder.buffer;
}

describe('golden bytes against kafkajs 2.2.4', () => {
  it('uncompressed: identical bytes for the same records and timestamps', async () => {
    await fc.assert(
      fc.asyncProperty(arbKafkajsBatch, async (batch) => {
        const theirs = await kafkajsEncode(batch, Compression.none);
        expect(encodeRecordBatch(batch).toString('hex')).toBe(theirs.toString('hex'));
      }),
      { numRuns: 200 },
    );
  });

  it('gzip: identical bytes too (both use zlib with default settings)', async () => {
    await fc.assert(
      fc.asyncProperty(arbKafkajsBatch, async (batch) => {
        const theirs = await kafkajsEncode(batch, Compression.gzip);
        expect(encodeRecordBatch(batch, { compression: 'gzip' }).equals(theirs)).toBe(true);
        expect(decodeRecordBatch(theirs).records).toEqual(batch.records);
      }),
      { numRuns: 50 },
    );
  });

  it.skipIf(snappyCodec === undefined)('snappy: kafkajs-snappy batches (one raw block) decode with ours', async () => {
    await fc.assert(
      fc.asyncProperty(arbKafkajsBatch, async (batch) => {
        const theirs = await kafkajsEncode(batch, Compression.snappy);
        expect(decodeRecordBatch(theirs)).toEqual({ ...batch, attributes: batch.attributes | Compression.snappy });
      }),
      { numRuns: 50 },
    );
  });

  for (const codec of ['none', 'gzip', 'snappy'] as const) {
    it.skipIf(codec === 'snappy' && snappyCodec === undefined)(
      `${codec}: kafkajs's decoder reads our batches`,
      async () => {
        await fc.assert(
          fc.asyncProperty(arbKafkajsBatch, async (batch) => {
            const decoded = await kafkajsDecode(new KafkajsDecoder(encodeRecordBatch(batch, { compression: codec })));
            expect(decoded.records.map((r) => [r.offset, r.timestamp, r.key, r.value])).toEqual(
              batch.records.map((r) => [
                String(batch.baseOffset + r.offsetDelta),
                String(batch.baseTimestamp + r.timestampDelta),
                r.key,
                r.value,
              ]),
            );
          }),
          { numRuns: 30 },
        );
      },
    );
  }
});
