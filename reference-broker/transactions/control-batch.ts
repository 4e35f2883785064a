/**
 * Transaction markers: the control batches a transaction coordinator writes to every partition of
 * a transaction when it ends (KIP-98). As Kafka's MemoryRecords.withEndTransactionMarker lays them
 * out: attributes transactional (bit 4) and control (bit 5), the producer's id and epoch, base
 * sequence -1, and one record whose key is the ControlRecordType (version 0, type 0 = abort,
 * 1 = commit) and whose value is the EndTransactionMarker (version 0, coordinator epoch).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 */
import { CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from '../../protocol/records/batch-header.ts';
import { decodeRecordBatches, encodeRecordBatch } from '../../protocol/records/record-batch.ts';

/** ControlRecordType.ABORT and COMMIT. */
export const ControlRecordType = { abort: 0, commit: 1 } as const;

/** The control batch ending a transaction of `producerId` at `producerEpoch`. */
export function buildMarkerBatch(
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  coordinatorEpoch: number,
  timestampMs: number,
): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? ControlRecordType.commit : ControlRecordType.abort, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return encodeRecordBatch({
    baseOffset: 0,
    partitionLeaderEpoch: -1,
    attributes: TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK,
    lastOffsetDelta: 0,
    baseTimestamp: timestampMs,
    maxTimestamp: timestampMs,
    producerId,
    producerEpoch,
    baseSequence: -1,
    records: [{ attributes: 0, timestampDelta: 0, offsetDelta: 0, key, value, headers: [] }],
  });
}

/**
 * Whether the control batch at `pos` of `buf` (one whole batch) is a commit marker: true for
 * commit, false for abort, null for another control record (Kafka ignores unknown types).
 */
export function markerIsCommit(buf: Buffer, pos: number, size: number): boolean | null {
  const [batch] = decodeRecordBatches(buf.subarray(pos, pos + size));
  const key = batch?.records[0]?.key;
  if (!key || key.length < 4) return null;
  const type = key.readInt16BE(2);
  if (type === ControlRecordType.commit) return true;
  if (type === ControlRecordType.abort) return false;
  return null;
}

/** The coordinator epoch in the marker at `pos` of `buf` (its EndTransactionMarker value), -1 when it has none. */
export function markerCoordinatorEpoch(buf: Buffer, pos: number, size: number): number {
  const [batch] = decodeRecordBatches(buf.subarray(pos, pos + size));
  const value = batch?.records[0]?.value;
  return value && value.length >= 6 ? value.readInt32BE(2) : -1;
}
