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
 * Different subscriptions (Kafka's heterogeneous builder) are balanced more simply: each topic's
 * partitions are counted out to its subscribers holding the fewest so far, a member keeps its
 * current partitions up to its count, and the rest fill the gaps. Every partition is still
 * assigned once and the result is sticky; the balance can differ from Kafka's.
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
  // 1. How many partitions of each topic each member should hold: topic by topic, each partition
  //    counted to the subscriber holding the fewest so far (ties: member id order).
  const total = new Map(members.map((m) => [m.memberId, 0]));
  const quota = new Map<string, Map<string, number>>();
  const topics = [...new Set(members.flatMap((m) => m.subscribedTopicIds))].sort();
  for (const t of topics) {
    const subscribers = members.filter((m) => m.subscribedTopicIds.includes(t));
    const perMember = new Map(subscribers.map((m) => [m.memberId, 0]));
    for (let p = 0; p < partitionCount(t); p++) {
      let best = subscribers[0]!;
      for (const m of subscribers) if (total.get(m.memberId)! < total.get(best.memberId)!) best = m;
      total.set(best.memberId, total.get(best.memberId)! + 1);
      perMember.set(best.memberId, perMember.get(best.memberId)! + 1);
    }
    quota.set(t, perMember);
  }
  // 2. Sticky: a member keeps its partitions of a topic up to its count; 3. the rest fill the gaps.
  const owned = new Map(members.map((m) => [m.memberId, [] as [string, number][]]));
  for (const t of topics) {
    const perMember = quota.get(t)!;
    const taken = new Set<number>();
    const room = new Map(perMember);
    for (const m of members) {
      if (!perMember.has(m.memberId)) continue;
      for (const p of m.assignment[t] ?? []) {
        if (p >= partitionCount(t) || taken.has(p) || room.get(m.memberId)! === 0) continue;
        owned.get(m.memberId)!.push([t, p]);
        taken.add(p);
        room.set(m.memberId, room.get(m.memberId)! - 1);
      }
    }
    let p = 0;
    for (const [memberId, left] of room)
      for (let k = 0; k < left; k++) {
        while (taken.has(p)) p++;
        owned.get(memberId)!.push([t, p]);
        taken.add(p);
      }
  }
  return new Map([...owned].map(([id, ps]) => [id, fromPairs(ps)]));
}

const key = (topicId: string, partition: number) => `${topicId}:${partition}`;
