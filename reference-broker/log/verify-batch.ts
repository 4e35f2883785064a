import { crc32c } from '../../protocol/records/crc32c.ts';
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  batchSizeAt,
} from '../../protocol/records/batch-header.ts';

/**
 * The recovery check of one whole batch: magic 2, a length that matches the bytes given, and a
 * CRC-32C that matches (it covers attributes to the end, so offsets and leader epoch the log
 * patched do not affect it).
 */
export function defaultVerifyBatch(batch: Buffer): boolean {
  if (batch.length < RECORD_BATCH_OVERHEAD) return false;
  if (batch.readInt8(MAGIC_OFFSET) !== 2) return false;
  if (batchSizeAt(batch) !== batch.length) return false;
  return crc32c(batch, ATTRIBUTES_OFFSET) === batch.readUInt32BE(CRC_OFFSET);
}
