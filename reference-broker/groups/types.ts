/**
 * Inputs and outputs of the group coordinator. They mirror the fields of Kafka's JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups and
 * DeleteGroups messages, minus framing and versions: the broker's handlers translate. Error codes
 * are Kafka's numbers (see `error-codes.ts`).
 */

/** A protocol a member supports, in the member's order of preference. */
export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

/** A JoinGroup request. */
export interface JoinGroupInput {
  groupId: string;
  /** '' for a member joining for the first time. */
  memberId: string;
  /** group.instance.id of a static member (KIP-345), null for a dynamic member. */
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none; its handler passes the session timeout, as Kafka does. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** True for JoinGroup v4+ (KIP-394): a first join is answered MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  /** True for JoinGroup v9+ (KIP-814): a static leader replaced while Stable may skip assignment. */
  supportsSkipAssignment?: boolean;
  /** Client-supplied reason (v8+), for logs only. */
  reason?: string | null;
}

/** A member as the leader sees it in its JoinGroup response. */
export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** A JoinGroup response. */
export interface JoinGroupResult {
  errorCode: number;
  /** -1 on error. */
  generationId: number;
  /** null when there is none (errors); handlers of versions before 7 send "" */
  protocolType: string | null;
  protocolName: string | null;
  /** '' when there is none. */
  leader: string;
  memberId: string;
  skipAssignment: boolean;
  /** Filled for the leader only. */
  members: JoinGroupMember[];
}

/** One member's assignment as sent by the leader. */
export interface MemberAssignment {
  memberId: string;
  assignment: Buffer;
}

/** A SyncGroup request. */
export interface SyncGroupInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v5+; null or absent when not sent. */
  protocolType?: string | null;
  protocolName?: string | null;
  /** Empty for followers. */
  assignments: MemberAssignment[];
}

/** A SyncGroup response. */
export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

/** A Heartbeat request. */
export interface HeartbeatInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** One member named in a LeaveGroup request (v3+ batches them; older versions send one). */
export interface LeavingMember {
  /** '' to remove a static member by its instance id alone (admin removal, KIP-345). */
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

/** A LeaveGroup request. */
export interface LeaveGroupInput {
  groupId: string;
  members: LeavingMember[];
}

/** A LeaveGroup response: a top-level error, or per-member errors. */
export interface LeaveGroupResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

/** One partition of an OffsetCommit request. */
export interface CommitPartitionInput {
  partitionIndex: number;
  committedOffset: number;
  /** -1 when unknown. */
  committedLeaderEpoch: number;
  metadata: string | null;
}

/** An OffsetCommit request. */
export interface CommitOffsetsInput {
  groupId: string;
  /** -1 for simple consumers and admin commits (no group management). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: CommitPartitionInput[] }[];
  /**
   * OffsetCommit version. From v9 a commit with a generation to a group that does not exist
   * answers GROUP_ID_NOT_FOUND; before, ILLEGAL_GENERATION (Kafka keeps both for compatibility).
   */
  apiVersion?: number;
}

/** An OffsetCommit response. */
export interface CommitOffsetsResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

/** An OffsetFetch request for one group. */
export interface FetchOffsetsInput {
  groupId: string;
  /** null asks for every committed offset of the group. */
  topics: { name: string; partitions: number[] }[] | null;
  /** OffsetFetch v7+ require_stable (KIP-447): partitions with offsets in an open transaction answer UNSTABLE_OFFSET_COMMIT. */
  requireStable?: boolean;
  /** OffsetFetch v9+ (KIP-848): the fetching member of a consumer group, null for an admin fetch. */
  memberId?: string | null;
  /** OffsetFetch v9+: the member's epoch, -1 for an admin fetch. */
  memberEpoch?: number;
}

/** A TxnOffsetCommit request (KIP-98; member fields from v3, KIP-447). */
export interface TxnCommitOffsetsInput {
  groupId: string;
  producerId: number;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      committedOffset: number;
      committedLeaderEpoch: number;
      metadata: string | null;
    }[];
  }[];
}

/** A committed offset, or -1 / '' / -1 where nothing is committed (as Kafka answers). */
export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

/** An OffsetFetch response for one group. */
export interface FetchOffsetsResult {
  errorCode: number;
  topics: { name: string; partitions: FetchedPartition[] }[];
}

/** The states of a classic group, spelled as Kafka reports them. */
export type GroupStateName = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** A DescribeGroups entry. */
export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  /** 'Dead' for a group that does not exist (DescribeGroups v6+ handlers answer GROUP_ID_NOT_FOUND for it). */
  groupState: GroupStateName;
  protocolType: string;
  /** The selected protocol while Stable, '' otherwise. */
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    /** Empty unless the group is Stable. */
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }[];
}

/** A ListGroups entry. */
export interface ListedGroup {
  groupId: string;
  protocolType: string;
  /** A classic group's state, or a consumer group's (Empty, Assigning, Reconciling, Stable). */
  groupState: string;
  groupType: 'classic' | 'consumer';
}

/** A ListGroups response. */
export interface ListGroupsResult {
  errorCode: number;
  groups: ListedGroup[];
}

/** A DeleteGroups result entry. */
export interface DeletedGroup {
  groupId: string;
  errorCode: number;
}

/** What `GroupCoordinator.inspect` shows of a group (tests and diagnostics). */
export interface GroupView {
  groupId: string;
  state: GroupStateName;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  members: { memberId: string; groupInstanceId: string | null; assignment: Buffer }[];
  pendingMemberIds: string[];
}
