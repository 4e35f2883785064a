/**
 * DescribeTopicPartitions (key 75), version 0 (KIP-966): each partition's leader, replicas, ISR,
 * eligible leader replicas, last known ELR and offline replicas, paged by a cursor. Answered as
 * Kafka 4.4.0's DescribeTopicPartitionsRequestHandler and
 * KRaftMetadataCache.getTopicMetadataForDescribeTopicResponse do:
 *
 * - Topics are a set, taken in name order from the cursor's topic on (no topics listed: every
 *   topic; then topics that do not exist are left out). A named topic that does not exist is
 *   UNKNOWN_TOPIC_OR_PARTITION (an illegal name INVALID_TOPIC_EXCEPTION) with no partitions.
 * - At most min(max.request.partition.size.limit = 2000, ResponsePartitionLimit) partitions (at
 *   least 1) are answered. A topic cut short sets the next cursor to its next partition; a topic
 *   not reached at all, to its partition 0.
 * - A cursor topic missing from a non-empty topic list, or a negative cursor partition, fails the
 *   whole request INVALID_REQUEST: every topic asked for with that error and no partitions
 *   (DescribeTopicPartitionsRequest.getErrorResponse).
 * - Without an authorizer every topic is described with all topic operations allowed.
 * - Without a cursor, a topic named "" fails the whole request UNKNOWN_SERVER_ERROR (Kafka 4.4.0
 *   dereferences the missing cursor there).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-966%3A+Eligible+Leader+Replicas
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type {
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
  DescribeTopicPartitionsResponseDescribeTopicPartitionsResponsePartition as PartitionEntry,
  DescribeTopicPartitionsResponseDescribeTopicPartitionsResponseTopic as TopicEntry,
} from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import { isInternalTopic, topicNameProblem } from '../topics/topic-name.ts';
import { AUTHORIZED_OPERATIONS_OMITTED } from './authorized-operations.ts';
import type { ApiHandler } from './handler.ts';
import { TOPIC_OPERATIONS } from './metadata.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** Kafka's max.request.partition.size.limit default. */
export const MAX_REQUEST_PARTITION_SIZE_LIMIT = 2000;

type Cursor = NonNullable<DescribeTopicPartitionsResponse['nextCursor']>;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function failed(req: DescribeTopicPartitionsRequest, errorCode: number): DescribeTopicPartitionsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      errorCode,
      name: t.name,
      topicId: NULL_UUID,
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    })),
    nextCursor: null,
  };
}

/** Partitions `from`… of `name` (at most `max`), and the index to go on from (-1: the topic is done); undefined when the topic does not exist. */
function partitionsOf(
  broker: Broker,
  name: string,
  from: number,
  max: number,
): { partitions: PartitionEntry[]; next: number } | undefined {
  const topic = broker.topics.get(name);
  if (!topic) return undefined;
  const offline = broker.fencedBrokerIds();
  const registered = new Set(broker.controlPlane.brokers().map((b) => b.id));
  const upper = Math.min(topic.partitions.length, from + max);
  const partitions: PartitionEntry[] = [];
  for (let i = from; i < upper; i++) {
    const p = topic.partitions[i]!;
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: registered.has(p.leaderId) ? p.leaderId : -1,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      eligibleLeaderReplicas: [...(p.elr ?? [])],
      lastKnownElr: [...(p.lastKnownElr ?? [])],
      offlineReplicas: p.replicas.filter((id) => offline.has(id) || !registered.has(id)),
    });
  }
  return { partitions, next: upper < topic.partitions.length ? upper : -1 };
}

export const describeTopicPartitionsHandler: ApiHandler<
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse
> = {
  apiKey: ApiKey.DescribeTopicPartitions,
  ...specVersions(ApiKey.DescribeTopicPartitions),
  handle(req, { broker }) {
    const all = req.topics.length === 0;
    const cursor = req.cursor;
    const from = cursor?.topicName ?? '';
    const names = new Set<string>();
    for (const name of all ? [...broker.topics.all()].map((t) => t.name) : req.topics.map((t) => t.name))
      if (name >= from) names.add(name);
    if (cursor && !all && !names.has(cursor.topicName)) return failed(req, ErrorCode.INVALID_REQUEST);
    if (cursor && cursor.partitionIndex < 0) return failed(req, ErrorCode.INVALID_REQUEST);
    // Kafka 4.4.0 reads the cursor's partition for a topic named like the cursor topic, "" without
    // a cursor: a topic named "" then fails the request with a NullPointerException.
    if (!cursor && names.has('')) return failed(req, ErrorCode.UNKNOWN_SERVER_ERROR);
    let remaining = Math.max(Math.min(MAX_REQUEST_PARTITION_SIZE_LIMIT, req.responsePartitionLimit), 1);
    const topics: TopicEntry[] = [];
    let nextCursor: Cursor | null = null;
    for (const name of [...names].sort(byName)) {
      if (remaining === 0) {
        // Every partition of the topics before is answered: go on from this topic's start.
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const start = cursor && name === cursor.topicName ? cursor.partitionIndex : 0;
      const answer = partitionsOf(broker, name, start, remaining);
      if (answer) {
        topics.push({
          errorCode: ErrorCode.NONE,
          name,
          topicId: broker.topics.get(name)!.id,
          isInternal: isInternalTopic(name),
          partitions: answer.partitions,
          topicAuthorizedOperations: TOPIC_OPERATIONS,
        });
        if (answer.next !== -1) {
          nextCursor = { topicName: name, partitionIndex: answer.next };
          break;
        }
        remaining -= answer.partitions.length;
      } else if (!all) {
        const errorCode = topicNameProblem(name)
          ? ErrorCode.INVALID_TOPIC_EXCEPTION
          : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        // Kafka sets the authorized operations on every topic of the answer, these included.
        topics.push({
          errorCode,
          name,
          topicId: NULL_UUID,
          isInternal: isInternalTopic(name),
          partitions: [],
          topicAuthorizedOperations: TOPIC_OPERATIONS,
        });
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
};
