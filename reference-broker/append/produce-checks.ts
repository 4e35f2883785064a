/**
 * The checks Kafka's KafkaApis.handleProduceRequest makes before ReplicaManager sees a Produce
 * request, in Kafka's order (checked against Kafka 4.4.0's KafkaApis, RequestUtils,
 * ProduceRequest.validateRecords and ByteBufferLogInputStream):
 *
 * 1. The whole request: RequestUtils.hasTransactionalRecords looks at the first batch of every
 *    partition. A length or magic ByteBufferLogInputStream rejects while looking fails the whole
 *    request with CORRUPT_MESSAGE; a transactional first batch without a transactional id fails it
 *    with TRANSACTIONAL_ID_AUTHORIZATION_FAILED (no authorizer can grant a null id). The first
 *    transactional batch ends the scan, so later partitions are not looked at.
 * 2. Each partition: ProduceRequest.validateRecords (at least one whole batch, magic 2, no zstd
 *    before Produce v7, exactly one batch). Its errors never reach the log, so the answer carries
 *    log start offset -1.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  Compression,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  TRANSACTIONAL_FLAG_MASK,
} from '../../protocol/records/batch-header.ts';

/** LegacyRecord.RECORD_OVERHEAD_V0: ByteBufferLogInputStream's floor for any batch length. */
const MIN_ANY_BATCH_LENGTH = 14;
/** Bytes ByteBufferLogInputStream needs before it reads the magic. */
const HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1;
const MAGIC_V2 = 2;

/** What ByteBufferLogInputStream finds at one position of a record set. */
export type BatchAt =
  /** The bytes end before a whole batch: iteration stops there. */
  | { kind: 'end' }
  /** A length or magic it refuses: Kafka's CorruptRecordException. */
  | { kind: 'corrupt'; message: string }
  | { kind: 'batch'; size: number; magic: number };

/** ByteBufferLogInputStream.nextBatch at `pos`: the size of a whole batch there, the end, or a refusal. */
export function batchAt(buf: Buffer, pos = 0): BatchAt {
  const left = buf.length - pos;
  if (left < LOG_OVERHEAD) return { kind: 'end' };
  const length = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (length < MIN_ANY_BATCH_LENGTH)
    return {
      kind: 'corrupt',
      message: `Record size ${length} is less than the minimum record overhead (${MIN_ANY_BATCH_LENGTH})`,
    };
  if (left < HEADER_SIZE_UP_TO_MAGIC) return { kind: 'end' };
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic < 0 || magic > MAGIC_V2) return { kind: 'corrupt', message: `Invalid magic found in record: ${magic}` };
  return left < length + LOG_OVERHEAD ? { kind: 'end' } : { kind: 'batch', size: length + LOG_OVERHEAD, magic };
}

/** An error for the whole request: every partition gets it. */
export interface RequestError {
  errorCode: number;
  message: string;
}

/**
 * Step 1: the error that fails the whole Produce request, if any. `partitions` are the
 * partitions' record sets in request order (null records are skipped, as Kafka's
 * `instanceof Records` test does).
 */
export function produceRequestError(
  transactionalId: string | null,
  partitions: Iterable<Buffer | null>,
): RequestError | null {
  for (const records of partitions) {
    if (!records) continue;
    const first = batchAt(records);
    if (first.kind === 'corrupt') return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: first.message };
    if (first.kind !== 'batch' || first.magic !== MAGIC_V2) continue;
    if ((records.readInt16BE(ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG_MASK) === 0) continue;
    // Without an authorizer Kafka grants any transactional id, but never a null one.
    if (transactionalId === null) {
      return {
        errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        message: 'Transactional Id authorization failed.',
      };
    }
    return null;
  }
  return null;
}

/** Step 2: ProduceRequest.validateRecords for one partition; null when the records may go to the log. */
export function validateProduceRecords(apiVersion: number, records: Buffer): RequestError | null {
  const first = batchAt(records);
  if (first.kind === 'corrupt') return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: first.message };
  if (first.kind === 'end') {
    return {
      errorCode: ErrorCode.INVALID_RECORD,
      message: `Produce requests with version ${apiVersion} must have at least one record batch per partition`,
    };
  }
  if (first.magic !== MAGIC_V2) {
    return {
      errorCode: ErrorCode.INVALID_RECORD,
      message: `Produce requests with version ${apiVersion} are only allowed to contain record batches with magic version 2`,
    };
  }
  if (apiVersion < 7 && (records.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) === Compression.zstd) {
    return {
      errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      message: `Produce requests with version ${apiVersion} are not allowed to use ZStandard compression`,
    };
  }
  const second = batchAt(records, first.size);
  if (second.kind === 'corrupt') return { errorCode: ErrorCode.CORRUPT_MESSAGE, message: second.message };
  if (second.kind === 'batch') {
    return {
      errorCode: ErrorCode.INVALID_RECORD,
      message: `Produce requests with version ${apiVersion} are only allowed to contain exactly one record batch per partition`,
    };
  }
  return null;
}
