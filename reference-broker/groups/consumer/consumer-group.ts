import { isReconciledTo, type ConsumerGroupMember } from './member.ts';
import { pairs, type TopicPartitions } from './topic-partitions.ts';

/** A consumer group's state as Kafka names it (ConsumerGroupState). */
export type ConsumerGroupStateName = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

/** A subscribed topic as the group last saw it: its id and partition count. */
export interface SubscribedTopic {
  readonly id: string;
  readonly partitions: number;
}

/**
 * The state of one KIP-848 consumer group (Kafka's ConsumerGroup): the group epoch (bumped when
 * subscriptions or the subscribed topics change), the target assignment and its epoch, the
 * members, and which member epoch owns each partition, which keeps a partition from being handed
 * to a member before its previous owner gave it up.
 */
export class ConsumerGroup {
  readonly groupId: string;
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  readonly targetAssignment = new Map<string, TopicPartitions>();
  /** The subscribed topics by name when the group epoch was last computed. */
  subscriptionMetadata = new Map<string, SubscribedTopic>();
  readonly #partitionEpochs = new Map<string, number>();
  readonly #staticMembers = new Map<string, string>();

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  /** ConsumerGroup.maybeUpdateGroupState, computed when asked. */
  get state(): ConsumerGroupStateName {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) if (!isReconciledTo(m, this.assignmentEpoch)) return 'Reconciling';
    return 'Stable';
  }

  /** The member holding `instanceId`, if any. */
  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const id = this.#staticMembers.get(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  /** Adds or replaces a member, moving its partitions' owner epochs with it. */
  updateMember(member: ConsumerGroupMember): void {
    const old = this.members.get(member.memberId);
    if (old) this.#releasePartitions(old);
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.#staticMembers.set(member.instanceId, member.memberId);
    for (const tp of [member.assigned, member.pendingRevocation])
      for (const [t, p] of pairs(tp)) this.#partitionEpochs.set(key(t, p), member.memberEpoch);
  }

  /** Removes a member, its target assignment and its partitions' owner epochs. */
  removeMember(memberId: string): void {
    const old = this.members.get(memberId);
    if (!old) return;
    this.#releasePartitions(old);
    this.members.delete(memberId);
    this.targetAssignment.delete(memberId);
    if (old.instanceId !== null && this.#staticMembers.get(old.instanceId) === memberId)
      this.#staticMembers.delete(old.instanceId);
  }

  /** The epoch of the member owning a partition, or -1 (Kafka's currentPartitionEpoch). */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.#partitionEpochs.get(key(topicId, partition)) ?? -1;
  }

  /** The topic names any member subscribes to, with `replacing` standing in for its old self. */
  subscribedTopicNames(replacing?: ConsumerGroupMember): Set<string> {
    const names = new Set<string>();
    for (const m of this.members.values())
      if (m.memberId !== replacing?.memberId) for (const n of m.subscribedTopicNames) names.add(n);
    if (replacing) for (const n of replacing.subscribedTopicNames) names.add(n);
    return names;
  }

  /** The assignor most members asked for (ties: the first by name), or null (ConsumerGroup.preferredServerAssignor). */
  preferredServerAssignor(replacing?: ConsumerGroupMember): string | null {
    const counts = new Map<string, number>();
    const all = [...this.members.values()].filter((m) => m.memberId !== replacing?.memberId);
    if (replacing) all.push(replacing);
    for (const m of all)
      if (m.serverAssignor !== null) counts.set(m.serverAssignor, (counts.get(m.serverAssignor) ?? 0) + 1);
    let best: string | null = null;
    for (const [name, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (best === null || n > counts.get(best)!) best = name;
    return best;
  }

  #releasePartitions(member: ConsumerGroupMember): void {
    for (const tp of [member.assigned, member.pendingRevocation])
      for (const [t, p] of pairs(tp))
        if (this.#partitionEpochs.get(key(t, p)) === member.memberEpoch) this.#partitionEpochs.delete(key(t, p));
  }
}

const key = (topicId: string, partition: number) => `${topicId}:${partition}`;
