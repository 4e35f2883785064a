import {
  BASE_OFFSET_OFFSET,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  ATTRIBUTES_OFFSET,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../../protocol/records/batch-header.ts';

/** What the log keeps about a batch: where it is and which offsets and timestamps it covers. */
export interface BatchMeta {
  /** Byte position of the batch in the buffer it was read from. */
  position: number;
  /** Whole batch, header included. */
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** The header fields a log scan needs, read without allocating a full header object. */
export interface HeaderSummary {
  baseOffset: number;
  size: number;
  lastOffset: number;
  maxTimestamp: number;
  magic: number;
}

/** Reads what a scan needs from the header at `at`; the caller has checked 61 bytes are there. */
export function readHeaderSummary(buf: Buffer, at: number): HeaderSummary {
  const baseOffset = Number(buf.readBigInt64BE(at + BASE_OFFSET_OFFSET));
  return {
    baseOffset,
    size: buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD,
    lastOffset: baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
    maxTimestamp: Number(buf.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET)),
    magic: buf.readInt8(at + MAGIC_OFFSET),
  };
}

/** The result of {@link assignOffsets}. */
export interface AssignedBatches {
  batches: BatchMeta[];
  /** Some batch uses LogAppendTime (timestamp type bit set). */
  logAppendTime: boolean;
  maxTimestamp: number;
}

/**
 * Gives the batches in `buf` offsets from `nextOffset` on, each starting where the previous
 * ended (lastOffsetDelta + 1 offsets per batch, which the validator checked against the record
 * count), and stamps `leaderEpoch` in each, in place. Both fields lie outside the CRC span.
 * A buffer that is not a whole number of v2 batches is a bug upstream and throws.
 */
export function assignOffsets(buf: Buffer, nextOffset: number, leaderEpoch: number): AssignedBatches {
  if (buf.length === 0) throw new RangeError('append of an empty buffer');
  const batches: BatchMeta[] = [];
  let logAppendTime = false;
  let maxTimestamp = -1;
  let pos = 0;
  let offset = nextOffset;
  while (pos < buf.length) {
    if (buf.length - pos < RECORD_BATCH_OVERHEAD)
      throw new RangeError(`truncated batch header at byte ${pos} of an append`);
    const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    const delta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    if (buf.readInt8(pos + MAGIC_OFFSET) !== 2)
      throw new RangeError(`batch at byte ${pos} of an append is not magic 2`);
    if (size < RECORD_BATCH_OVERHEAD || pos + size > buf.length)
      throw new RangeError(`batch at byte ${pos} of an append has a bad length`);
    if (delta < 0) throw new RangeError(`batch at byte ${pos} of an append has a negative lastOffsetDelta`);
    const ts = Number(buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET));
    if (buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & TIMESTAMP_TYPE_MASK) logAppendTime = true;
    if (ts > maxTimestamp) maxTimestamp = ts;
    batches.push({ position: pos, size, baseOffset: offset, lastOffset: offset + delta, maxTimestamp: ts });
    offset += delta + 1;
    pos += size;
  }
  // Patched only once the whole buffer is known good, so a refused append leaves it untouched.
  for (const b of batches) {
    setBaseOffset(buf, b.baseOffset, b.position);
    setPartitionLeaderEpoch(buf, leaderEpoch, b.position);
  }
  return { batches, logAppendTime, maxTimestamp };
}
