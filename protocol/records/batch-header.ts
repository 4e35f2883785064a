/**
 * Layout of the record batch v2 header (magic 2), as in Kafka's DefaultRecordBatch:
 *
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 *   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 *   producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records…
 *
 * The CRC-32C covers everything from `attributes` to the end of the batch, so a broker can
 * assign offsets and stamp the leader epoch in place without recomputing it.
 */
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
/** Size of the fixed header; records start here. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the part of the header not counted in batchLength. */
export const LOG_OVERHEAD = 12;

/** attributes bits */
export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

/** Compression codecs as numbered in the attributes field. */
export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof Compression;

/** The header fields of one batch, read without touching its records. */
export interface BatchHeader {
  baseOffset: number;
  /** Bytes after the batchLength field; the whole batch is `batchLength + LOG_OVERHEAD`. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Reads the header of the batch at `pos`; the caller has checked that 61 bytes are there. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET)),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: Number(buf.readBigInt64BE(pos + BASE_TIMESTAMP_OFFSET)),
    maxTimestamp: Number(buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET)),
    producerId: Number(buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET)),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordsCount: buf.readInt32BE(pos + RECORDS_COUNT_OFFSET),
  };
}

/** Total size in bytes of the batch at `pos` (header included). */
export function batchSizeAt(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
}

/** Sets the base offset in place (outside the CRC span, so the CRC stays valid). */
export function setBaseOffset(buf: Buffer, baseOffset: number, pos = 0): void {
  buf.writeBigInt64BE(BigInt(baseOffset), pos + BASE_OFFSET_OFFSET);
}

/** Stamps the partition leader epoch in place (outside the CRC span). */
export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, pos = 0): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}
