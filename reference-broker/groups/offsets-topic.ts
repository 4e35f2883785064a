/**
 * Group coordination in the replicated reference cluster, as Kafka does it: the coordinator of a
 * group is the leader of partition `abs(hash(groupId)) % offsets.topic.num.partitions` of the
 * internal topic `__consumer_offsets`, and the coordinator's durable state (committed offsets and
 * each group's stored metadata) is written to that partition, which is replicated like any
 * other. When leadership of the partition moves, the new leader loads the state from its copy of
 * the log, so committed offsets survive a coordinator failover.
 *
 * Simplified from Kafka: each write is one record holding the whole state of the groups of that
 * partition (a snapshot, last one wins) instead of one record per offset; the log is never
 * compacted (it holds what kconform's runs write).
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import type { Broker } from '../broker.ts';
import type { Partition } from '../topics/topic-registry.ts';
import {
  coordinatorOnInternalTopic,
  keyPartitionFor,
  type CoordinatorLookup,
} from '../topics/internal-topic-coordinator.ts';
import type { CoordinatorSnapshot } from './snapshot.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';
const SNAPSHOT_KEY = 'kconform.group-state.v1';
/** offsets.commit.timeout.ms: how long an OffsetCommit waits for the replicas. */
const COMMIT_TIMEOUT_MS = 5_000;
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** The __consumer_offsets partition of `groupId` (Kafka's GroupCoordinator.partitionFor). */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  return keyPartitionFor(groupId, partitions);
}

/** The cluster side of the group coordinator of one node. */
export class ReplicatedGroupState {
  private readonly broker: Broker;
  /** Offsets partitions this node leads and has loaded, with the last slice it wrote to each. */
  private readonly loaded = new Map<number, string>();
  /** Last offset written to each partition, which a commit waits to see replicated. */
  private readonly lastWrite = new Map<number, number>();

  constructor(broker: Broker) {
    this.broker = broker;
  }

  private get partitions(): number {
    return this.broker.topics.get(OFFSETS_TOPIC)?.partitions.length ?? this.broker.config.offsetsTopicPartitions;
  }

  /** True when this node coordinates `groupId` now. */
  owns(groupId: string): boolean {
    return this.loaded.has(offsetsPartitionFor(groupId, this.partitions));
  }

  /**
   * FindCoordinator's answer: the leader of the group's partition. Before the internal topic
   * exists the controller is asked to create it and the client hears COORDINATOR_NOT_AVAILABLE,
   * as with Kafka.
   */
  coordinatorFor(groupId: string): CoordinatorLookup {
    return coordinatorOnInternalTopic(this.broker, OFFSETS_TOPIC, groupId, {
      partitions: this.broker.config.offsetsTopicPartitions,
      replicationFactor: this.broker.config.offsetsTopicReplicationFactor,
    });
  }

  /**
   * Re-reads which offsets partitions this node leads; when that changed, reloads the
   * coordinator from the logs of the partitions it leads now (the coordinator failover).
   */
  leadershipChanged(): void {
    const topic = this.broker.topics.get(OFFSETS_TOPIC);
    const led = new Set(
      (topic?.partitions ?? []).filter((p) => this.broker.replication.isLeader(p)).map((p) => p.index),
    );
    const same = led.size === this.loaded.size && [...led].every((i) => this.loaded.has(i));
    if (same) return;
    const snapshot: CoordinatorSnapshot = { version: 1, groups: [], offsets: [], pendingTxnOffsets: [] };
    this.loaded.clear();
    for (const index of led) {
      const slice = readLastSlice(topic!.partitions[index]!);
      this.loaded.set(index, slice ? JSON.stringify(slice) : '');
      if (slice) {
        snapshot.groups.push(...slice.groups);
        snapshot.offsets.push(...slice.offsets);
        snapshot.pendingTxnOffsets!.push(...(slice.pendingTxnOffsets ?? []));
      }
    }
    this.broker.log.info(
      `group coordinator: now coordinating ${OFFSETS_TOPIC} partition(s) [${[...led].sort((a, b) => a - b).join(',')}] (${snapshot.groups.length} group record(s), ${snapshot.offsets.length} committed offset(s) loaded)`,
    );
    this.broker.groups.restore(snapshot);
  }

  /** Writes the state of every loaded partition whose groups changed (the coordinator's onPersistentStateChange). */
  persist(): void {
    const topic = this.broker.topics.get(OFFSETS_TOPIC);
    if (!topic || this.loaded.size === 0) return;
    const all = this.broker.groups.snapshot();
    for (const [index, written] of this.loaded) {
      const p = topic.partitions[index];
      if (!p || !this.broker.replication.isLeader(p)) continue;
      const inSlice = (groupId: string) => offsetsPartitionFor(groupId, topic.partitions.length) === index;
      const slice: CoordinatorSnapshot = {
        version: 1,
        groups: all.groups.filter((g) => inSlice(g.groupId)),
        offsets: all.offsets.filter((o) => inSlice(o.groupId)),
      };
      const pending = (all.pendingTxnOffsets ?? []).filter((o) => inSlice(o.groupId));
      if (pending.length > 0) slice.pendingTxnOffsets = pending;
      const json = JSON.stringify(slice);
      if (json === written) continue;
      const batch = buildRecordBatch([{ key: SNAPSHOT_KEY, value: json }]);
      const appended = p.log.append(batch, p.leaderEpoch, Date.now());
      this.broker.replication.afterLeaderAppend(p);
      this.loaded.set(index, json);
      this.lastWrite.set(index, appended.lastOffset);
    }
  }

  /**
   * Waits until the last write for `groupId`'s partition is on every in-sync replica, as an
   * OffsetCommit does (acks=all to __consumer_offsets). Answers Kafka's codes for a failed
   * write: NOT_COORDINATOR when leadership moved, COORDINATOR_NOT_AVAILABLE when the replicas
   * did not confirm in time (GroupMetadataManager's mapping).
   */
  async awaitDurable(groupId: string): Promise<number> {
    const topic = this.broker.topics.get(OFFSETS_TOPIC);
    if (!topic) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const index = offsetsPartitionFor(groupId, topic.partitions.length);
    const offset = this.lastWrite.get(index);
    const p = topic.partitions[index]!;
    if (offset === undefined) return ErrorCode.NONE;
    const code = await this.broker.replication.waitForHighWatermark(p, offset + 1, 1, COMMIT_TIMEOUT_MS);
    if (code === ErrorCode.NONE) return code;
    return code === ErrorCode.NOT_LEADER_OR_FOLLOWER ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}

/** The last state record in `p`'s log, or null when it holds none. */
function readLastSlice(p: Partition): CoordinatorSnapshot | null {
  const log = p.log;
  let last: string | null = null;
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, READ_CHUNK_BYTES, log.logEndOffset, true);
    if (records.length === 0) break;
    const batches = decodeRecordBatches(records, { allowPartialTrailing: true });
    if (batches.length === 0) break;
    for (const b of batches) {
      for (const r of b.records)
        if (r.key?.toString('utf8') === SNAPSHOT_KEY && r.value) last = r.value.toString('utf8');
      offset = b.baseOffset + b.lastOffsetDelta + 1;
    }
  }
  return last ? (JSON.parse(last) as CoordinatorSnapshot) : null;
}
