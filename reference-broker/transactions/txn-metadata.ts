/**
 * The transaction coordinator's state of one transactional id and its transitions, as Kafka's
 * TransactionMetadata and TransactionCoordinator decide them (transaction version 1, KIP-98 and
 * KIP-360; checked against apache/kafka core/src/main/scala/kafka/coordinator/transaction/).
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
    },
  };
}

/** The outcome of EndTxn's checks: an error (NONE for a retry of a completed end), or the Prepare state to write. */
export type EndTransit =
  | { kind: 'error'; errorCode: number; answerCurrent?: boolean }
  | { kind: 'prepare'; next: TxnMetadata };

/**
 * endTransaction's checks for transaction version 1 (strict epoch equality from clients; the
 * coordinator's own aborts, after fencing, may carry a higher epoch, which becomes the epoch).
 */
export function endTxnTransit(
  m: TxnMetadata,
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  fromClient: boolean,
  now: number,
): EndTransit {
  const validEpoch = (!fromClient || producerEpoch === m.producerEpoch) && producerEpoch >= m.producerEpoch;
  if (m.producerId !== producerId) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
  if (!validEpoch) return { kind: 'error', errorCode: ErrorCode.PRODUCER_FENCED };
  switch (m.state) {
    case 'Ongoing': {
      const fenced = !fromClient && producerEpoch > m.producerEpoch;
      return {
        kind: 'prepare',
        next: {
          ...m,
          producerEpoch,
          lastProducerEpoch: fenced ? NO_EPOCH : m.lastProducerEpoch,
          state: commit ? 'PrepareCommit' : 'PrepareAbort',
          txnLastUpdateTimestamp: now,
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

/** prepareComplete: the markers are written; the transaction's partitions are forgotten. */
export function completed(m: TxnMetadata, now: number): TxnMetadata {
  return {
    ...m,
    state: m.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort',
    partitions: [],
    txnLastUpdateTimestamp: now,
  };
}

/** TransactionStateManager.timedOutTransactions: an Ongoing transaction older than its timeout. */
export function isTimedOut(m: TxnMetadata, now: number): boolean {
  return m.state === 'Ongoing' && m.txnStartTimestamp + m.txnTimeoutMs < now;
}
