import { type BatchHeader, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from '../../protocol/records/batch-header.ts';
import { markerCoordinatorEpoch, markerIsCommit } from '../transactions/control-batch.ts';
import type { PartitionProducerState } from './producer-state.ts';

/**
 * Applies one batch already in the log to a partition's producer state, as Kafka's
 * ProducerStateManager does when it reads the log (recovery, followers): sequences of idempotent
 * batches, the first offset of each open transaction, and commit/abort markers that end them.
 * `buf.subarray(pos, pos + size)` is the whole batch.
 */
export function observeBatch(
  state: PartitionProducerState,
  h: BatchHeader,
  buf: Buffer,
  pos: number,
  size: number,
  logAppendTimeMs = -1,
): void {
  if (h.producerId < 0) return;
  const lastOffset = h.baseOffset + h.lastOffsetDelta;
  if ((h.attributes & CONTROL_FLAG_MASK) !== 0) {
    const commit = markerIsCommit(buf, pos, size);
    if (commit !== null)
      state.recordMarker(h.producerId, h.producerEpoch, commit, h.baseOffset, {
        coordinatorEpoch: markerCoordinatorEpoch(buf, pos, size),
        timestampMs: h.maxTimestamp,
      });
    return;
  }
  state.record(
    {
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      count: h.lastOffsetDelta + 1,
      maxTimestamp: h.maxTimestamp,
    },
    h.baseOffset,
    lastOffset,
    logAppendTimeMs,
  );
  if ((h.attributes & TRANSACTIONAL_FLAG_MASK) !== 0) state.recordTransactional(h.producerId, h.baseOffset);
}
