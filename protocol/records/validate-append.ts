import { DecodeError } from '../primitives/index.ts';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  readBatchHeader,
  type BatchHeader,
} from './batch-header.ts';
import { MAGIC_V2 } from './batch-frame.ts';
import { crc32c } from './crc32c.ts';
import { compressionName, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from './compression.ts';
import { readRecords, type KafkaRecord } from './records-codec.ts';

/**
 * What a broker checks before appending the records of one partition of a Produce request
 * (v3+), in Kafka's order and with Kafka's error codes:
 *
 * 1. ProduceRequest.validateRecords: at least one whole batch, magic 2, no zstd before
 *    Produce v7, exactly one batch (a bad length or magic met while looking is CORRUPT_MESSAGE,
 *    from ByteBufferLogInputStream).
 * 2. UnifiedLog.analyzeAndValidateRecords: base offset 0, size within max.message.bytes,
 *    DefaultRecordBatch.ensureValid (size and CRC).
 * 3. LogValidator.validateBatch: offset range and count agree and are positive, no control
 *    batch from a client, a sequence when there is a producer id.
 * 4. The records, decompressed when compressed, must be exactly `recordsCount` well-formed
 *    records; then LogValidator.validateRecord per record (key on compacted topics, timestamps).
 */

/** The Kafka error codes this check answers with (values from Kafka's Errors enum). */
export const AppendErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;

/** Kafka's default max.message.bytes. */
const DEFAULT_MAX_MESSAGE_BYTES = 1048588;
/** LegacyRecord.RECORD_OVERHEAD_V0: ByteBufferLogInputStream's floor for any batch length. */
const MIN_ANY_BATCH_LENGTH = 14;
/** The last header byte ByteBufferLogInputStream needs before it trusts a length (the magic). */
const HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1;

/** The topic and request settings that decide what is accepted. */
export interface AppendCheckOptions {
  /** Produce request version; zstd needs v7+. Default: the newest. */
  apiVersion?: number;
  /** Topic max.message.bytes; default 1048588. */
  maxMessageBytes?: number;
  /** cleanup.policy includes compact: every record needs a key. */
  compacted?: boolean;
  /** Topic message.timestamp.type; default 'create'. */
  timestampType?: 'create' | 'log-append';
  /** Clock for the timestamp bounds; default Date.now(). */
  now?: number;
  /** message.timestamp.before.max.ms; default unbounded. */
  timestampBeforeMaxMs?: number;
  /** message.timestamp.after.max.ms; default unbounded. */
  timestampAfterMaxMs?: number;
  /**
   * Refuse records whose offset deltas are not 0..n-1 with INVALID_RECORD (default true).
   * Kafka itself accepts them (a compressed batch is rewritten with dense offsets, an
   * uncompressed one is stored as sent); false does the same and reports `denseOffsets: false`.
   */
  strictOffsetDeltas?: boolean;
  /** Bound on decompressed records; past it the batch is refused as MESSAGE_TOO_LARGE. Default 100 MiB. */
  maxDecompressedBytes?: number;
  /** "topic-partition" for Kafka-identical error messages. */
  topicPartition?: string;
}

/** A record Kafka's LogValidator refused, by its index in the batch. */
export interface AppendRecordError {
  batchIndex: number;
  message: string;
}

/** The verdict of {@link validateBatchForAppend}. */
export type AppendCheck =
  | {
      ok: true;
      header: BatchHeader;
      /** Number of records (equals recordsCount and lastOffsetDelta + 1). */
      count: number;
      /** Bytes of the batch; trailing bytes beyond it (a partial batch) are dropped, as Kafka does. */
      size: number;
      /** Largest record timestamp, and the offset delta of the first record that has it. */
      maxTimestamp: number;
      offsetDeltaOfMaxTimestamp: number;
      /** Whether the records' offset deltas are exactly 0..n-1. */
      denseOffsets: boolean;
    }
  | { ok: false; errorCode: number; reason: string; recordErrors?: AppendRecordError[] };

function refuse(errorCode: number, reason: string, recordErrors?: AppendRecordError[]): AppendCheck {
  return recordErrors ? { ok: false, errorCode, reason, recordErrors } : { ok: false, errorCode, reason };
}

/**
 * Result of ByteBufferLogInputStream.nextBatchSize at `pos`: the size of a whole batch there,
 * undefined when the bytes end first, or a refusal for a length or magic it rejects.
 */
function nextBatch(buf: Buffer, pos: number): number | undefined | AppendCheck {
  const left = buf.length - pos;
  if (left < LOG_OVERHEAD) return undefined;
  const length = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (length < MIN_ANY_BATCH_LENGTH) {
    return refuse(
      AppendErrorCode.CORRUPT_MESSAGE,
      `Record size ${length} is less than the minimum record overhead (${MIN_ANY_BATCH_LENGTH})`,
    );
  }
  if (left < HEADER_SIZE_UP_TO_MAGIC) return undefined;
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic < 0 || magic > MAGIC_V2)
    return refuse(AppendErrorCode.CORRUPT_MESSAGE, `Invalid magic found in record: ${magic}`);
  return left < length + LOG_OVERHEAD ? undefined : length + LOG_OVERHEAD;
}

/**
 * Checks the record set of one partition of a Produce request as a Kafka leader would before
 * appending it. Kafka errors are values: this never throws for bad input.
 */
export function validateBatchForAppend(buf: Buffer, opts: AppendCheckOptions = {}): AppendCheck {
  const where = opts.topicPartition === undefined ? '' : ` in topic partition ${opts.topicPartition}`;
  const version = opts.apiVersion ?? Number.MAX_SAFE_INTEGER;

  const first = nextBatch(buf, 0);
  if (typeof first === 'object') return first;
  if (first === undefined) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} must have at least one record batch per partition`,
    );
  }
  if (buf.readInt8(MAGIC_OFFSET) !== MAGIC_V2) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} are only allowed to contain record batches with magic version 2`,
    );
  }
  const codec = compressionName(buf.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK);
  if (codec === undefined) {
    // Kafka's CompressionType.forId throws IllegalArgumentException, which surfaces as an unknown error.
    return refuse(
      AppendErrorCode.UNKNOWN_SERVER_ERROR,
      `Unknown compression type id: ${buf.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK}`,
    );
  }
  if (codec === 'zstd' && version < 7) {
    return refuse(
      AppendErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      `Produce requests with version ${version} are not allowed to use ZStandard compression`,
    );
  }
  const second = nextBatch(buf, first);
  if (typeof second === 'object') return second;
  if (second !== undefined) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`,
    );
  }

  const size = first;
  const baseOffset = Number(buf.readBigInt64BE(0));
  if (baseOffset !== 0) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `The baseOffset of the record batch in the append${where} should be 0, but it is ${buf.readBigInt64BE(0)}`,
    );
  }
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (size > maxMessageBytes) {
    return refuse(
      AppendErrorCode.MESSAGE_TOO_LARGE,
      `The record batch size in the append${where} is ${size} bytes which exceeds the maximum configured value of ${maxMessageBytes}.`,
    );
  }
  if (size < RECORD_BATCH_OVERHEAD) {
    return refuse(
      AppendErrorCode.CORRUPT_MESSAGE,
      `Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD})`,
    );
  }
  const stored = buf.readUInt32BE(CRC_OFFSET);
  const computed = crc32c(buf, ATTRIBUTES_OFFSET, size);
  if (stored !== computed) {
    return refuse(
      AppendErrorCode.CORRUPT_MESSAGE,
      `Record is corrupt (stored crc = ${stored}, computed crc = ${computed})${where}`,
    );
  }

  const header = readBatchHeader(buf);
  const batchError = checkHeader(header, buf, where);
  if (batchError) return batchError;

  let records: KafkaRecord[];
  const start = RECORD_BATCH_OVERHEAD;
  try {
    let plain = buf;
    let end = size;
    let from = start;
    if (codec !== 'none') {
      plain = decompress(codec, buf.subarray(start, size), {
        maxBytes: opts.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
        at: start,
      });
      from = 0;
      end = plain.length;
    }
    records = readRecords(plain, from, end, header.recordsCount);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    if (e.field.startsWith('RecordBatch.Records(')) {
      const tooLarge = e.message.includes('decompresses to more than');
      return refuse(
        tooLarge ? AppendErrorCode.MESSAGE_TOO_LARGE : AppendErrorCode.CORRUPT_MESSAGE,
        `Failed to decompress record stream: ${e.message}${where}`,
      );
    }
    return refuse(AppendErrorCode.INVALID_RECORD, `Found invalid record structure: ${e.message}${where}`);
  }
  return checkRecords(header, records, size, opts, where);
}

/** LogValidator.validateBatch for a client append of a v2 batch. */
function checkHeader(header: BatchHeader, buf: Buffer, where: string): AppendCheck | undefined {
  const countFromOffsets = header.lastOffsetDelta + 1;
  if (countFromOffsets <= 0) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `Batch has an invalid offset range: [0, ${header.lastOffsetDelta}]${where}`,
    );
  }
  if (header.recordsCount <= 0) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `Invalid reported count for record batch: ${header.recordsCount}${where}`,
    );
  }
  if (countFromOffsets !== header.recordsCount) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `Inconsistent batch offset range [0, ${header.lastOffsetDelta}] and count of records ${header.recordsCount}${where}`,
    );
  }
  if (buf.readInt16BE(ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) {
    return refuse(AppendErrorCode.INVALID_RECORD, `Clients are not allowed to write control records${where}`);
  }
  if (header.producerId >= 0 && header.baseSequence < 0) {
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `Invalid sequence number ${header.baseSequence} in record batch with producerId ${header.producerId}${where}`,
    );
  }
  return undefined;
}

/** LogValidator.validateRecord for each record, then processRecordErrors. */
function checkRecords(
  header: BatchHeader,
  records: KafkaRecord[],
  size: number,
  opts: AppendCheckOptions,
  where: string,
): AppendCheck {
  const logAppendBatch = (header.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const topicCreateTime = (opts.timestampType ?? 'create') === 'create';
  const now = opts.now ?? Date.now();
  const before = opts.timestampBeforeMaxMs ?? Infinity;
  const after = opts.timestampAfterMaxMs ?? Infinity;
  const strict = opts.strictOffsetDeltas ?? true;
  const errors: AppendRecordError[] = [];
  let timestampError = false;
  let dense = true;
  let maxTimestamp = -1;
  let offsetDeltaOfMaxTimestamp = -1;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.offsetDelta !== i) {
      dense = false;
      if (strict)
        errors.push({
          batchIndex: i,
          message: `Record ${i} has offset delta ${r.offsetDelta}; a v2 batch needs deltas 0..${records.length - 1}${where}`,
        });
    }
    const timestamp = logAppendBatch ? header.maxTimestamp : header.baseTimestamp + r.timestampDelta;
    if (opts.compacted && r.key === null) {
      errors.push({ batchIndex: i, message: `Compacted topic cannot accept message without key${where}` });
    } else if (topicCreateTime && timestamp !== -1) {
      if (now - timestamp > before || timestamp - now > after) {
        timestampError = true;
        const lo = now - before;
        const hi = now + after;
        errors.push({
          batchIndex: i,
          message: `Timestamp ${timestamp} of message with offset ${r.offsetDelta} is out of range. The timestamp should be within [${lo}, ${hi}]`,
        });
      }
    } else if (logAppendBatch) {
      timestampError = true;
      errors.push({
        batchIndex: i,
        message: 'Invalid timestamp type in message. Producer should not set timestamp type to LogAppendTime.',
      });
    }
    if (timestamp > maxTimestamp) {
      maxTimestamp = timestamp;
      offsetDeltaOfMaxTimestamp = r.offsetDelta;
    }
  }
  if (errors.length > 0) {
    if (timestampError)
      return refuse(
        AppendErrorCode.INVALID_TIMESTAMP,
        'One or more records have been rejected due to invalid timestamp',
        errors,
      );
    const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`);
    return refuse(
      AppendErrorCode.INVALID_RECORD,
      `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
      errors,
    );
  }
  return {
    ok: true,
    header,
    count: records.length,
    size,
    maxTimestamp,
    offsetDeltaOfMaxTimestamp,
    denseOffsets: dense,
  };
}
