/**
 * What DescribeTransactions and ListTransactions (KIP-664) read from the transaction
 * coordinator's state, as Kafka's TransactionCoordinator.handleDescribeTransactions /
 * handleListTransactions and TransactionStateManager.listTransactionStates answer them
 * (apache/kafka core/src/main/scala/kafka/coordinator/transaction/). Pure: the handlers pass the
 * loaded metadata in.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { TxnMetadata } from './txn-metadata.ts';
import type { Broker } from '../broker.ts';
import { TRANSACTION_STATE_TOPIC } from './txn-state-topic.ts';

/**
 * Every name Kafka's TransactionState.fromName knows. PrepareEpochFence is a state Kafka names
 * (so a filter on it is not "unknown") although no transaction rests in it.
 */
export const TXN_STATE_NAMES: ReadonlySet<string> = new Set([
  'Empty',
  'Ongoing',
  'PrepareCommit',
  'PrepareAbort',
  'CompleteCommit',
  'CompleteAbort',
  'Dead',
  'PrepareEpochFence',
]);

/** DescribeTransactions' answer for one id (the response's TransactionState). */
export interface DescribedTxn {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: bigint;
  producerId: bigint;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

/**
 * handleDescribeTransactions: `found` is the loaded metadata, undefined when the coordinator
 * holds none for the id, or the error code of a partition it does not hold (NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS). An empty id is INVALID_REQUEST; a Dead id is not found.
 */
export function describeTxn(transactionalId: string, found: TxnMetadata | undefined | number): DescribedTxn {
  const answer: DescribedTxn = {
    errorCode: ErrorCode.NONE,
    transactionalId,
    transactionState: '',
    transactionTimeoutMs: 0,
    // an error entry carries the message spec's defaults, as Kafka's does
    transactionStartTimeMs: 0n,
    producerId: 0n,
    producerEpoch: 0,
    topics: [],
  };
  if (transactionalId === '') return { ...answer, errorCode: ErrorCode.INVALID_REQUEST };
  if (typeof found === 'number') return { ...answer, errorCode: found };
  if (!found || found.state === 'Dead') return { ...answer, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
  const topics = new Map<string, number[]>();
  for (const p of found.partitions) {
    const list = topics.get(p.topic) ?? [];
    list.push(p.partition);
    topics.set(p.topic, list);
  }
  return {
    ...answer,
    transactionState: found.state,
    transactionTimeoutMs: found.txnTimeoutMs,
    transactionStartTimeMs: BigInt(found.txnStartTimestamp),
    producerId: BigInt(found.producerId),
    producerEpoch: found.producerEpoch,
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
  };
}

/** The filters of a ListTransactions request (v1 adds the duration, v2 the id pattern). */
export interface TxnListFilters {
  states: readonly string[];
  producerIds: readonly bigint[];
  /** Only transactions running longer than this (ms); negative: no filter (KIP-994). */
  durationMs: number;
  /** A Java regular expression the whole id must match; null or empty: no filter (KIP-1152). */
  transactionalIdPattern: string | null;
}

/** ListTransactions' answer (without throttle time). */
export interface TxnList {
  errorCode: number;
  unknownStateFilters: string[];
  transactionStates: { transactionalId: string; producerId: bigint; transactionState: string }[];
}

/**
 * A Java `Pattern.compile(p).matcher(id).matches()` for the patterns JavaScript reads the same
 * way (whole-id match), or null when JavaScript cannot compile it (Kafka answers
 * INVALID_REGULAR_EXPRESSION for a PatternSyntaxException).
 */
function wholeMatch(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

/**
 * TransactionStateManager.listTransactionStates over every loaded transactional id:
 * COORDINATOR_LOAD_IN_PROGRESS while a partition this node leads is loading; unknown state
 * names are returned in unknownStateFilters (and match nothing); Dead ids are never listed; the
 * duration filter keeps transactions whose start is more than `durationMs` before `now`.
 */
export function listTxns(all: Iterable<TxnMetadata>, f: TxnListFilters, now: number, loading: boolean): TxnList {
  if (loading)
    return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, unknownStateFilters: [], transactionStates: [] };
  let pattern: RegExp | null = null;
  if (f.transactionalIdPattern !== null && f.transactionalIdPattern !== '') {
    pattern = wholeMatch(f.transactionalIdPattern);
    if (!pattern)
      return { errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStateFilters: [], transactionStates: [] };
  }
  const unknownStateFilters = [...new Set(f.states)].filter((s) => !TXN_STATE_NAMES.has(s));
  const states = new Set(f.states);
  const producerIds = new Set(f.producerIds.map(Number));
  const transactionStates: TxnList['transactionStates'] = [];
  for (const m of all) {
    if (m.state === 'Dead') continue;
    if (producerIds.size > 0 && !producerIds.has(m.producerId)) continue;
    if (states.size > 0 && !states.has(m.state)) continue;
    if (f.durationMs >= 0 && now - m.txnStartTimestamp <= f.durationMs) continue;
    if (pattern && !pattern.test(m.transactionalId)) continue;
    transactionStates.push({
      transactionalId: m.transactionalId,
      producerId: BigInt(m.producerId),
      transactionState: m.state,
    });
  }
  return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
}

/**
 * The metadata of `transactionalId` as TransactionStateManager.getTransactionState finds it:
 * the loaded entry (undefined when none), COORDINATOR_LOAD_IN_PROGRESS while this node leads
 * the id's partition but has not loaded it, NOT_COORDINATOR when another node (or none) leads it.
 */
export function lookupTxn(broker: Broker, transactionalId: string): TxnMetadata | undefined | number {
  const state = broker.transactions.state;
  const l = state.partitionOf(transactionalId);
  if (l) return l.txns.get(transactionalId);
  return state.leaderOf(transactionalId) === broker.nodeId
    ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    : ErrorCode.NOT_COORDINATOR;
}

/**
 * Every transactional id this node coordinates, and whether a __transaction_state partition it
 * leads is still loading (Kafka's loadingPartitions: ListTransactions then answers
 * COORDINATOR_LOAD_IN_PROGRESS).
 */
export function loadedTxns(broker: Broker): { all: TxnMetadata[]; loading: boolean } {
  const loaded = broker.transactions.state.all();
  const led = (broker.topics.get(TRANSACTION_STATE_TOPIC)?.partitions ?? []).filter((p) =>
    broker.replication.isLeader(p),
  ).length;
  return { all: loaded.flatMap((l) => [...l.txns.values()]), loading: loaded.length < led };
}
