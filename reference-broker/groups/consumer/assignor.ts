import type { TopicPartitions } from './topic-partitions.ts';

/** One member as a server-side assignor sees it (Kafka's MemberSubscriptionAndAssignment). */
export interface AssignorMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** Ids of the subscribed topics that exist. */
  readonly subscribedTopicIds: readonly string[];
  /** The member's current target assignment (empty for a new member). */
  readonly assignment: TopicPartitions;
}

/** A KIP-848 server-side assignor (Kafka's ConsumerGroupPartitionAssignor). */
export interface PartitionAssignor {
  /** The name clients ask for in `group.remote.assignor` (ConsumerGroupHeartbeat ServerAssignor). */
  readonly name: string;
  /**
   * The new target assignment of every member. `partitionCount` gives a subscribed topic's
   * partition count. Members appear in the result even when they get nothing.
   */
  assign(members: readonly AssignorMember[], partitionCount: (topicId: string) => number): Map<string, TopicPartitions>;
}

/** Whether every member subscribes to the same topics (Kafka's SubscriptionType.HOMOGENEOUS). */
export function isHomogeneous(members: readonly AssignorMember[]): boolean {
  if (members.length === 0) return true;
  const first = [...members[0]!.subscribedTopicIds].sort().join('\u0000');
  return members.every((m) => [...m.subscribedTopicIds].sort().join('\u0000') === first);
}
