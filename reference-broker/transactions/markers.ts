import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { Broker } from '../broker.ts';
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../groups/offsets-topic.ts';
import { buildMarkerBatch } from './control-batch.ts';
import type { TxnPartition } from './txn-metadata.ts';

/** How long a marker append waits for the in-sync replicas (Kafka writes markers with acks=all). */
const MARKER_TIMEOUT_MS = 5_000;

/**
 * Writes the commit or abort marker of `producerId`'s transaction to one partition this node
 * leads, as Kafka's WriteTxnMarkers handler does (acks=all, internal topics allowed): the control
 * batch, the producer state (the transaction closes here; an abort enters the aborted index), and
 * on a __consumer_offsets partition the transaction's pending offsets of that partition's groups
 * become committed or are dropped. Resolves true when the marker is in (or needs not be: the
 * partition is gone, or the producer moved to a newer epoch there), false to try again later
 * (no leader here yet, the replicas did not confirm in time).
 */
export async function writeMarker(
  broker: Broker,
  tp: TxnPartition,
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  coordinatorEpoch: number,
): Promise<boolean> {
  const p = broker.partition(tp.topic, tp.partition);
  if (!p) return true; // deleted topic: Kafka drops markers for unknown partitions
  if (!broker.replication.isLeader(p)) return false;
  const known = p.producers.epochOf(producerId);
  if (known !== undefined && known > producerEpoch) return true; // Kafka refuses it (INVALID_PRODUCER_EPOCH) and the coordinator moves on
  const now = Date.now();
  const appended = p.log.append(
    buildMarkerBatch(producerId, producerEpoch, commit, coordinatorEpoch, now),
    p.leaderEpoch,
    now,
  );
  p.producers.recordMarker(producerId, producerEpoch, commit, appended.baseOffset);
  if (tp.topic === OFFSETS_TOPIC) {
    const partitions = broker.topics.get(OFFSETS_TOPIC)?.partitions.length ?? 1;
    broker.groups.completeTransaction(
      producerId,
      commit,
      (groupId) => offsetsPartitionFor(groupId, partitions) === tp.partition,
    );
  }
  broker.replication.afterLeaderAppend(p);
  broker.notifyAppend();
  const code = await broker.replication.waitForHighWatermark(p, appended.lastOffset + 1, 1, MARKER_TIMEOUT_MS);
  return code === ErrorCode.NONE || code === ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
}
