/**
 * Offset ranges of record batches, read from their headers without decoding records: what a
 * fetch returned, and which acknowledged ranges a read-back did not find.
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BATCH_LENGTH_OFFSET,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
} from '../../../protocol/records/batch-header.ts';

/** Records [baseOffset, baseOffset + count) of one partition. */
export interface OffsetRange {
  baseOffset: number;
  count: number;
  /** An idempotent batch's producer id and base sequence (-1 without). */
  producerId?: number;
  baseSequence?: number;
}

/**
 * The data batches (control batches skipped) wholly inside `records`, in order; a batch cut
 * short at the end (a fetch stops at max.bytes mid-batch) is left out. `next` is the offset after
 * the last batch read, control batches included, or -1 when none was whole.
 */
export function batchRanges(records: Buffer | null): { ranges: OffsetRange[]; next: number } {
  const ranges: OffsetRange[] = [];
  let next = -1;
  for (let pos = 0; records && pos + RECORD_BATCH_OVERHEAD <= records.length; ) {
    const size = records.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (pos + size > records.length) break;
    const base = Number(records.readBigInt64BE(pos));
    next = base + records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET) + 1;
    if ((records.readInt16BE(pos + ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) === 0)
      ranges.push({
        baseOffset: base,
        count: records.readInt32BE(pos + RECORDS_COUNT_OFFSET),
        producerId: Number(records.readBigInt64BE(pos + PRODUCER_ID_OFFSET)),
        baseSequence: records.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
      });
    pos += size;
  }
  return { ranges, next };
}

/**
 * How many records of `acked` no range of `read` covers, with a few examples; both lists sorted
 * by offset (acknowledgements of one partition arrive in order, and so do fetched batches).
 */
export function missingRecords(
  acked: readonly OffsetRange[],
  read: readonly OffsetRange[],
): { count: number; examples: number[] } {
  let count = 0;
  const examples: number[] = [];
  let j = 0;
  for (const a of acked) {
    for (let o = a.baseOffset; o < a.baseOffset + a.count; ) {
      while (j < read.length && read[j]!.baseOffset + read[j]!.count <= o) j++;
      const r = read[j];
      if (r && r.baseOffset <= o) {
        o = Math.min(a.baseOffset + a.count, r.baseOffset + r.count);
        continue;
      }
      const until = Math.min(a.baseOffset + a.count, r ? r.baseOffset : Infinity);
      count += until - o;
      if (examples.length < 5) examples.push(o);
      o = until;
    }
  }
  return { count, examples };
}
