import type { TopicPartitions } from './topic-partitions.ts';

/**
 * Where a member stands in its reconciliation (Kafka's MemberState):
 * - `UNREVOKED_PARTITIONS`: it must give up partitions first, and keeps its epoch until it has;
 * - `UNRELEASED_PARTITIONS`: it is at the target epoch but some partitions it is to get are still
 *   owned by another member;
 * - `STABLE`: it owns its whole target assignment.
 */
export type MemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';

/** A member of a consumer group (Kafka's ConsumerGroupMember): immutable, replaced on every change. */
export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly subscribedTopicNames: readonly string[];
  /** The assignor the member asked for, or null. */
  readonly serverAssignor: string | null;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  /** The partitions the member may own now. */
  readonly assigned: TopicPartitions;
  /** Partitions the member was told to give up and has not yet. */
  readonly pendingRevocation: TopicPartitions;
}

/** Epoch a member sends to leave (Kafka's LEAVE_GROUP_MEMBER_EPOCH). */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
/** Epoch a static member sends to leave for now, keeping its place (LEAVE_GROUP_STATIC_MEMBER_EPOCH). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

/** A new member, epoch 0, owning nothing. */
export function newMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: [],
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: 'STABLE',
    assigned: {},
    pendingRevocation: {},
  };
}

/** ConsumerGroupMember.isReconciledTo: stable at the target assignment's epoch. */
export function isReconciledTo(member: ConsumerGroupMember, targetAssignmentEpoch: number): boolean {
  return member.state === 'STABLE' && member.memberEpoch === targetAssignmentEpoch;
}

/** The member at a new epoch (Kafka's Builder.updateMemberEpoch: the old one becomes the previous). */
export function withEpoch(member: ConsumerGroupMember, epoch: number): ConsumerGroupMember {
  return { ...member, previousMemberEpoch: member.memberEpoch, memberEpoch: epoch };
}
