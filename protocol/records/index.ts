/** Record batch v2: layout, CRC-32C, compression codecs, encode/decode, append validation. */
export * from './batch-header.ts';
export { crc32c } from './crc32c.ts';
export {
  compress,
  decompress,
  compressionCode,
  compressionName,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type DecompressOptions,
} from './compression.ts';
export {
  encodeRecordBatch,
  decodeRecordBatch,
  decodeRecordBatches,
  compressionOf,
  isControlBatch,
  isTransactional,
  timestampTypeOf,
  type RecordBatch,
  type KafkaRecord,
  type RecordHeader,
  type TimestampType,
  type EncodeOptions,
  type DecodeOptions,
  type DecodeBatchesOptions,
} from './record-batch.ts';
export { checkBatchFrame, MAGIC_V2, MIN_BATCH_LENGTH } from './batch-frame.ts';
export {
  validateBatchForAppend,
  AppendErrorCode,
  type AppendCheck,
  type AppendCheckOptions,
  type AppendRecordError,
} from './validate-append.ts';
export {
  ControlRecordType,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
  decodeControlRecord,
  buildEndTxnMarkerBatch,
  type ControlRecord,
  type ControlRecordName,
  type EndTxnMarkerOptions,
} from './control-record.ts';
export { buildRecordBatch, makeRecordBatch, type RecordInput, type BuildOptions } from './batch-builder.ts';
