import type { ConsumerGroupMember } from './member.ts';
import { withEpoch } from './member.ts';
import { fromPairs, hasPartition, pairs, type TopicPartitions } from './topic-partitions.ts';

/** The partitions a member says it owns in a heartbeat, by topic id (null: not sent). */
export type OwnedPartitions = readonly { readonly topicId: string; readonly partitions: readonly number[] }[] | null;

/** What one reconciliation step of a member is computed from. */
export interface ReconcileInput {
  readonly targetAssignmentEpoch: number;
  readonly targetAssignment: TopicPartitions;
  /** The epoch of the member owning a partition, or -1 when no member owns it. */
  readonly currentPartitionEpoch: (topicId: string, partition: number) => number;
  readonly ownedPartitions: OwnedPartitions;
  /**
   * The `overlapping-assignment` known bug: true when a partition another member still owns is
   * assigned anyway instead of waiting for its release. Absent: never (Kafka's rule).
   */
  readonly assignsUnreleased?: () => boolean;
}

/**
 * One step of a member's incremental reconciliation towards its target assignment, as Kafka's
 * CurrentAssignmentBuilder (KIP-848): partitions leave a member before any member gets them.
 * A member that must give partitions up stays at its epoch in UNREVOKED_PARTITIONS until a
 * heartbeat no longer lists them; then it moves to the target epoch and gets the partitions
 * nobody else owns, waiting in UNRELEASED_PARTITIONS for those still owned elsewhere, and is
 * STABLE once it has them all. Throws {@link FencedMemberError} for a member in an unknown state
 * that still claims partitions.
 */
export function reconcile(member: ConsumerGroupMember, input: ReconcileInput): ConsumerGroupMember {
  switch (member.state) {
    case 'STABLE':
      if (member.memberEpoch !== input.targetAssignmentEpoch)
        return computeNextAssignment(member, member.memberEpoch, input);
      return member;
    case 'UNREVOKED_PARTITIONS':
      if (ownsRevokedPartitions(input.ownedPartitions, member.pendingRevocation)) return member;
      return computeNextAssignment(member, member.memberEpoch + 1, input);
    case 'UNRELEASED_PARTITIONS':
      return computeNextAssignment(member, member.memberEpoch, input);
    case 'UNKNOWN':
      if (input.ownedPartitions === null || input.ownedPartitions.length > 0)
        throw new FencedMemberError(
          'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.',
        );
      return computeNextAssignment(member, input.targetAssignmentEpoch, input);
  }
}

/** The member must drop everything and rejoin with epoch 0 (FENCED_MEMBER_EPOCH). */
export class FencedMemberError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FencedMemberError';
  }
}

/** Whether the heartbeat still lists any of `revoked` (not sending the list counts as still owning). */
function ownsRevokedPartitions(owned: OwnedPartitions, revoked: TopicPartitions): boolean {
  if (owned === null) return true;
  return owned.some((t) => t.partitions.some((p) => hasPartition(revoked, t.topicId, p)));
}

function computeNextAssignment(
  member: ConsumerGroupMember,
  memberEpoch: number,
  input: ReconcileInput,
): ConsumerGroupMember {
  const { targetAssignment: target, targetAssignmentEpoch } = input;
  let hasUnreleased = false;
  const keep: [string, number][] = [];
  const revoke: [string, number][] = [];
  const assign: [string, number][] = [];
  for (const [t, p] of pairs(member.assigned)) {
    if (hasPartition(target, t, p)) keep.push([t, p]);
    else revoke.push([t, p]);
  }
  for (const [t, p] of pairs(target)) {
    if (hasPartition(member.assigned, t, p)) continue;
    if (input.currentPartitionEpoch(t, p) !== -1 && !input.assignsUnreleased?.()) hasUnreleased = true;
    else assign.push([t, p]);
  }
  const pendingRevocation = fromPairs(revoke);
  if (revoke.length > 0 && ownsRevokedPartitions(input.ownedPartitions, pendingRevocation)) {
    return {
      ...withEpoch(member, memberEpoch),
      state: 'UNREVOKED_PARTITIONS',
      assigned: fromPairs(keep),
      pendingRevocation,
    };
  }
  return {
    ...withEpoch(member, targetAssignmentEpoch),
    state: hasUnreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE',
    assigned: fromPairs([...keep, ...assign]),
    pendingRevocation: {},
  };
}
