/**
 * DescribeProducers (key 61, KIP-664): the producers each asked partition has state for — epoch,
 * last sequence and timestamp, coordinator epoch of the last marker, first offset of an open
 * transaction — what `kafka-transactions.sh describe-producers` prints to find a hanging
 * transaction. In Kafka's order (KafkaApis.handleDescribeProducersRequest): a topic name that is
 * not valid or not known fails all its partitions; then each partition this node has a log of
 * answers from its producer state (ReplicaManager.activeProducerState), a partition of a known
 * topic it holds no replica of is NOT_LEADER_OR_FOLLOWER, and a partition that does not exist
 * UNKNOWN_TOPIC_OR_PARTITION.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-664%3A+Provide+tooling+to+detect+and+abort+hanging+transactions
 */
import { ERROR_INFO, ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type {
  DescribeProducersRequest,
  DescribeProducersResponse,
  DescribeProducersResponsePartitionResponse,
} from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import { topicNameInvalidReason } from '../topics/topic-name.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type PartitionAnswer = DescribeProducersResponsePartitionResponse;

function partitionAnswer(broker: Broker, topic: string, index: number): PartitionAnswer {
  const failed = (errorCode: number): PartitionAnswer => ({
    partitionIndex: index,
    errorCode,
    errorMessage: null,
    activeProducers: [],
  });
  const p = broker.partition(topic, index);
  if (!p) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!p.replicas.includes(broker.nodeId)) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  return {
    ...failed(ErrorCode.NONE),
    activeProducers: p.producers.activeProducers().map((a) => ({
      producerId: BigInt(a.producerId),
      producerEpoch: a.producerEpoch,
      lastSequence: a.lastSequence,
      lastTimestamp: BigInt(a.lastTimestamp),
      coordinatorEpoch: a.coordinatorEpoch,
      currentTxnStartOffset: BigInt(a.currentTxnStartOffset),
    })),
  };
}

export const describeProducersHandler: ApiHandler<DescribeProducersRequest, DescribeProducersResponse> = {
  apiKey: ApiKey.DescribeProducers,
  ...specVersions(ApiKey.DescribeProducers),
  handle(req, { broker }) {
    const topics = req.topics.map((t) => {
      const invalid = topicNameInvalidReason(t.name);
      // A topic-level error names itself as Kafka's ApiError does: the reason, or the code's default message.
      const topicError = invalid
        ? { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: invalid }
        : !broker.topics.get(t.name)
          ? {
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              errorMessage: ERROR_INFO.get(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)?.message ?? null,
            }
          : undefined;
      return {
        name: t.name,
        partitions: t.partitionIndexes.map((index) =>
          topicError
            ? { partitionIndex: index, ...topicError, activeProducers: [] }
            : partitionAnswer(broker, t.name, index),
        ),
      };
    });
    return { throttleTimeMs: 0, topics };
  },
};
