import type { ConsumerGroup } from './consumer-group.ts';
import type { TopicPartitions } from './topic-partitions.ts';

/** Partitions of one topic in a describe answer. */
export interface DescribedTopicPartitions {
  topicId: string;
  topicName: string;
  partitions: number[];
}

/** A member in a ConsumerGroupDescribe answer. */
export interface DescribedConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  assignment: { topicPartitions: DescribedTopicPartitions[] };
  targetAssignment: { topicPartitions: DescribedTopicPartitions[] };
  /** KIP-1099: 1 for a member on the consumer protocol. */
  memberType: number;
}

/** One group of a ConsumerGroupDescribe answer (ConsumerGroup.asDescribedGroup). */
export interface DescribedConsumerGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: DescribedConsumerMember[];
  authorizedOperations: number;
}

/** The describe answer for `group`, or an error entry when it is undefined. */
export function describeConsumerGroup(
  groupId: string,
  group: ConsumerGroup | undefined,
  errorCode: number,
  errorMessage: string | null,
  topicName: (topicId: string) => string | undefined,
  assignorName: string,
): DescribedConsumerGroup {
  if (group === undefined)
    return {
      errorCode,
      errorMessage,
      groupId,
      groupState: '',
      groupEpoch: 0,
      assignmentEpoch: 0,
      assignorName: '',
      members: [],
      authorizedOperations: -2147483648,
    };
  const named = (tp: TopicPartitions) => ({
    topicPartitions: Object.entries(tp).map(([topicId, partitions]) => ({
      topicId,
      topicName: topicName(topicId) ?? '',
      partitions: [...partitions],
    })),
  });
  return {
    errorCode,
    errorMessage,
    groupId,
    groupState: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: null,
      assignment: named(m.assigned),
      targetAssignment: named(group.targetAssignment.get(m.memberId) ?? {}),
      memberType: 1,
    })),
    authorizedOperations: -2147483648,
  };
}
