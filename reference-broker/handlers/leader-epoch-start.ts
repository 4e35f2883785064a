import type { Broker } from '../broker.ts';
import type { Partition } from '../topics/topic-registry.ts';

/**
 * Makes sure a single node's leader epoch is in the partition's epoch history before an answer
 * reads that history (OffsetForLeaderEpoch, ListOffsets, Fetch's last-fetched-epoch check).
 *
 * Kafka's leader records its epoch at the log end when it becomes leader (Partition.makeLeader ->
 * UnifiedLog.maybeAssignEpochStartOffset), so an empty partition of a new topic already answers
 * epoch 0 ending at offset 0. The replicated cluster does that when a node starts leading
 * (ReplicaManager.lead); a single node leads every partition from its creation in epoch 0 and
 * has no such step, so the first reader records it. Idempotent: the history only grows when the
 * leader's epoch is newer than its latest entry.
 */
export function ensureLeaderEpochStart(broker: Broker, partition: Partition): void {
  if (broker.replication.clustered || partition.leaderEpoch < 0 || !broker.replication.isLeader(partition)) return;
  const latest = partition.log.epochEntries().at(-1);
  if (!latest || latest.epoch < partition.leaderEpoch) partition.log.assignLeaderEpoch(partition.leaderEpoch);
}
