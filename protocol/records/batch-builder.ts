import { TIMESTAMP_TYPE_MASK, TRANSACTIONAL_FLAG_MASK, type CompressionName } from './batch-header.ts';
import { compressionCode } from './compression.ts';
import { encodeRecordBatch, type RecordBatch } from './record-batch.ts';
import type { KafkaRecord, RecordHeader } from './records-codec.ts';

/** One record as a client hands it over; strings are UTF-8 encoded. */
export interface RecordInput {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: { key: string; value: Buffer | string | null }[];
  /** Create time in ms; default the time of the build. */
  timestamp?: number;
}

/** Batch-level settings; defaults are those of a plain (non-idempotent) Java producer. */
export interface BuildOptions {
  baseOffset?: number;
  /** Default -1 (none): the broker stamps its leader epoch on append. */
  partitionLeaderEpoch?: number;
  /** Default -1: no producer id (not idempotent). */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  compression?: CompressionName;
  transactional?: boolean;
  /** Set to mark the batch log-append-time with this as its max timestamp (what a broker does). */
  logAppendTime?: number;
}

function bytes(v: Buffer | string | null | undefined): Buffer | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/**
 * Lays `records` out as a batch with dense offset deltas. As in Kafka's MemoryRecordsBuilder,
 * the base timestamp is the first record's and the max timestamp the largest.
 * @throws RangeError for an empty record list (a v2 batch from a producer holds at least one)
 */
export function makeRecordBatch(records: readonly RecordInput[], opts: BuildOptions = {}): RecordBatch {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record');
  const now = Date.now();
  const baseTimestamp = records[0]!.timestamp ?? now;
  let maxTimestamp = -Infinity;
  const out = new Array<KafkaRecord>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const timestamp = r.timestamp ?? now;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const headers: RecordHeader[] = r.headers ? r.headers.map((h) => ({ key: h.key, value: bytes(h.value) })) : [];
    out[i] = {
      attributes: 0,
      timestampDelta: timestamp - baseTimestamp,
      offsetDelta: i,
      key: bytes(r.key),
      value: bytes(r.value),
      headers,
    };
  }
  let attributes = compressionCode(opts.compression ?? 'none');
  if (opts.transactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (opts.logAppendTime !== undefined) {
    attributes |= TIMESTAMP_TYPE_MASK;
    maxTimestamp = opts.logAppendTime;
  }
  return {
    baseOffset: opts.baseOffset ?? 0,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    attributes,
    lastOffsetDelta: records.length - 1,
    baseTimestamp,
    maxTimestamp,
    producerId: opts.producerId ?? -1,
    producerEpoch: opts.producerEpoch ?? -1,
    baseSequence: opts.baseSequence ?? -1,
    records: out,
  };
}

/** {@link makeRecordBatch}, encoded: the bytes a producer sends for one partition. */
export function buildRecordBatch(records: readonly RecordInput[], opts: BuildOptions = {}): Buffer {
  return encodeRecordBatch(makeRecordBatch(records, opts));
}
