import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { Broker } from '../broker.ts';
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../groups/offsets-topic.ts';
import type { Partition } from '../topics/topic-registry.ts';
import { dropsCommitMarker } from '../bugs/txn-bugs.ts';
import { buildMarkerBatch } from './control-batch.ts';
import type { TxnPartition } from './txn-metadata.ts';

/** How long a marker append waits for the in-sync replicas (Kafka writes markers with acks=all). */
const MARKER_TIMEOUT_MS = 5_000;

/** One transaction's marker, as WriteTxnMarkers carries it. */
export interface Marker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

/**
 * Appends a marker to a partition this node leads, as Kafka's WriteTxnMarkers handler does (acks=all,
 * internal topics allowed): the control batch, the producer state (the transaction closes here; an
 * abort enters the aborted index), and on a __consumer_offsets partition the transaction's pending
 * offsets of that partition's groups become committed or are dropped. A marker older than the
 * producer's epoch here is refused (INVALID_PRODUCER_EPOCH), as ProducerAppendInfo.appendEndTxnMarker does.
 */
export async function appendMarker(broker: Broker, p: Partition, m: Marker): Promise<number> {
  if (!broker.replication.isLeader(p)) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  const known = p.producers.epochOf(m.producerId);
  if (known !== undefined && known > m.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
  if (p.producers.hasOngoingTransaction(m.producerId) && dropsCommitMarker(broker.bugs, m.commit)) {
    // known bug 'drop-marker': nothing appended; the transaction here closes as aborted at the log's end
    p.producers.recordMarker(m.producerId, m.producerEpoch, false, p.log.logEndOffset - 1);
    return ErrorCode.NONE;
  }
  const now = Date.now();
  const batch = buildMarkerBatch(m.producerId, m.producerEpoch, m.commit, m.coordinatorEpoch, now);
  const appended = p.log.append(batch, p.leaderEpoch, now);
  p.producers.recordMarker(m.producerId, m.producerEpoch, m.commit, appended.baseOffset, {
    coordinatorEpoch: m.coordinatorEpoch,
    timestampMs: now,
  });
  if (p.topic === OFFSETS_TOPIC) {
    const partitions = broker.topics.get(OFFSETS_TOPIC)?.partitions.length ?? 1;
    broker.groups.completeTransaction(
      m.producerId,
      m.commit,
      (groupId) => offsetsPartitionFor(groupId, partitions) === p.index,
    );
  }
  broker.replication.afterLeaderAppend(p);
  broker.notifyAppend();
  const code = await broker.replication.waitForHighWatermark(p, appended.lastOffset + 1, 1, MARKER_TIMEOUT_MS);
  return code === ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND ? ErrorCode.NONE : code;
}

/**
 * Connections to the other nodes of the cluster: WriteTxnMarkers (Kafka's TransactionMarkerChannelManager)
 * and transaction version 2's AddPartitionsToTxn from a partition leader to the coordinator.
 */
export class MarkerChannels {
  private readonly broker: Broker;
  private readonly clients = new Map<number, Promise<RawClient>>();

  constructor(broker: Broker) {
    this.broker = broker;
  }

  /**
   * Writes `m` to partition `tp`: appended here when this node leads it, else sent to its leader
   * in a WriteTxnMarkers request. Resolves true when the marker is in (or need not be: the
   * partition is gone, or the producer moved to a newer epoch there, which Kafka's coordinator
   * also takes as done), false to try again later (no leader, leadership moved, a timeout).
   */
  async write(tp: TxnPartition, m: Marker): Promise<boolean> {
    const p = this.broker.partition(tp.topic, tp.partition);
    if (!p) return true; // a deleted topic: Kafka drops markers for unknown partitions
    if (p.leaderId === this.broker.nodeId) return done(await appendMarker(this.broker, p, m));
    if (p.leaderId < 0) return false;
    const code = await this.sendTo(p.leaderId, tp, m).catch(() => ErrorCode.NETWORK_EXCEPTION);
    return done(code);
  }

  /** A connection to node `nodeId`, null when it is not a live broker of the cluster. */
  private async clientOf(nodeId: number): Promise<RawClient | null> {
    const node = this.broker.controlPlane.brokers().find((b) => b.id === nodeId && !b.fenced);
    if (!node) return null;
    let pending = this.clients.get(nodeId);
    if (!pending) {
      pending = RawClient.connect(`${node.host}:${node.port}`, `kconform-txn-markers-${this.broker.nodeId}`, 5_000);
      this.clients.set(nodeId, pending);
      pending.catch(() => this.clients.delete(nodeId));
    }
    const client = await pending;
    if (client.closed) {
      this.clients.delete(nodeId);
      return null;
    }
    return client;
  }

  /**
   * Asks the coordinator on node `nodeId` to add `tp` to a transaction (AddPartitionsToTxn v5,
   * not verify_only: the partition leader's request of transaction version 2).
   */
  async addPartitionsAt(
    nodeId: number,
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    tp: TxnPartition,
  ): Promise<number> {
    const client = await this.clientOf(nodeId);
    if (!client) return ErrorCode.NOT_COORDINATOR;
    const r = await client.request(ApiKey.AddPartitionsToTxn, 5, {
      transactions: [
        {
          transactionalId,
          producerId: BigInt(producerId),
          producerEpoch,
          verifyOnly: false,
          topics: [{ name: tp.topic, partitions: [tp.partition] }],
        },
      ],
      v3AndBelowTransactionalId: '',
      v3AndBelowProducerId: 0n,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [],
    });
    if (r.errorCode !== ErrorCode.NONE) return r.errorCode;
    return (
      r.resultsByTransaction[0]?.topicResults[0]?.resultsByPartition[0]?.partitionErrorCode ??
      ErrorCode.UNKNOWN_SERVER_ERROR
    );
  }

  private async sendTo(nodeId: number, tp: TxnPartition, m: Marker): Promise<number> {
    const client = await this.clientOf(nodeId);
    if (!client) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const r = await client.request(ApiKey.WriteTxnMarkers, 1, {
      markers: [
        {
          producerId: BigInt(m.producerId),
          producerEpoch: m.producerEpoch,
          transactionResult: m.commit,
          topics: [{ name: tp.topic, partitionIndexes: [tp.partition] }],
          coordinatorEpoch: m.coordinatorEpoch,
          transactionVersion: 0,
        },
      ],
    });
    return r.markers[0]?.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
  }

  close(): void {
    for (const c of this.clients.values()) void c.then((client) => client.close()).catch(() => {});
    this.clients.clear();
  }
}

/** Whether a marker write's answer ends the coordinator's work on that partition (TransactionMarkerRequestCompletionHandler). */
function done(code: number): boolean {
  return (
    code === ErrorCode.NONE ||
    code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
    code === ErrorCode.INVALID_PRODUCER_EPOCH ||
    code === ErrorCode.TRANSACTION_COORDINATOR_FENCED
  );
}
