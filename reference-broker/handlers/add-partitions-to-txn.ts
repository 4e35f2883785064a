/**
 * AddPartitionsToTxn (key 24), versions 0-5: v0-3 from producers (one transaction), v4+ batched
 * for brokers (several transactions, `verify_only` asks whether partitions are already in, KIP-890
 * part 1). As Kafka's KafkaApis.handleAddPartitionsToTxnRequest: an unknown partition fails the
 * whole transaction (UNKNOWN_TOPIC_OR_PARTITION for it, OPERATION_NOT_ATTEMPTED for the others);
 * otherwise every partition gets the coordinator's one answer; PRODUCER_FENCED is
 * INVALID_PRODUCER_EPOCH before v2.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-890%3A+Transactions+Server-Side+Defense
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { TxnPartition } from '../transactions/txn-metadata.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type TxnResult = AddPartitionsToTxnResponse['resultsByTransaction'][number];
type TxnRequest = AddPartitionsToTxnRequest['transactions'][number];

/** Groups per-partition errors by topic, in the order the partitions were asked. */
function byTopic(errors: { tp: TxnPartition; errorCode: number }[]): TxnResult['topicResults'] {
  const topics = new Map<string, TxnResult['topicResults'][number]>();
  for (const { tp, errorCode } of errors) {
    let t = topics.get(tp.topic);
    if (!t) topics.set(tp.topic, (t = { name: tp.topic, resultsByPartition: [] }));
    if (!t.resultsByPartition.some((r) => r.partitionIndex === tp.partition))
      t.resultsByPartition.push({ partitionIndex: tp.partition, partitionErrorCode: errorCode });
  }
  return [...topics.values()];
}

/**
 * Every partition of one topic list gets `errorCode`, topics without partitions included
 * (AddPartitionsToTxnRequest.errorResponseForTransaction).
 */
function allWith(topics: TxnRequest['topics'], errorCode: number): TxnResult['topicResults'] {
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errorCode })),
  }));
}

/**
 * One transaction of the request, answered as Kafka's handler does. Kafka looks a transaction's
 * partitions up by its id in a map the last transaction of that id wins (partitionsByTransaction),
 * and answers the coordinator's one error with the topics of the first transaction of that id
 * (errorResponseForTransaction); `byId` and `firstById` carry those two lookups, which only differ
 * when a batched request names an id twice.
 */
export async function addPartitionsForTransaction(
  broker: Broker,
  txn: TxnRequest,
  apiVersion: number,
  byId: ReadonlyMap<string, TxnRequest> = new Map([[txn.transactionalId, txn]]),
  firstById: ReadonlyMap<string, TxnRequest> = byId,
): Promise<TxnResult> {
  const asked = byId.get(txn.transactionalId) ?? txn;
  const tps = asked.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const unknown = tps.filter((tp) => broker.partition(tp.topic, tp.partition) === undefined);
  if (unknown.length > 0) {
    const errors = tps.map((tp) => ({
      tp,
      errorCode: unknown.includes(tp) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED,
    }));
    return { transactionalId: txn.transactionalId, topicResults: byTopic(errors) };
  }
  const producerId = Number(txn.producerId);
  if (txn.verifyOnly) {
    const errors = tps.map((tp) => ({
      tp,
      errorCode:
        broker.transactions.verifyPartition(txn.transactionalId, producerId, txn.producerEpoch, tp, false) ??
        ErrorCode.NOT_COORDINATOR,
    }));
    return { transactionalId: txn.transactionalId, topicResults: byTopic(errors) };
  }
  // a v5 add comes from a partition leader serving a Produce v12+ (transaction version 2, KIP-890 part 2)
  let code = await broker.transactions.addPartitions(
    txn.transactionalId,
    producerId,
    txn.producerEpoch,
    tps,
    apiVersion > 4 ? 2 : 0,
  );
  if (apiVersion < 2 && code === ErrorCode.PRODUCER_FENCED) code = ErrorCode.INVALID_PRODUCER_EPOCH;
  const first = firstById.get(txn.transactionalId) ?? txn;
  return { transactionalId: txn.transactionalId, topicResults: allWith(first.topics, code) };
}

export const addPartitionsToTxnHandler: ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: ApiKey.AddPartitionsToTxn,
  ...specVersions(ApiKey.AddPartitionsToTxn),
  async handle(req, { broker, apiVersion }) {
    if (apiVersion < 4) {
      const r = await addPartitionsForTransaction(
        broker,
        {
          transactionalId: req.v3AndBelowTransactionalId,
          producerId: req.v3AndBelowProducerId,
          producerEpoch: req.v3AndBelowProducerEpoch,
          verifyOnly: false,
          topics: req.v3AndBelowTopics,
        },
        apiVersion,
      );
      return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [], resultsByTopicV3AndBelow: r.topicResults };
    }
    // Kafka answers once every transaction is answered: a request with none is never answered
    // (app/conform/known-differences.ts); this broker answers it with no results instead.
    const byId = new Map(req.transactions.map((t) => [t.transactionalId, t]));
    const firstById = new Map([...req.transactions].reverse().map((t) => [t.transactionalId, t]));
    const results = await Promise.all(
      req.transactions.map((t) => addPartitionsForTransaction(broker, t, apiVersion, byId, firstById)),
    );
    return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: results, resultsByTopicV3AndBelow: [] };
  },
};
