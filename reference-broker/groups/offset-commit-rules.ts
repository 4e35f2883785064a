import type { ClassicGroup } from './classic-group.ts';
import { ErrorCode } from './error-codes.ts';
import type { CommitOffsetsInput } from './types.ts';

/**
 * Who may commit offsets for a classic group (Kafka's ClassicGroup.validateOffsetCommit):
 * - generation -1 is a commit from outside group management (a simple consumer or the admin
 *   client), accepted while the group is Empty;
 * - otherwise the member must be known (and match its instance id) and commit with the group's
 *   current generation;
 * - no member id and no generation, on a group with members, is UNKNOWN_MEMBER_ID;
 * - during CompletingRebalance a valid member is told REBALANCE_IN_PROGRESS, so it finishes the
 *   rebalance before committing for partitions it may no longer own.
 * The commit is allowed during PreparingRebalance: the heartbeat tells the member to rejoin.
 */
export function offsetCommitError(
  group: ClassicGroup,
  input: Pick<CommitOffsetsInput, 'generationId' | 'memberId' | 'groupInstanceId'>,
): number {
  if (input.generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
  if (input.generationId >= 0 || input.memberId !== '' || input.groupInstanceId !== null) {
    const error = group.validateMember(input.memberId, input.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    if (input.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!group.is('Empty')) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

/**
 * The error for a commit with a generation to a group that does not exist: GROUP_ID_NOT_FOUND
 * from OffsetCommit v9, ILLEGAL_GENERATION before (Kafka keeps the old answer for old clients).
 */
export function missingGroupCommitError(apiVersion: number | undefined): number {
  return (apiVersion ?? 0) >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
}
