/**
 * TxnOffsetCommit (key 28), versions 0-5: offsets committed inside a transaction, visible to
 * OffsetFetch only once the transaction commits (KafkaApis.handleTxnOffsetCommitRequest: unknown
 * topics and partitions are answered UNKNOWN_TOPIC_OR_PARTITION here, the rest by the group
 * coordinator). Before v2, COORDINATOR_LOAD_IN_PROGRESS is answered as COORDINATOR_NOT_AVAILABLE.
 * v5 is transaction version 2 (KIP-890 part 2): it also does AddOffsetsToTxn's work, adding the
 * group's __consumer_offsets partition to the transaction (Kafka 4.4.0's
 * AddPartitionsToTxnManager.txnOffsetCommitRequestVersionToTransactionSupportedOperation: v5+ is
 * ADD_PARTITION, v4 GENERIC_ERROR_SUPPORTED, older DEFAULT_ERROR). v6 (topic ids, KIP-1319) is not
 * served: the codec is generated from Kafka 4.3.1's specs, where TxnOffsetCommit stops at v5.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-447%3A+Producer+scalability+for+exactly+once+semantics
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/messages/generated/index.ts';
import { verificationError } from '../append/append-records.ts';
import { PRODUCE_TV2_MIN_VERSION } from '../append/txn-implicit-add.ts';
import type { Broker } from '../broker.ts';
import { commitsTxnOffsetsEarly } from '../bugs/txn-bugs.ts';
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../groups/offsets-topic.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type TopicAnswer = TxnOffsetCommitResponse['topics'][number];

/**
 * What Kafka 4.4's group coordinator answers before it looks at the group: INVALID_GROUP_ID for
 * an empty group id, then the transaction coordinator's verification that the group's
 * __consumer_offsets partition is in the transaction (KIP-890 part 1): INVALID_REQUEST for an
 * empty transactional id, INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED as INVALID_PRODUCER_EPOCH,
 * a partition not added as TRANSACTION_ABORTABLE (v4) or INVALID_TXN_STATE (v0-3). Null when the commit may go ahead (or the
 * transactional id is coordinated by another node of the cluster: not verified, SKIPPED_FEATURES.md).
 * From v5 the partition is added instead of verified ({@link implicitAddRefusal}).
 */
async function txnOffsetCommitRefusal(
  broker: Broker,
  req: TxnOffsetCommitRequest,
  apiVersion: number,
): Promise<number | null> {
  if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
  const partitions = broker.topics.get(OFFSETS_TOPIC)?.partitions.length ?? broker.config.offsetsTopicPartitions;
  const tp = { topic: OFFSETS_TOPIC, partition: offsetsPartitionFor(req.groupId, partitions) };
  if (apiVersion >= TXN_OFFSET_COMMIT_TV2_MIN_VERSION) return implicitAddRefusal(broker, req, tp);
  const verified = broker.transactions.verifyPartition(
    req.transactionalId,
    Number(req.producerId),
    req.producerEpoch,
    tp,
  );
  if (verified === null || verified === ErrorCode.NONE) return null;
  if (verified === ErrorCode.PRODUCER_FENCED) return ErrorCode.INVALID_PRODUCER_EPOCH;
  // v4 is GENERIC_ERROR_SUPPORTED (KIP-890 part 1's new error reaches the client), older DEFAULT_ERROR
  if (verified === ErrorCode.TRANSACTION_ABORTABLE && apiVersion < 4) return ErrorCode.INVALID_TXN_STATE;
  return verified;
}

/** The first TxnOffsetCommit version of transaction version 2 (adds the offsets partition itself). */
export const TXN_OFFSET_COMMIT_TV2_MIN_VERSION = 5;

/**
 * v5: the group's __consumer_offsets partition is added to the transaction at its coordinator
 * (here or on another node, as a Produce v12's partition is), and the refusal translated as Kafka
 * does twice: AddPartitionsToTxnManager's (fenced → INVALID_PRODUCER_EPOCH, the coordinator
 * unavailable, loading or still writing the previous markers → NOT_ENOUGH_REPLICAS), then the group
 * coordinator's handleOperationException (NOT_ENOUGH_REPLICAS → COORDINATOR_NOT_AVAILABLE).
 */
async function implicitAddRefusal(
  broker: Broker,
  req: TxnOffsetCommitRequest,
  tp: { topic: string; partition: number },
): Promise<number | null> {
  const code = await broker.transactions.addPartitionForProduce(
    req.transactionalId,
    Number(req.producerId),
    req.producerEpoch,
    tp,
  );
  if (code === ErrorCode.NONE) return null;
  const mapped = verificationError(code, PRODUCE_TV2_MIN_VERSION);
  return mapped === ErrorCode.NOT_ENOUGH_REPLICAS ? ErrorCode.COORDINATOR_NOT_AVAILABLE : mapped;
}

export const txnOffsetCommitHandler: ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: specVersions(ApiKey.TxnOffsetCommit).minVersion,
  maxVersion: 5,
  async handle(req, { broker, apiVersion }) {
    const answers = new Map<string, TopicAnswer>();
    const answer = (topic: string, partitionIndex: number, errorCode: number) => {
      let t = answers.get(topic);
      if (!t) answers.set(topic, (t = { name: topic, partitions: [] }));
      t.partitions.push({ partitionIndex, errorCode });
    };
    const valid: TxnOffsetCommitRequest['topics'] = [];
    for (const t of req.topics) {
      const topic = broker.topics.get(t.name);
      // an unknown topic is answered as a whole (TxnOffsetCommitResponse.Builder.addPartitions), even without partitions
      if (!topic) answers.set(t.name, answers.get(t.name) ?? { name: t.name, partitions: [] });
      const known = t.partitions.filter((p) => topic?.partitions[p.partitionIndex] !== undefined);
      for (const p of t.partitions)
        if (!known.includes(p)) answer(t.name, p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (known.length > 0) valid.push({ name: t.name, partitions: known });
    }
    // nothing to commit: Kafka answers without asking the group coordinator (and v5 adds nothing)
    const refusal = valid.length > 0 ? await txnOffsetCommitRefusal(broker, req, apiVersion) : null;
    if (refusal !== null) {
      for (const t of valid) for (const p of t.partitions) answer(t.name, p.partitionIndex, refusal);
    } else if (valid.length > 0) {
      const r = broker.groups.commitTransactionalOffsets({
        groupId: req.groupId,
        producerId: Number(req.producerId),
        generationId: req.generationId,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        topics: valid.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: Number(p.committedOffset),
            committedLeaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata,
          })),
        })),
      });
      if (
        r.topics.some((t) => t.partitions.some((p) => p.errorCode === ErrorCode.NONE)) &&
        commitsTxnOffsetsEarly(broker.bugs)
      )
        broker.groups.completeTransaction(Number(req.producerId), true, (g) => g === req.groupId);
      for (const t of r.topics)
        for (const p of t.partitions) {
          const code =
            apiVersion < 2 && p.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
              ? ErrorCode.COORDINATOR_NOT_AVAILABLE
              : p.errorCode;
          answer(t.name, p.partitionIndex, code);
        }
    }
    return { throttleTimeMs: 0, topics: [...answers.values()] };
  },
};
