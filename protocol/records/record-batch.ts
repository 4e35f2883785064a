import { DecodeError } from '../primitives/index.ts';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  type CompressionName,
} from './batch-header.ts';
import { compress, compressionCode, compressionName, decompress } from './compression.ts';
import { checkBatchFrame, MAGIC_V2, MIN_BATCH_LENGTH } from './batch-frame.ts';
import { crc32c } from './crc32c.ts';
import {
  measureRecords,
  readRecords,
  readSafeInt64,
  writeInt64,
  writeRecords,
  type KafkaRecord,
} from './records-codec.ts';

export type { KafkaRecord, RecordHeader } from './records-codec.ts';
export { checkBatchFrame, MAGIC_V2, MIN_BATCH_LENGTH } from './batch-frame.ts';
export { validateBatchForAppend, type AppendCheck, type AppendCheckOptions } from './validate-append.ts';

/**
 * A record batch v2 (magic 2), the unit Kafka appends, replicates and fetches.
 * Offsets, timestamps and producer ids are numbers: they fit in 2^53 in practice, and the
 * decoder rejects any that do not rather than round them.
 */
export interface RecordBatch {
  baseOffset: number;
  partitionLeaderEpoch: number;
  /** Codec (bits 0-2), timestamp type (3), transactional (4), control (5), delete horizon (6). */
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  records: KafkaRecord[];
}

/** Which clock a batch's timestamps come from. */
export type TimestampType = 'create' | 'log-append';

/**
 * The compression codec named by `attributes`.
 * @throws RangeError for the unassigned codes 5-7 (the decoder reports those as DecodeError first)
 */
export function compressionOf(attributes: number): CompressionName {
  const name = compressionName(attributes & COMPRESSION_CODEC_MASK);
  if (name === undefined) throw new RangeError(`unknown compression codec ${attributes & COMPRESSION_CODEC_MASK}`);
  return name;
}

/** Whether the batch holds control records (transaction markers and the like). */
export function isControlBatch(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0;
}

/** Whether the batch was written inside a transaction. */
export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
}

/** The batch's timestamp type: producer create time, or broker log-append time. */
export function timestampTypeOf(attributes: number): TimestampType {
  return attributes & TIMESTAMP_TYPE_MASK ? 'log-append' : 'create';
}

/** Options for {@link encodeRecordBatch}. */
export interface EncodeOptions {
  /** Codec to compress the records with; overrides the codec bits of `batch.attributes`. */
  compression?: CompressionName;
}

/** Per-record body sizes, reused across calls: encoding is synchronous, so one scratch suffices. */
let sizesScratch = new Int32Array(1024);

/**
 * Encodes `batch` to wire bytes: computes `batchLength`, compresses the records if asked,
 * sets the codec bits and writes the CRC-32C over attributes..end.
 * `recordsCount` is `batch.records.length`; every other header field is taken as given.
 * @throws RangeError when a field does not fit its wire type (a caller bug)
 */
export function encodeRecordBatch(batch: RecordBatch, opts: EncodeOptions = {}): Buffer {
  const codec = opts.compression ?? compressionOf(batch.attributes);
  const attributes = (batch.attributes & ~COMPRESSION_CODEC_MASK) | compressionCode(codec);
  const records = batch.records;
  if (sizesScratch.length < records.length)
    sizesScratch = new Int32Array(Math.max(records.length, sizesScratch.length * 2));
  const sectionSize = measureRecords(records, sizesScratch);

  let out: Buffer;
  if (codec === 'none') {
    out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + sectionSize);
    const end = writeRecords(out, RECORD_BATCH_OVERHEAD, records, sizesScratch);
    if (end !== out.length) throw new Error(`record sizes miscomputed: wrote ${end} of ${out.length} bytes`);
  } else {
    const plain = Buffer.allocUnsafe(sectionSize);
    const end = writeRecords(plain, 0, records, sizesScratch);
    if (end !== plain.length) throw new Error(`record sizes miscomputed: wrote ${end} of ${plain.length} bytes`);
    const packed = compress(codec, plain);
    out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + packed.length);
    packed.copy(out, RECORD_BATCH_OVERHEAD);
  }

  writeInt64(out, BASE_OFFSET_OFFSET, batch.baseOffset);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(batch.partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
  out[MAGIC_OFFSET] = MAGIC_V2;
  out.writeInt16BE((attributes << 16) >> 16, ATTRIBUTES_OFFSET);
  out.writeInt32BE(batch.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(out, BASE_TIMESTAMP_OFFSET, batch.baseTimestamp);
  writeInt64(out, MAX_TIMESTAMP_OFFSET, batch.maxTimestamp);
  writeInt64(out, PRODUCER_ID_OFFSET, batch.producerId);
  out.writeInt16BE(batch.producerEpoch, PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(batch.baseSequence, BASE_SEQUENCE_OFFSET);
  out.writeInt32BE(records.length, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return out;
}

/** Options for decoding batches. */
export interface DecodeOptions {
  /** Bound on a compressed batch's decompressed records; default 100 MiB. */
  maxDecompressedBytes?: number;
  /**
   * Verify the CRC-32C (default true). False is the Java consumer's `check.crcs=false`: for
   * batches already checked (by the broker on append, or read back from our own log), where
   * the CRC, not the parse, is most of the decoding time of large records.
   */
  verifyCrc?: boolean;
}

function safeInt64(buf: Buffer, p: number, field: string): number {
  const v = readSafeInt64(buf, p);
  if (v === undefined) throw new DecodeError(`int64 ${buf.readBigInt64BE(p)} is not a safe integer`, field, p);
  return v;
}

/**
 * Decodes the whole batch at `pos`: verifies magic 2, the CRC (unless told not to), the
 * lengths, and that the records section holds exactly `recordsCount` records. Keys and values are views into `buf`
 * (or into the decompressed records).
 * @throws DecodeError, never a partial batch
 */
export function decodeRecordBatch(buf: Buffer, pos = 0, opts: DecodeOptions = {}): RecordBatch {
  const size = checkBatchFrame(buf, pos, opts.verifyCrc ?? true);
  const end = pos + size;
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  const codec = compressionName(attributes & COMPRESSION_CODEC_MASK);
  if (codec === undefined) {
    throw new DecodeError(
      `unknown compression codec ${attributes & COMPRESSION_CODEC_MASK}`,
      'RecordBatch.Attributes',
      pos + ATTRIBUTES_OFFSET,
    );
  }
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (count < 0)
    throw new DecodeError(`negative records count ${count}`, 'RecordBatch.RecordsCount', pos + RECORDS_COUNT_OFFSET);
  const batch: RecordBatch = {
    baseOffset: safeInt64(buf, pos + BASE_OFFSET_OFFSET, 'RecordBatch.BaseOffset'),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    attributes,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: safeInt64(buf, pos + BASE_TIMESTAMP_OFFSET, 'RecordBatch.BaseTimestamp'),
    maxTimestamp: safeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, 'RecordBatch.MaxTimestamp'),
    producerId: safeInt64(buf, pos + PRODUCER_ID_OFFSET, 'RecordBatch.ProducerId'),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    records: [],
  };
  const start = pos + RECORD_BATCH_OVERHEAD;
  if (count === 0) {
    // Like Kafka's DefaultRecordBatch.iterator, an empty batch (compaction leaves these to keep
    // producer state) has no records whatever follows its header, so nothing is decompressed.
    return batch;
  }
  if (codec === 'none') {
    batch.records = readRecords(buf, start, end, count);
  } else {
    const plain = decompress(codec, buf.subarray(start, end), { maxBytes: opts.maxDecompressedBytes, at: start });
    batch.records = readRecords(plain, 0, plain.length, count, 0, `RecordBatch.Records(${codec}, decompressed)`);
  }
  return batch;
}

/** Options for {@link decodeRecordBatches}. */
export interface DecodeBatchesOptions extends DecodeOptions {
  /**
   * Drop an incomplete last batch instead of failing. Fetch responses may end in one (the
   * broker cuts at the size limit), and consumers are expected to ignore it.
   */
  allowPartialTrailing?: boolean;
}

/**
 * Decodes the concatenated batches of a record set, e.g. one partition of a Fetch response.
 * @throws DecodeError on a corrupt batch, or on a truncated last batch unless allowed
 */
export function decodeRecordBatches(buf: Buffer, opts: DecodeBatchesOptions = {}): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const left = buf.length - pos;
    const complete = left >= LOG_OVERHEAD && left >= buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (!complete && opts.allowPartialTrailing) {
      // A corrupt length is still an error, even at the end (as Kafka's ByteBufferLogInputStream).
      if (left >= LOG_OVERHEAD && buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) < MIN_BATCH_LENGTH)
        checkBatchFrame(buf, pos);
      break;
    }
    const batch = decodeRecordBatch(buf, pos, opts);
    batches.push(batch);
    pos += buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  }
  return batches;
}
