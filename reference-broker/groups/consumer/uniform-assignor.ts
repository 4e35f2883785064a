import { isHomogeneous, type AssignorMember, type PartitionAssignor } from './assignor.ts';
import { fromPairs, pairs, type TopicPartitions } from './topic-partitions.ts';

/**
 * Kafka's server-side `uniform` assignor, the default (group-coordinator UniformAssignor): as
 * even as possible and sticky. When all members subscribe to the same topics it follows Kafka's
 * UniformHomogeneousAssignmentBuilder step for step: each member keeps its current partitions up
 * to its quota (`total / members`, the first `total % members` members one more), the excess
 * and the unassigned partitions then fill the members under quota in order. Members are taken in
 * member-id order here, where Kafka takes its map's iteration order.
 *
 * Different subscriptions (Kafka's heterogeneous builder) are balanced more simply: a member keeps
 * what it is still subscribed to, and every other partition goes to the subscribed member holding
 * the fewest partitions. Every partition is still assigned once; the balance can differ from Kafka's.
 */
export const uniformAssignor: PartitionAssignor = {
  name: 'uniform',
  assign(members, partitionCount) {
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    return isHomogeneous(sorted) ? homogeneous(sorted, partitionCount) : heterogeneous(sorted, partitionCount);
  },
};

function homogeneous(
  members: readonly AssignorMember[],
  partitionCount: (topicId: string) => number,
): Map<string, TopicPartitions> {
  const result = new Map<string, TopicPartitions>();
  if (members.length === 0) return result;
  const topics = [...members[0]!.subscribedTopicIds].sort();
  const subscribed = new Set(topics);
  const assigned = new Set<string>();
  for (const m of members) for (const [t, p] of pairs(m.assignment)) if (subscribed.has(t)) assigned.add(key(t, p));
  const unassigned: [string, number][] = [];
  let total = 0;
  for (const t of topics) {
    const n = partitionCount(t);
    total += n;
    for (let p = 0; p < n; p++) if (!assigned.has(key(t, p))) unassigned.push([t, p]);
  }
  const minQuota = Math.floor(total / members.length);
  let extra = total % members.length;
  const unfilled: { memberId: string; remaining: number; kept: [string, number][] }[] = [];
  for (const m of members) {
    let quota = minQuota;
    if (extra > 0) {
      quota++;
      extra--;
    }
    const kept: [string, number][] = [];
    for (const [t, ps] of Object.entries(m.assignment)) {
      if (!subscribed.has(t)) continue;
      for (const p of ps) {
        if (p >= partitionCount(t)) continue;
        if (quota > 0) {
          kept.push([t, p]);
          quota--;
        } else unassigned.push([t, p]);
      }
    }
    if (quota > 0) unfilled.push({ memberId: m.memberId, remaining: quota, kept });
    else result.set(m.memberId, fromPairs(kept));
  }
  let next = 0;
  for (const u of unfilled) {
    for (let i = 0; i < u.remaining && next < unassigned.length; i++) u.kept.push(unassigned[next++]!);
    result.set(u.memberId, fromPairs(u.kept));
  }
  return result;
}

function heterogeneous(
  members: readonly AssignorMember[],
  partitionCount: (topicId: string) => number,
): Map<string, TopicPartitions> {
  const owned = new Map<string, [string, number][]>();
  const taken = new Set<string>();
  for (const m of members) {
    const subscribed = new Set(m.subscribedTopicIds);
    const kept: [string, number][] = [];
    for (const [t, p] of pairs(m.assignment)) {
      if (!subscribed.has(t) || p >= partitionCount(t) || taken.has(key(t, p))) continue;
      kept.push([t, p]);
      taken.add(key(t, p));
    }
    owned.set(m.memberId, kept);
  }
  const topics = [...new Set(members.flatMap((m) => m.subscribedTopicIds))].sort();
  for (const t of topics) {
    const subscribers = members.filter((m) => m.subscribedTopicIds.includes(t));
    for (let p = 0; p < partitionCount(t); p++) {
      if (taken.has(key(t, p))) continue;
      let best = subscribers[0]!;
      for (const m of subscribers) if (owned.get(m.memberId)!.length < owned.get(best.memberId)!.length) best = m;
      owned.get(best.memberId)!.push([t, p]);
      taken.add(key(t, p));
    }
  }
  return new Map([...owned].map(([id, ps]) => [id, fromPairs(ps)]));
}

const key = (topicId: string, partition: number) => `${topicId}:${partition}`;
