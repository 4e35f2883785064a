/**
 * The transaction coordinator's state of one transactional id and its transitions, as Kafka's
 * TransactionMetadata and TransactionCoordinator decide them (transaction versions 0/1, KIP-98 and
 * KIP-360, and version 2, KIP-890 part 2: the epoch bumps on every EndTxn; checked against
 * apache/kafka core/src/main/scala/kafka/coordinator/transaction/ and Kafka 4.4.0's answers).
 * Pure: the coordinator persists the result and does the I/O.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';

/** Kafka's TransactionState names (DescribeTransactions shows them). */
export type TxnState =
  | 'Empty'
  | 'Ongoing'
  | 'PrepareCommit'
  | 'PrepareAbort'
  | 'CompleteCommit'
  | 'CompleteAbort'
  | 'Dead';

/** A partition of a transaction. */
export interface TxnPartition {
  topic: string;
  partition: number;
}

/** What the coordinator keeps (and writes to __transaction_state) for one transactional id. */
export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  /** The id before a rotation on epoch exhaustion (a retry of that InitProducerId is recognised). */
  previousProducerId: number;
  producerEpoch: number;
  /** The epoch before the last InitProducerId bump (KIP-360 retries), -1 when fenced by a new producer. */
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TxnState;
  partitions: TxnPartition[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /**
   * The transaction version of the client's last transition (Kafka's clientTransactionVersion:
   * 2 after an EndTxn v5 or a partition added by a Produce v12+, else 0). Absent in state written
   * before version 2 was served: 0.
   */
  clientTransactionVersion?: number;
  /** Version 2, epoch exhausted: the producer id the transaction's completion moves to (-1: none). */
  nextProducerId?: number;
}

/** Kafka's TransactionVersion.supportsEpochBump: version 2 bumps the epoch on every EndTxn. */
export function supportsEpochBump(transactionVersion: number | undefined): boolean {
  return (transactionVersion ?? 0) >= 2;
}

/** RecordBatch.NO_PRODUCER_EPOCH. */
export const NO_EPOCH = -1;
/** Epochs at or above this are exhausted: the next InitProducerId rotates the producer id (Short.MaxValue - 1). */
export const EXHAUSTED_EPOCH = 32766;

/** A fresh transactional id, before its first InitProducerId bumps the epoch to 0. */
export function newTxnMetadata(
  transactionalId: string,
  producerId: number,
  timeoutMs: number,
  now: number,
): TxnMetadata {
  return {
    transactionalId,
    producerId,
    previousProducerId: -1,
    producerEpoch: NO_EPOCH,
    lastProducerEpoch: NO_EPOCH,
    txnTimeoutMs: timeoutMs,
    state: 'Empty',
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: now,
  };
}

/** The outcome of an InitProducerId against existing metadata. */
export type InitTransit =
  | { kind: 'error'; errorCode: number }
  /** Write this and answer with its id and epoch. */
  | { kind: 'bump'; next: TxnMetadata }
  /** The epoch is exhausted: rotate to a new producer id (the caller allocates it). */
  | { kind: 'rotate' }
  /** An open transaction: abort it at this bumped epoch, then answer CONCURRENT_TRANSACTIONS. */
  | { kind: 'fence'; fencedEpoch: number };

/** TransactionCoordinator.prepareInitProducerIdTransit. `expected` is the request's id and epoch (KIP-360), if any. */
export function initTransit(
  m: TxnMetadata,
  timeoutMs: number,
  expected: { producerId: number; producerEpoch: number } | null,
  now: number,
): InitTransit {
  const validId =
    expected === null ||
    m.producerEpoch === NO_EPOCH ||
    expected.producerId === m.producerId ||
    (expected.producerId === m.previousProducerId && expected.producerEpoch >= EXHAUSTED_EPOCH);
  if (!validId) return { kind: 'error', errorCode: ErrorCode.PRODUCER_FENCED };
  switch (m.state) {
    case 'PrepareAbort':
    case 'PrepareCommit':
      return { kind: 'error', errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
    case 'Ongoing':
      return { kind: 'fence', fencedEpoch: m.producerEpoch + 1 };
    case 'Dead':
      return { kind: 'error', errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
    default:
      break;
  }
  if (m.producerEpoch >= EXHAUSTED_EPOCH && (expected === null || expected.producerEpoch === m.producerEpoch))
    return { kind: 'rotate' };
  // prepareIncrementProducerEpoch
  let epoch: number;
  let last: number;
  if (expected === null) [epoch, last] = [m.producerEpoch + 1, NO_EPOCH];
  else if (m.producerEpoch === NO_EPOCH || expected.producerEpoch === m.producerEpoch)
    [epoch, last] = [m.producerEpoch + 1, m.producerEpoch];
  else if (expected.producerEpoch === m.lastProducerEpoch) [epoch, last] = [m.producerEpoch, m.lastProducerEpoch];
  else return { kind: 'error', errorCode: ErrorCode.PRODUCER_FENCED };
  return {
    kind: 'bump',
    next: {
      ...m,
      producerEpoch: epoch,
      lastProducerEpoch: last,
      txnTimeoutMs: timeoutMs,
      state: 'Empty',
      partitions: [],
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: now,
    },
  };
}

/** prepareProducerIdRotation: a new id at epoch 0. */
export function rotated(
  m: TxnMetadata,
  producerId: number,
  timeoutMs: number,
  recordLastEpoch: boolean,
  now: number,
): TxnMetadata {
  return {
    ...m,
    previousProducerId: m.producerId,
    producerId,
    producerEpoch: 0,
    lastProducerEpoch: recordLastEpoch ? m.producerEpoch : NO_EPOCH,
    txnTimeoutMs: timeoutMs,
    state: 'Empty',
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: now,
  };
}

function samePartition(a: TxnPartition, b: TxnPartition): boolean {
  return a.topic === b.topic && a.partition === b.partition;
}

/** True when `p` is one of the transaction's partitions. */
export function hasPartition(m: TxnMetadata, p: TxnPartition): boolean {
  return m.partitions.some((q) => samePartition(p, q));
}

/** The outcome of AddPartitionsToTxn / AddOffsetsToTxn: an error (NONE when nothing changes), or the metadata to write. */
export type AddTransit = { kind: 'error'; errorCode: number } | { kind: 'add'; next: TxnMetadata };

/** handleAddPartitionsToTransaction's checks and prepareAddPartitions. */
export function addPartitionsTransit(
  m: TxnMetadata,
  producerId: number,
  producerEpoch: number,
  partitions: readonly TxnPartition[],
  now: number,
  transactionVersion = 0,
): AddTransit {
  if (m.producerId !== producerId) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
  if (m.producerEpoch !== producerEpoch) return { kind: 'error', errorCode: ErrorCode.PRODUCER_FENCED };
  if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort')
    return { kind: 'error', errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
  if (m.state === 'Ongoing' && partitions.every((p) => hasPartition(m, p)))
    return { kind: 'error', errorCode: ErrorCode.NONE };
  const starts = m.state === 'Empty' || m.state === 'CompleteAbort' || m.state === 'CompleteCommit';
  const added = [...m.partitions];
  for (const p of partitions) if (!added.some((q) => samePartition(p, q))) added.push({ ...p });
  return {
    kind: 'add',
    next: {
      ...m,
      state: 'Ongoing',
      partitions: added,
      txnStartTimestamp: starts ? now : m.txnStartTimestamp,
      txnLastUpdateTimestamp: now,
      clientTransactionVersion: transactionVersion,
    },
  };
}

/** The outcome of EndTxn's checks: an error (NONE for a retry of a completed end), or the Prepare state to write. */
export type EndTransit =
  | { kind: 'error'; errorCode: number; answerCurrent?: boolean }
  /** `newProducerId`: version 2 with the epoch exhausted, the caller allocates the id the completion moves to. */
  | { kind: 'prepare'; next: TxnMetadata; newProducerId?: boolean };

/**
 * TransactionCoordinator.endTransaction's checks. Transaction version 1: strict epoch equality
 * from clients (the coordinator's own aborts, after fencing, may carry a higher epoch, which
 * becomes the epoch). Version 2 (the metadata's last client transition was version 2): the same
 * epoch means the next end, so a retry of an end already done is recognised by epoch + 1 (or a
 * rotated producer id); any other epoch is PRODUCER_FENCED — which is what refuses a late EndTxn
 * once the next transaction runs at the bumped epoch (KAFKA-17754). `transactionVersion` is the
 * request's (EndTxn v5+: 2); a version 2 end bumps the epoch at Prepare (prepareAbortOrCommit).
 */
export function endTxnTransit(
  m: TxnMetadata,
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  fromClient: boolean,
  now: number,
  transactionVersion = 0,
): EndTransit {
  // the coordinator's own aborts are Kafka's PrepareEpochFence path, which keeps version 1's epoch rules
  const atLeastV2 = fromClient && supportsEpochBump(m.clientTransactionVersion);
  const retryOnOverflow =
    atLeastV2 && m.previousProducerId === producerId && producerEpoch === EXHAUSTED_EPOCH && m.producerEpoch === 0;
  const retryOnEpochBump = atLeastV2 && m.producerEpoch === producerEpoch + 1;
  let validEpoch: boolean;
  if (!atLeastV2) validEpoch = (!fromClient || producerEpoch === m.producerEpoch) && producerEpoch >= m.producerEpoch;
  else if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') validEpoch = retryOnEpochBump;
  else if (m.state === 'CompleteCommit' || m.state === 'CompleteAbort')
    validEpoch = retryOnEpochBump || retryOnOverflow;
  else validEpoch = producerEpoch === m.producerEpoch;
  if (m.producerId !== producerId && !retryOnOverflow)
    return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
  if (!validEpoch) return { kind: 'error', errorCode: ErrorCode.PRODUCER_FENCED };
  switch (m.state) {
    case 'Ongoing': {
      const fenced = !fromClient && producerEpoch > m.producerEpoch;
      const bump = !fenced && supportsEpochBump(transactionVersion);
      return {
        kind: 'prepare',
        newProducerId: bump && m.producerEpoch >= EXHAUSTED_EPOCH,
        next: {
          ...m,
          producerEpoch: bump ? m.producerEpoch + 1 : producerEpoch,
          lastProducerEpoch: bump ? m.producerEpoch : fenced ? NO_EPOCH : m.lastProducerEpoch,
          state: commit ? 'PrepareCommit' : 'PrepareAbort',
          txnLastUpdateTimestamp: now,
          clientTransactionVersion: fenced ? m.clientTransactionVersion : transactionVersion,
          nextProducerId: -1,
        },
      };
    }
    case 'CompleteCommit':
      return commit
        ? { kind: 'error', errorCode: ErrorCode.NONE, answerCurrent: true }
        : { kind: 'error', errorCode: ErrorCode.INVALID_TXN_STATE };
    case 'CompleteAbort':
      return !commit
        ? { kind: 'error', errorCode: ErrorCode.NONE, answerCurrent: true }
        : { kind: 'error', errorCode: ErrorCode.INVALID_TXN_STATE };
    case 'PrepareCommit':
      return { kind: 'error', errorCode: commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE };
    case 'PrepareAbort':
      return { kind: 'error', errorCode: !commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE };
    default:
      return { kind: 'error', errorCode: ErrorCode.INVALID_TXN_STATE };
  }
}

/**
 * prepareComplete: the markers are written; the transaction's partitions are forgotten. Version 2
 * with the epoch exhausted moves to the producer id allocated at Prepare, epoch 0.
 */
export function completed(m: TxnMetadata, now: number): TxnMetadata {
  const rotate = supportsEpochBump(m.clientTransactionVersion) && (m.nextProducerId ?? -1) >= 0;
  return {
    ...m,
    state: m.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort',
    partitions: [],
    txnLastUpdateTimestamp: now,
    ...(rotate
      ? { previousProducerId: m.producerId, producerId: m.nextProducerId!, producerEpoch: 0, nextProducerId: -1 }
      : {}),
    // Kafka's prepareComplete records the epoch the markers carried as the last epoch; version 1
    // is kept as this broker matched it request by request
    lastProducerEpoch: supportsEpochBump(m.clientTransactionVersion) ? m.producerEpoch : m.lastProducerEpoch,
  };
}

/**
 * TransactionStateManager.shouldExpire: an id with no transaction open (Empty, CompleteCommit,
 * CompleteAbort: Kafka's isExpirationAllowed) not updated for `expirationMs`
 * (transactional.id.expiration.ms) is removed.
 */
export function isExpired(m: TxnMetadata, now: number, expirationMs: number): boolean {
  const idle = m.state === 'Empty' || m.state === 'CompleteCommit' || m.state === 'CompleteAbort';
  return idle && m.txnLastUpdateTimestamp <= now - expirationMs;
}

/** TransactionStateManager.timedOutTransactions: an Ongoing transaction older than its timeout. */
export function isTimedOut(m: TxnMetadata, now: number): boolean {
  return m.state === 'Ongoing' && m.txnStartTimestamp + m.txnTimeoutMs < now;
}
