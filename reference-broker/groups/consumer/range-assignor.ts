import { isHomogeneous, type AssignorMember, type PartitionAssignor } from './assignor.ts';
import type { TopicPartitions } from './topic-partitions.ts';

/**
 * Kafka's server-side `range` assignor (group-coordinator RangeAssignor): per topic, the members
 * subscribed to it, sorted (static members by instance id first, then the others by member id),
 * get consecutive ranges, the first `partitions % members` one partition more. It ignores the
 * current assignment, so co-partitioned topics line up.
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  assign(members, partitionCount) {
    const sorted = [...members].sort(compareMembers);
    const result = new Map<string, Record<string, number[]>>();
    for (const m of sorted) result.set(m.memberId, {});
    const topicIds = isHomogeneous(members)
      ? [...(sorted[0]?.subscribedTopicIds ?? [])]
      : [...new Set(sorted.flatMap((m) => m.subscribedTopicIds))];
    for (const topicId of topicIds) {
      const subscribers = sorted.filter((m) => m.subscribedTopicIds.includes(topicId));
      const n = partitionCount(topicId);
      const minQuota = Math.floor(n / subscribers.length);
      let extra = n % subscribers.length;
      let next = 0;
      for (const m of subscribers) {
        const quota = minQuota + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        const end = Math.min(next + quota, n);
        if (next < end) result.get(m.memberId)![topicId] = Array.from({ length: end - next }, (_, i) => next + i);
        next = end;
      }
    }
    return result as Map<string, TopicPartitions>;
  },
};

/** RangeAssignor.sortMemberIds: static members first, by instance id; then dynamic ones by member id. */
function compareMembers(a: AssignorMember, b: AssignorMember): number {
  if (a.instanceId !== null && b.instanceId !== null) return cmp(a.instanceId, b.instanceId);
  if (a.instanceId !== null) return -1;
  if (b.instanceId !== null) return 1;
  return cmp(a.memberId, b.memberId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
