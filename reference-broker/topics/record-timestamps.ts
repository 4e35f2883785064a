import { decodeRecordBatch, timestampTypeOf } from '../../protocol/records/record-batch.ts';
import type { PartitionLog } from '../log/index.ts';

/** An offset and the timestamp of the record there. */
export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}

/** The records of the batch containing `offset`, each with its offset and effective timestamp. */
function recordsOfBatchAt(log: PartitionLog, offset: number): OffsetAndTimestamp[] {
  const read = log.read(offset, 1, log.logEndOffset);
  if (read.records.length === 0) return [];
  const batch = decodeRecordBatch(read.records, 0, { verifyCrc: false });
  const logAppendTime = timestampTypeOf(batch.attributes) === 'log-append';
  return batch.records.map((r) => ({
    offset: batch.baseOffset + r.offsetDelta,
    timestamp: logAppendTime ? batch.maxTimestamp : batch.baseTimestamp + r.timestampDelta,
  }));
}

/**
 * ListOffsets by timestamp at record precision, as Kafka answers: the first record at or after
 * the log start (and below `maxOffset`) whose timestamp is at or after `ts`. The log's index finds
 * the batch; the batch is decoded to find the record.
 */
export function firstRecordAtOrAfter(log: PartitionLog, ts: number, maxOffset: number): OffsetAndTimestamp | null {
  const found = log.offsetForTimestamp(ts);
  // Batches before `found` all have smaller timestamps; scan on from it, batch by batch, because
  // a batch straddling the log start may qualify only through records already deleted.
  let offset = found ? found.offset : maxOffset;
  while (offset < maxOffset) {
    const records = recordsOfBatchAt(log, offset);
    if (records.length === 0) return null;
    const hit = records.find((r) => r.offset >= log.logStartOffset && r.timestamp >= ts);
    if (hit) return hit.offset < maxOffset ? hit : null;
    offset = records[records.length - 1]!.offset + 1;
  }
  return null;
}

/** ListOffsets MAX_TIMESTAMP (KIP-734): the first record carrying the largest timestamp. */
export function recordWithMaxTimestamp(log: PartitionLog): OffsetAndTimestamp | null {
  const found = log.maxTimestampOffset();
  if (!found) return null;
  return (
    recordsOfBatchAt(log, found.offset).find(
      (r) => r.timestamp === found.timestamp && r.offset >= log.logStartOffset,
    ) ?? found
  );
}
