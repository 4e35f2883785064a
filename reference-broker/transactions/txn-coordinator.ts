/**
 * The transaction coordinator of one node (KIP-98), as Kafka's TransactionCoordinator runs it for
 * transaction versions 1 and 2 (the version is the request's: EndTxn v5 and the implicit adds of
 * Produce v12+ are version 2, KIP-890 part 2): InitProducerId with a transactional id (epoch bumps, fencing a zombie by
 * aborting its open transaction, KIP-360 retries), AddPartitionsToTxn / AddOffsetsToTxn, EndTxn
 * (PrepareCommit/PrepareAbort written to __transaction_state, the answer, then the markers, then
 * CompleteCommit/CompleteAbort), the periodic abort of expired transactions, and the verification
 * a partition leader asks for before appending a transactional batch (KIP-890 part 1).
 * The coordinator of an id is the leader of its __transaction_state partition (txn-state-topic.ts).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-890%3A+Transactions+Server-Side+Defense
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { Broker } from '../broker.ts';
import { MarkerChannels } from './markers.ts';
import { markerOutcomes } from '../bugs/txn-bugs.ts';
import {
  addPartitionsTransit,
  completed,
  endTxnTransit,
  hasPartition,
  initTransit,
  isExpired,
  isTimedOut,
  newTxnMetadata,
  rotated,
  type TxnMetadata,
  type TxnPartition,
} from './txn-metadata.ts';
import { type LoadedTxnPartition, TRANSACTION_STATE_TOPIC, TxnStateTopic } from './txn-state-topic.ts';

/** An InitProducerId or EndTxn answer. */
export interface ProducerIdAnswer {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

const failed = (errorCode: number): ProducerIdAnswer => ({ errorCode, producerId: -1, producerEpoch: -1 });
/** Pause before a marker write is tried again (its partition had no leader here yet). */
const MARKER_RETRY_MS = 100;
/** Kafka's add.partitions.to.txn.retry.backoff.ms and .max.ms: how an implicit add waits out CONCURRENT_TRANSACTIONS. */
const ADD_RETRY_BACKOFF_MS = 20;
const ADD_RETRY_MAX_MS = 100;

export class TransactionCoordinator {
  private readonly broker: Broker;
  readonly state: TxnStateTopic;
  /** Transactional ids with a state write in flight (Kafka's pendingState): other requests get CONCURRENT_TRANSACTIONS. */
  private readonly pending = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly markers: MarkerChannels;
  private closed = false;

  constructor(broker: Broker) {
    this.broker = broker;
    this.state = new TxnStateTopic(broker);
    this.markers = new MarkerChannels(broker);
    this.timer = setInterval(() => this.abortTimedOut(Date.now()), broker.config.transactionAbortTimedOutIntervalMs);
    this.timer.unref();
    this.expiryTimer = setInterval(
      () => void this.removeExpired(Date.now()),
      broker.config.transactionRemoveExpiredTransactionalIdCleanupIntervalMs,
    );
    this.expiryTimer.unref();
  }

  /**
   * The loaded partition of `transactionalId`, or what Kafka's TransactionStateManager answers when
   * this node has not loaded it: COORDINATOR_LOAD_IN_PROGRESS while it leads the partition but has
   * not loaded it yet, NOT_COORDINATOR otherwise (also before __transaction_state exists: only
   * FindCoordinator asks for the topic).
   */
  private partitionOf(transactionalId: string): LoadedTxnPartition | number {
    const l = this.state.partitionOf(transactionalId);
    if (l) return l;
    return this.state.leaderOf(transactionalId) === this.broker.nodeId
      ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
      : ErrorCode.NOT_COORDINATOR;
  }

  private async write(l: LoadedTxnPartition, m: TxnMetadata): Promise<number> {
    this.pending.add(m.transactionalId);
    try {
      return await this.state.write(l, m);
    } finally {
      this.pending.delete(m.transactionalId);
    }
  }

  /** handleInitProducerId for a transactional id (the request checks are the handler's). */
  async initProducerId(
    transactionalId: string,
    timeoutMs: number,
    expected: { producerId: number; producerEpoch: number } | null,
  ): Promise<ProducerIdAnswer> {
    const l = this.partitionOf(transactionalId);
    if (typeof l === 'number') return failed(l);
    let m = l.txns.get(transactionalId);
    if (!m) {
      const id = await this.broker.allocateClusterProducerId();
      if (id === null) return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      // putTransactionStateIfNotExists: in memory at once, written with the first epoch bump
      m = l.txns.get(transactionalId) ?? newTxnMetadata(transactionalId, id, timeoutMs, Date.now());
      l.txns.set(transactionalId, m);
    }
    if (this.pending.has(transactionalId)) return failed(ErrorCode.CONCURRENT_TRANSACTIONS);
    const t = initTransit(m, timeoutMs, expected, Date.now());
    switch (t.kind) {
      case 'error':
        return failed(t.errorCode);
      case 'fence': {
        // abort the open transaction at a bumped epoch, never returned; the client retries and bumps again
        const r = await this.endTransaction(transactionalId, m.producerId, t.fencedEpoch, false, false);
        return failed(r.errorCode === ErrorCode.NONE ? ErrorCode.CONCURRENT_TRANSACTIONS : r.errorCode);
      }
      case 'rotate': {
        const id = await this.broker.allocateClusterProducerId();
        if (id === null) return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
        return this.answerInit(l, rotated(m, id, timeoutMs, expected !== null, Date.now()));
      }
      case 'bump':
        return this.answerInit(l, t.next);
    }
  }

  private async answerInit(l: LoadedTxnPartition, next: TxnMetadata): Promise<ProducerIdAnswer> {
    const code = await this.write(l, next);
    if (code !== ErrorCode.NONE) return failed(code);
    this.broker.log.info(
      `transaction coordinator: initialized ${next.transactionalId} with producer id ${next.producerId} epoch ${next.producerEpoch}`,
    );
    return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
  }

  /** handleAddPartitionsToTransaction (AddOffsetsToTxn adds the group's __consumer_offsets partition). */
  async addPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly TxnPartition[],
    transactionVersion = 0,
  ): Promise<number> {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const l = this.partitionOf(transactionalId);
    if (typeof l === 'number') return l;
    const m = l.txns.get(transactionalId);
    if (!m) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (m.producerId === producerId && m.producerEpoch === producerEpoch && this.pending.has(transactionalId))
      return ErrorCode.CONCURRENT_TRANSACTIONS;
    const t = addPartitionsTransit(m, producerId, producerEpoch, partitions, Date.now(), transactionVersion);
    if (t.kind === 'error') return t.errorCode;
    return this.write(l, t.next);
  }

  /**
   * Transaction version 2's implicit add of a partition before a Produce v12+ appends to it, as a
   * partition leader's AddPartitionsToTxnManager asks the coordinator (operation addPartition):
   * here when this node coordinates the id, else an AddPartitionsToTxn v5 to the node that does.
   * CONCURRENT_TRANSACTIONS (the previous transaction still writing its markers) is tried again
   * for up to {@link ADD_RETRY_MAX_MS}, as Kafka's add.partitions.to.txn.retry.backoff settings do.
   */
  async addPartitionForProduce(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    p: TxnPartition,
  ): Promise<number> {
    const deadline = Date.now() + ADD_RETRY_MAX_MS;
    for (;;) {
      const leader = this.state.leaderOf(transactionalId);
      let code: number;
      if (transactionalId === '') code = ErrorCode.INVALID_REQUEST;
      else if (leader < 0) code = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      else if (leader === this.broker.nodeId)
        code = await this.addPartitions(transactionalId, producerId, producerEpoch, [p], 2);
      else
        code = await this.markers
          .addPartitionsAt(leader, transactionalId, producerId, producerEpoch, p)
          .catch(() => ErrorCode.NETWORK_EXCEPTION);
      if (code !== ErrorCode.CONCURRENT_TRANSACTIONS || Date.now() >= deadline) return code;
      await new Promise((r) => setTimeout(r, ADD_RETRY_BACKOFF_MS));
    }
  }

  /**
   * handleVerifyPartitionsInTransaction for one partition: NONE when the partition is in the
   * transaction, TRANSACTION_ABORTABLE when not. `viaLeader` is the path of a partition leader's
   * check before a transactional append (AddPartitionsToTxnManager): the coordinator is looked up
   * first, COORDINATOR_NOT_AVAILABLE when __transaction_state has no leader for the id, and null
   * when another node of the cluster coordinates it (the append goes ahead unverified,
   * SKIPPED_FEATURES.md).
   */
  verifyPartition(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    p: TxnPartition,
    viaLeader = true,
  ): number | null {
    if (viaLeader) {
      const leader = this.state.leaderOf(transactionalId);
      if (leader < 0) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      if (leader !== this.broker.nodeId) return null;
    }
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const l = this.partitionOf(transactionalId);
    if (typeof l === 'number') return l;
    const m = l.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (m.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    return hasPartition(m, p) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE;
  }

  /** handleEndTransaction (from a client) and the coordinator's own aborts (`fromClient` false). */
  async endTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    fromClient = true,
    transactionVersion = 0,
  ): Promise<ProducerIdAnswer> {
    if (transactionalId === '') return failed(ErrorCode.INVALID_REQUEST);
    const l = this.partitionOf(transactionalId);
    if (typeof l === 'number') return failed(l);
    const m = l.txns.get(transactionalId);
    if (!m) return failed(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const t = endTxnTransit(m, producerId, producerEpoch, commit, fromClient, Date.now(), transactionVersion);
    const refused =
      t.kind === 'error' &&
      (t.errorCode === ErrorCode.INVALID_PRODUCER_ID_MAPPING || t.errorCode === ErrorCode.PRODUCER_FENCED);
    if (!refused && this.pending.has(transactionalId)) return failed(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (t.kind === 'error') {
      if (t.errorCode === ErrorCode.NONE)
        return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
      return failed(t.errorCode);
    }
    let next = t.next;
    if (t.newProducerId) {
      // version 2 with the epoch exhausted: the completion moves to a new producer id
      const id = await this.broker.allocateClusterProducerId();
      if (id === null) return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      next = { ...next, nextProducerId: id };
    }
    const code = await this.write(l, next);
    if (code !== ErrorCode.NONE) return failed(code);
    // Kafka answers once the Prepare state is durable and writes the markers afterwards
    void this.completeTransaction(l, next);
    return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
  }

  /**
   * Writes the markers of a transaction in PrepareCommit/PrepareAbort to each of its partitions,
   * trying again while a partition has no reachable leader, then writes CompleteCommit/CompleteAbort
   * (TransactionMarkerChannelManager). Stops when this node stops coordinating the id.
   */
  private async completeTransaction(l: LoadedTxnPartition, m: TxnMetadata): Promise<void> {
    // known bug 'commit-partial': some partitions of a commit get abort markers
    const outcomes = markerOutcomes(this.broker.bugs, m.state === 'PrepareCommit', m.partitions.length);
    const left = m.partitions.map((tp, i) => ({ tp, commit: outcomes[i]! }));
    while (left.length > 0) {
      if (this.closed || this.state.partitionOf(m.transactionalId) !== l) return;
      for (let i = left.length - 1; i >= 0; i--) {
        const done = await this.markers.write(left[i]!.tp, {
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          commit: left[i]!.commit,
          coordinatorEpoch: l.coordinatorEpoch,
        });
        if (done) left.splice(i, 1);
      }
      if (left.length > 0) await new Promise((r) => setTimeout(r, MARKER_RETRY_MS));
    }
    for (;;) {
      if (this.closed || this.state.partitionOf(m.transactionalId) !== l) return;
      const code = await this.write(l, completed(m, Date.now()));
      if (code === ErrorCode.NONE) return;
      if (code === ErrorCode.NOT_COORDINATOR) return;
      await new Promise((r) => setTimeout(r, MARKER_RETRY_MS));
    }
  }

  /** abortTimedOutTransactions: fence the producer (epoch + 1) and abort, as Kafka's scheduled task does. */
  abortTimedOut(now: number): void {
    for (const l of this.state.all())
      for (const m of l.txns.values()) {
        if (!isTimedOut(m, now) || this.pending.has(m.transactionalId)) continue;
        this.broker.log.info(
          `transaction coordinator: aborting ${m.transactionalId}, open longer than ${m.txnTimeoutMs} ms`,
        );
        void this.endTransaction(m.transactionalId, m.producerId, m.producerEpoch + 1, false, false);
      }
  }

  /**
   * removeExpiredTransactionalIds: every id with no transaction open and not updated for
   * transactional.id.expiration.ms is removed from its partition's state (one write per partition,
   * waiting for the ISR as Kafka's tombstones do). While the write is in flight the ids are
   * pending (Kafka's pendingState Dead): their requests get CONCURRENT_TRANSACTIONS. Afterwards
   * the id is unknown: DescribeTransactions answers TRANSACTIONAL_ID_NOT_FOUND and InitProducerId
   * starts it again with a new producer id.
   */
  async removeExpired(now: number): Promise<void> {
    const expirationMs = this.broker.config.transactionalIdExpirationMs;
    await Promise.all(
      this.state.all().map(async (l) => {
        const ids = [...l.txns.values()]
          .filter((m) => !this.pending.has(m.transactionalId) && isExpired(m, now, expirationMs))
          .map((m) => m.transactionalId);
        if (ids.length === 0) return;
        for (const id of ids) this.pending.add(id);
        try {
          const code = await this.state.remove(l, ids);
          this.broker.log.info(
            `transaction coordinator: ${code === ErrorCode.NONE ? 'removed' : `could not remove (error ${code})`} expired transactional id(s) ${ids.join(', ')}`,
          );
        } finally {
          for (const id of ids) this.pending.delete(id);
        }
      }),
    );
  }

  /** Re-reads which __transaction_state partitions this node leads; resumes the markers of what was in flight there (onElection). */
  leadershipChanged(): void {
    if (!this.broker.topics.get(TRANSACTION_STATE_TOPIC)) return;
    for (const l of this.state.leadershipChanged())
      for (const m of l.txns.values())
        if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') void this.completeTransaction(l, m);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.expiryTimer);
    this.markers.close();
  }
}
