/**
 * Where transaction state lives, as in Kafka: the coordinator of a transactional id is the leader
 * of partition `abs(hash(id)) % transaction.state.log.num.partitions` of the internal topic
 * `__transaction_state`, which is replicated like any other; a new leader loads the state from its
 * copy of the log (TransactionStateManager.loadTransactionsForTxnTopicPartition).
 *
 * Simplified from Kafka (SKIPPED_FEATURES.md): each write is one record holding the state of every
 * transactional id of that partition (last one wins), not Kafka's one record per id; never compacted.
 * An expired id is left out of the next record (Kafka writes a tombstone for it).
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import type { Broker } from '../broker.ts';
import {
  coordinatorOnInternalTopic,
  keyPartitionFor,
  type CoordinatorLookup,
} from '../topics/internal-topic-coordinator.ts';
import type { Partition } from '../topics/topic-registry.ts';
import type { TxnMetadata } from './txn-metadata.ts';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
const SNAPSHOT_KEY = 'kconform.txn-state.v1';
/** How long a state write waits for the replicas (Kafka's transaction state writes use the request timeout). */
const WRITE_TIMEOUT_MS = 5_000;
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** The __transaction_state partition of `transactionalId` (TransactionStateManager.partitionFor). */
export function txnStatePartitionFor(transactionalId: string, partitions: number): number {
  return keyPartitionFor(transactionalId, partitions);
}

/** The transaction state of one __transaction_state partition this node leads, with its coordinator epoch. */
export interface LoadedTxnPartition {
  index: number;
  /** The partition's leader epoch when it was loaded (Kafka's coordinator epoch). */
  coordinatorEpoch: number;
  txns: Map<string, TxnMetadata>;
  /** Writes go one at a time, so each snapshot holds every earlier write (the last one wins on load). */
  writes: Promise<unknown>;
}

/** The __transaction_state side of the transaction coordinator of one node. */
export class TxnStateTopic {
  private readonly broker: Broker;
  private readonly loaded = new Map<number, LoadedTxnPartition>();

  constructor(broker: Broker) {
    this.broker = broker;
  }

  private get partitionCount(): number {
    return (
      this.broker.topics.get(TRANSACTION_STATE_TOPIC)?.partitions.length ??
      this.broker.config.transactionStateTopicPartitions
    );
  }

  /** The loaded partition holding `transactionalId`, or undefined when this node does not coordinate it. */
  partitionOf(transactionalId: string): LoadedTxnPartition | undefined {
    return this.loaded.get(txnStatePartitionFor(transactionalId, this.partitionCount));
  }

  /** Every loaded partition (the timeout aborter walks them). */
  all(): LoadedTxnPartition[] {
    return [...this.loaded.values()];
  }

  /** The leader of `transactionalId`'s partition as this node knows it, -1 when the topic or a leader is missing. */
  leaderOf(transactionalId: string): number {
    const topic = this.broker.topics.get(TRANSACTION_STATE_TOPIC);
    if (!topic) return -1;
    return topic.partitions[txnStatePartitionFor(transactionalId, topic.partitions.length)]?.leaderId ?? -1;
  }

  /**
   * FindCoordinator's answer for a transactional id: the leader of its partition. Before the topic
   * exists the controller is asked to create it and the client hears COORDINATOR_NOT_AVAILABLE.
   */
  coordinatorFor(transactionalId: string): CoordinatorLookup {
    return coordinatorOnInternalTopic(this.broker, TRANSACTION_STATE_TOPIC, transactionalId, {
      partitions: this.broker.config.transactionStateTopicPartitions,
      replicationFactor: this.broker.config.transactionStateTopicReplicationFactor,
    });
  }

  /**
   * Re-reads which partitions this node leads; loads the ones it newly leads from their logs and
   * drops the ones it lost. Returns the partitions newly loaded (the coordinator completes what
   * was in flight there, as Kafka's onElection does).
   */
  leadershipChanged(): LoadedTxnPartition[] {
    const topic = this.broker.topics.get(TRANSACTION_STATE_TOPIC);
    const led = (topic?.partitions ?? []).filter((p) => this.broker.replication.isLeader(p));
    const ledIndexes = new Set(led.map((p) => p.index));
    for (const [index, l] of this.loaded) {
      const p = topic?.partitions[index];
      if (!ledIndexes.has(index) || !p || p.leaderEpoch !== l.coordinatorEpoch) this.loaded.delete(index);
    }
    const fresh: LoadedTxnPartition[] = [];
    for (const p of led) {
      if (this.loaded.has(p.index)) continue;
      const l: LoadedTxnPartition = {
        index: p.index,
        coordinatorEpoch: p.leaderEpoch,
        txns: new Map(),
        writes: Promise.resolve(),
      };
      for (const m of readLastState(p)) l.txns.set(m.transactionalId, m);
      this.loaded.set(p.index, l);
      fresh.push(l);
      this.broker.log.info(
        `transaction coordinator: loaded ${TRANSACTION_STATE_TOPIC}-${p.index} in epoch ${p.leaderEpoch} (${l.txns.size} transactional id(s))`,
      );
    }
    return fresh;
  }

  /**
   * Writes the state of `l` (with `m` replacing its id's entry) and waits until every in-sync
   * replica has it, as TransactionStateManager.appendTransactionToLog does (acks=all). The
   * in-memory state changes only once the write is durable. Answers Kafka's codes for a failed
   * write: NOT_COORDINATOR when leadership moved, COORDINATOR_NOT_AVAILABLE on a timeout.
   */
  write(l: LoadedTxnPartition, m: TxnMetadata): Promise<number> {
    return this.enqueue(l, { set: m });
  }

  /**
   * Writes the state of `l` without `transactionalIds` (Kafka's tombstones for expired ids,
   * TransactionStateManager.writeTombstonesForExpiredTransactionalIds) and, once every in-sync
   * replica has it, drops them from memory. Same answers as {@link write}.
   */
  remove(l: LoadedTxnPartition, transactionalIds: readonly string[]): Promise<number> {
    return this.enqueue(l, { remove: transactionalIds });
  }

  private enqueue(l: LoadedTxnPartition, change: StateChange): Promise<number> {
    const done = l.writes.then(() => this.writeNow(l, change));
    l.writes = done;
    return done;
  }

  private async writeNow(l: LoadedTxnPartition, change: StateChange): Promise<number> {
    const p = this.broker.topics.get(TRANSACTION_STATE_TOPIC)?.partitions[l.index];
    if (!p || !this.broker.replication.isLeader(p) || p.leaderEpoch !== l.coordinatorEpoch)
      return ErrorCode.NOT_COORDINATOR;
    const all = new Map(l.txns);
    if (change.set) all.set(change.set.transactionalId, change.set);
    for (const id of change.remove ?? []) all.delete(id);
    const batch = buildRecordBatch([{ key: SNAPSHOT_KEY, value: JSON.stringify([...all.values()]) }]);
    const appended = p.log.append(batch, p.leaderEpoch, Date.now());
    this.broker.replication.afterLeaderAppend(p);
    const code = await this.broker.replication.waitForHighWatermark(p, appended.lastOffset + 1, 1, WRITE_TIMEOUT_MS);
    if (this.loaded.get(l.index) !== l) return ErrorCode.NOT_COORDINATOR;
    if (code !== ErrorCode.NONE)
      return code === ErrorCode.NOT_LEADER_OR_FOLLOWER
        ? ErrorCode.NOT_COORDINATOR
        : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (change.set) l.txns.set(change.set.transactionalId, change.set);
    for (const id of change.remove ?? []) l.txns.delete(id);
    return ErrorCode.NONE;
  }
}

/** One write to a state partition: an id's new state, or ids to drop. */
interface StateChange {
  set?: TxnMetadata;
  remove?: readonly string[];
}

/** The transactions of the last state record in `p`'s log. */
function readLastState(p: Partition): TxnMetadata[] {
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
  return last ? (JSON.parse(last) as TxnMetadata[]) : [];
}
