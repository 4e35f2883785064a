import { DecodeError } from '../primitives/index.ts';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
} from './batch-header.ts';
import { crc32c } from './crc32c.ts';

/** The magic byte of record batch v2. */
export const MAGIC_V2 = 2;
/** Smallest legal `batchLength`: the header after the length field, with no records. */
export const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;

/**
 * Checks the framing of the batch at `pos` (length, bounds, magic, and the CRC unless
 * `verifyCrc` is false) and returns its size.
 * @throws DecodeError
 */
export function checkBatchFrame(buf: Buffer, pos = 0, verifyCrc = true): number {
  if (buf.length - pos < LOG_OVERHEAD)
    throw new DecodeError(
      `truncated: need ${LOG_OVERHEAD} bytes, ${buf.length - pos} left`,
      'RecordBatch.BatchLength',
      pos,
    );
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new DecodeError(
      `batch length ${batchLength} below the ${MIN_BATCH_LENGTH}-byte minimum`,
      'RecordBatch.BatchLength',
      pos + BATCH_LENGTH_OFFSET,
    );
  }
  const size = batchLength + LOG_OVERHEAD;
  if (buf.length - pos < size) {
    throw new DecodeError(`truncated: batch of ${size} bytes, ${buf.length - pos} left`, 'RecordBatch', buf.length);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC_V2)
    throw new DecodeError(
      `unsupported magic ${magic} (only record batch v2 is read)`,
      'RecordBatch.Magic',
      pos + MAGIC_OFFSET,
    );
  if (!verifyCrc) return size;
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const computed = crc32c(buf, pos + ATTRIBUTES_OFFSET, pos + size);
  if (stored !== computed) {
    throw new DecodeError(
      `CRC mismatch: stored 0x${hex32(stored)}, computed 0x${hex32(computed)}`,
      'RecordBatch.CRC',
      pos + CRC_OFFSET,
    );
  }
  return size;
}

function hex32(v: number): string {
  return v.toString(16).padStart(8, '0');
}
