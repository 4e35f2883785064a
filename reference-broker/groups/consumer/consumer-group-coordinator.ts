import type { Clock } from '../clock.ts';
import { ErrorCode } from '../error-codes.ts';
import type { KeyedTimers } from '../keyed-timers.ts';
import type { Logger } from '../../logger.ts';
import type { AssignorMember, PartitionAssignor } from './assignor.ts';
import { ConsumerGroup, type ConsumerGroupStateName, type SubscribedTopic } from './consumer-group.ts';
import { FencedMemberError, reconcile, type OwnedPartitions } from './current-assignment-builder.ts';
import {
  isReconciledTo,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  newMember,
  type ConsumerGroupMember,
} from './member.ts';
import { rangeAssignor } from './range-assignor.ts';
import { samePartitions, type TopicPartitions } from './topic-partitions.ts';
import { uniformAssignor } from './uniform-assignor.ts';

/** Kafka's group.consumer.* settings this coordinator follows. */
export interface ConsumerGroupConfig {
  /** group.consumer.session.timeout.ms (45000) */
  sessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms (5000) */
  heartbeatIntervalMs: number;
  /** group.consumer.max.size (Integer.MAX_VALUE) */
  maxSize: number;
  /** group.consumer.assignors: the first is the default (uniform, range). */
  assignors: readonly PartitionAssignor[];
}

/** Kafka 4.4.0's defaults. */
export const defaultConsumerGroupConfig: ConsumerGroupConfig = {
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 5_000,
  maxSize: 2_147_483_647,
  assignors: [uniformAssignor, rangeAssignor],
};

/** What the consumer coordinator needs to know of topics: the broker's topic registry. */
export interface TopicLookup {
  byName(name: string): SubscribedTopic | undefined;
  nameOf(topicId: string): string | undefined;
}

/** A ConsumerGroupHeartbeat request as the coordinator takes it. */
export interface ConsumerHeartbeatInput {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: readonly string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: OwnedPartitions;
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

/** A ConsumerGroupHeartbeat response; `assignment` null when unchanged. */
export interface ConsumerHeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: TopicPartitions | null;
}

/** A Kafka error raised inside a heartbeat; it becomes the response's error code. */
class GroupError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

const sessionKey = (g: string, m: string) => `consumer-session\u0000${g}\u0000${m}`;
const rebalanceKey = (g: string, m: string) => `consumer-rebalance\u0000${g}\u0000${m}`;

/**
 * The KIP-848 half of the group coordinator: ConsumerGroupHeartbeat rule for rule as Kafka's
 * GroupMetadataManager.consumerGroupHeartbeat (group epoch, target assignment by a server-side
 * assignor, incremental reconciliation per member, leave and static leave, session and rebalance
 * timeouts). It owns the consumer groups; the {@link GroupCoordinator} routes to it and keeps the
 * committed offsets for both kinds of group.
 */
export class ConsumerGroupCoordinator {
  readonly config: ConsumerGroupConfig;
  readonly groups = new Map<string, ConsumerGroup>();
  readonly #clock: Clock;
  readonly #timers: KeyedTimers;
  readonly #topics: TopicLookup;
  readonly #log: Logger;
  readonly #onChange: () => void;
  readonly #assignsUnreleased: (() => boolean) | undefined;

  constructor(deps: {
    config: ConsumerGroupConfig;
    clock: Clock;
    timers: KeyedTimers;
    topics: TopicLookup;
    logger: Logger;
    onChange: () => void;
    /** The `overlapping-assignment` known bug (see ReconcileInput.assignsUnreleased). */
    assignsUnreleased?: () => boolean;
  }) {
    this.config = deps.config;
    this.#clock = deps.clock;
    this.#timers = deps.timers;
    this.#topics = deps.topics;
    this.#log = deps.logger;
    this.#onChange = deps.onChange;
    this.#assignsUnreleased = deps.assignsUnreleased;
  }

  /**
   * Handles a ConsumerGroupHeartbeat for a group this node coordinates. `mayCreate` says whether
   * the id is free for a consumer group (no classic group with members holds it).
   */
  heartbeat(input: ConsumerHeartbeatInput): ConsumerHeartbeatResult {
    try {
      this.#validate(input);
      if (input.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || input.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH)
        return this.#leave(input);
      return this.#heartbeat(input);
    } catch (err) {
      if (err instanceof GroupError) return errorResult(err.code, err.message);
      if (err instanceof FencedMemberError) return errorResult(ErrorCode.FENCED_MEMBER_EPOCH, err.message);
      throw err;
    }
  }

  /** The error answer to a request Kafka refuses before it looks at any group, or null when it is well formed. */
  validate(input: ConsumerHeartbeatInput): ConsumerHeartbeatResult | null {
    try {
      this.#validate(input);
      return null;
    } catch (err) {
      if (err instanceof GroupError) return errorResult(err.code, err.message);
      throw err;
    }
  }

  /** throwIfConsumerGroupHeartbeatRequestIsInvalid, with v1's client-generated member ids (KIP-1082). */
  #validate(r: ConsumerHeartbeatInput): void {
    const invalid = (message: string) => new GroupError(ErrorCode.INVALID_REQUEST, message);
    if (r.groupId === '') throw invalid("GroupId can't be empty.");
    if (r.instanceId === '') throw invalid("InstanceId can't be empty.");
    if (r.rackId === '') throw invalid("RackId can't be empty.");
    if (r.apiVersion >= 1 && r.memberId === '') throw invalid("MemberId can't be empty.");
    if (r.subscribedTopicRegex !== null)
      throw invalid('SubscribedTopicRegex is not supported by the reference broker yet.');
    if (r.memberEpoch > 0 || r.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
      if (r.memberId === '') throw invalid("MemberId can't be empty.");
    } else if (r.memberEpoch === 0) {
      if (r.rebalanceTimeoutMs === -1) throw invalid('RebalanceTimeoutMs must be provided in first request.');
      if (r.topicPartitions === null || r.topicPartitions.length > 0)
        throw invalid('TopicPartitions must be empty when (re-)joining.');
      // Kafka 4.4.0 takes an empty list (a member subscribed to nothing), not a missing one.
      if (r.subscribedTopicNames === null && r.subscribedTopicRegex === null)
        throw invalid('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
    } else if (r.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (r.memberId === '') throw invalid("MemberId can't be empty.");
      if (r.instanceId === null) throw invalid("InstanceId can't be null.");
    } else throw invalid('MemberEpoch is invalid.');
    if (r.serverAssignor !== null && !this.config.assignors.some((a) => a.name === r.serverAssignor)) {
      throw new GroupError(
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        `ServerAssignor ${r.serverAssignor} is not supported. Supported assignors: ${this.config.assignors.map((a) => a.name).join(', ')}.`,
      );
    }
  }

  #heartbeat(r: ConsumerHeartbeatInput): ConsumerHeartbeatResult {
    const joining = r.memberEpoch === 0;
    let group = this.groups.get(r.groupId);
    if (!group) {
      if (!joining) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${r.groupId} not found.`);
      group = new ConsumerGroup(r.groupId);
      this.groups.set(r.groupId, group);
    }
    if (group.members.size >= this.config.maxSize && !group.members.has(r.memberId))
      throw new GroupError(
        ErrorCode.GROUP_MAX_SIZE_REACHED,
        `The consumer group has reached its maximum capacity of ${this.config.maxSize} members.`,
      );
    const memberId = r.memberId === '' ? crypto.randomUUID() : r.memberId;
    // What is stored before this heartbeat: a heartbeat that changes nothing writes nothing.
    const before = JSON.stringify([group.groupEpoch, group.assignmentEpoch, group.members.get(memberId) ?? null]);
    const member =
      r.instanceId === null ? this.#dynamicMember(group, memberId, r) : this.#staticMember(group, memberId, r);

    // 1. The member's new subscription; a change bumps the group epoch, so does a change of
    //    the subscribed topics themselves (created, deleted, partitions added).
    let updated: ConsumerGroupMember = {
      ...member,
      instanceId: r.instanceId ?? member.instanceId,
      rackId: r.rackId ?? member.rackId,
      rebalanceTimeoutMs: r.rebalanceTimeoutMs !== -1 ? r.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignor: r.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: r.subscribedTopicNames !== null ? [...r.subscribedTopicNames] : member.subscribedTopicNames,
      clientId: r.clientId,
      clientHost: r.clientHost,
    };
    let bump = !group.members.has(memberId) || !sameNames(member.subscribedTopicNames, updated.subscribedTopicNames);
    const metadata = this.#subscriptionMetadata(group.subscribedTopicNames(updated));
    if (!sameMetadata(metadata, group.subscriptionMetadata)) {
      group.subscriptionMetadata = metadata;
      bump = true;
    }
    if (bump) {
      group.groupEpoch += 1;
      this.#log.info(`consumer group ${group.groupId}: bumped group epoch to ${group.groupEpoch}`);
    }

    // 2. A new target assignment when the group epoch moved past it.
    if (group.groupEpoch > group.assignmentEpoch) this.#updateTargetAssignment(group, updated);

    // 3. One reconciliation step of this member towards its target.
    updated = this.#maybeReconcile(group, updated, r.topicPartitions);
    group.updateMember(updated);
    this.#scheduleSession(group.groupId, memberId);
    if (JSON.stringify([group.groupEpoch, group.assignmentEpoch, updated]) !== before) this.#onChange();

    const full =
      joining || (r.rebalanceTimeoutMs !== -1 && r.subscribedTopicNames !== null && r.topicPartitions !== null);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: updated.memberId,
      memberEpoch: updated.memberEpoch,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      assignment: full || !samePartitions(member.assigned, updated.assigned) ? updated.assigned : null,
    };
  }

  #dynamicMember(group: ConsumerGroup, memberId: string, r: ConsumerHeartbeatInput): ConsumerGroupMember {
    const existing = group.members.get(memberId);
    if (!existing) {
      if (r.memberEpoch !== 0)
        throw new GroupError(
          ErrorCode.UNKNOWN_MEMBER_ID,
          `Member ${memberId} is not a member of group ${group.groupId}.`,
        );
      this.#log.info(`consumer group ${group.groupId}: member ${memberId} joins`);
      return newMember(memberId);
    }
    // A known member rejoining with epoch 0 (after FENCED_MEMBER_EPOCH, say) starts over: it owns
    // nothing and is reconciled again from its target assignment.
    if (r.memberEpoch === 0) return restart(group, existing);
    checkMemberEpoch(existing, r.memberEpoch, r.topicPartitions);
    return existing;
  }

  #staticMember(group: ConsumerGroup, memberId: string, r: ConsumerHeartbeatInput): ConsumerGroupMember {
    const instanceId = r.instanceId!;
    const existing = group.staticMember(instanceId);
    if (r.memberEpoch === 0) {
      if (!existing) return newMember(memberId);
      if (existing.memberId === memberId) return restart(group, existing);
      if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH)
        throw new GroupError(
          ErrorCode.UNRELEASED_INSTANCE_ID,
          `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`,
        );
      // The instance is back under a new member id: it takes over the old member's place and
      // target assignment, so it gets its partitions back without a new group epoch.
      const target = group.targetAssignment.get(existing.memberId);
      group.removeMember(existing.memberId);
      this.#cancelTimers(group.groupId, existing.memberId);
      const replacement: ConsumerGroupMember = {
        ...existing,
        memberId,
        memberEpoch: 0,
        previousMemberEpoch: 0,
        state: 'STABLE',
        assigned: {},
        pendingRevocation: {},
      };
      if (target) group.targetAssignment.set(memberId, target);
      group.updateMember(replacement);
      this.#log.info(`consumer group ${group.groupId}: static member ${instanceId} rejoins as ${memberId}`);
      return replacement;
    }
    if (!existing) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
    if (existing.memberId !== memberId)
      throw new GroupError(
        ErrorCode.FENCED_INSTANCE_ID,
        `Static member ${memberId} with instance id ${instanceId} was fenced by member ${existing.memberId}.`,
      );
    checkMemberEpoch(existing, r.memberEpoch, r.topicPartitions);
    return existing;
  }

  #subscriptionMetadata(names: ReadonlySet<string>): Map<string, SubscribedTopic> {
    const out = new Map<string, SubscribedTopic>();
    for (const name of [...names].sort()) {
      const t = this.#topics.byName(name);
      if (t) out.set(name, t);
    }
    return out;
  }

  /** TargetAssignmentBuilder: the assignor over every member, `updated` as it is now. */
  #updateTargetAssignment(group: ConsumerGroup, updated: ConsumerGroupMember): void {
    const all = new Map(group.members);
    all.set(updated.memberId, updated);
    const members: AssignorMember[] = [...all.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      subscribedTopicIds: m.subscribedTopicNames
        .map((n) => group.subscriptionMetadata.get(n)?.id)
        .filter((id): id is string => id !== undefined),
      assignment: group.targetAssignment.get(m.memberId) ?? {},
    }));
    const name = group.preferredServerAssignor(updated) ?? this.config.assignors[0]!.name;
    const assignor = this.config.assignors.find((a) => a.name === name) ?? this.config.assignors[0]!;
    const counts = new Map([...group.subscriptionMetadata.values()].map((t) => [t.id, t.partitions]));
    const result = assignor.assign(members, (id) => counts.get(id) ?? 0);
    for (const m of members) group.targetAssignment.set(m.memberId, result.get(m.memberId) ?? {});
    group.assignmentEpoch = group.groupEpoch;
  }

  #maybeReconcile(group: ConsumerGroup, member: ConsumerGroupMember, owned: OwnedPartitions): ConsumerGroupMember {
    if (isReconciledTo(member, group.assignmentEpoch)) return member;
    const next = reconcile(member, {
      targetAssignmentEpoch: group.assignmentEpoch,
      targetAssignment: group.targetAssignment.get(member.memberId) ?? {},
      currentPartitionEpoch: (t, p) => group.currentPartitionEpoch(t, p),
      ownedPartitions: owned,
      assignsUnreleased: this.#assignsUnreleased,
    });
    // As Kafka: the revocation deadline restarts whenever the member's assignment state changes.
    if (JSON.stringify(next) === JSON.stringify(member)) return member;
    if (next.state === 'UNREVOKED_PARTITIONS')
      this.#scheduleRebalance(group.groupId, next.memberId, next.memberEpoch, next.rebalanceTimeoutMs);
    else this.#timers.cancel(rebalanceKey(group.groupId, next.memberId));
    return next;
  }

  #leave(r: ConsumerHeartbeatInput): ConsumerHeartbeatResult {
    const group = this.groups.get(r.groupId);
    if (!group) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${r.groupId} not found.`);
    let member: ConsumerGroupMember | undefined;
    if (r.instanceId === null) member = group.members.get(r.memberId);
    else {
      member = group.staticMember(r.instanceId);
      if (member && member.memberId !== r.memberId)
        throw new GroupError(
          ErrorCode.FENCED_INSTANCE_ID,
          `Static member ${r.memberId} with instance id ${r.instanceId} was fenced by member ${member.memberId}.`,
        );
    }
    if (!member)
      throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${r.memberId} is not a member of group ${r.groupId}.`);
    if (r.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // The instance keeps its place and partitions until its session expires or it comes back.
      group.updateMember({ ...member, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, pendingRevocation: {} });
      this.#log.info(`consumer group ${group.groupId}: static member ${r.instanceId} left for now`);
      this.#onChange();
    } else {
      this.#log.info(`consumer group ${group.groupId}: member ${member.memberId} left`);
      this.#fence(group, member.memberId);
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: r.memberId,
      memberEpoch: r.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }

  /** consumerGroupFenceMember: the member goes, its partitions are free, the group epoch moves on. */
  #fence(group: ConsumerGroup, memberId: string): void {
    group.removeMember(memberId);
    group.subscriptionMetadata = this.#subscriptionMetadata(group.subscribedTopicNames());
    group.groupEpoch += 1;
    this.#cancelTimers(group.groupId, memberId);
    this.#onChange();
  }

  #scheduleSession(groupId: string, memberId: string): void {
    this.#timers.schedule(sessionKey(groupId, memberId), this.config.sessionTimeoutMs, () =>
      this.#expire(groupId, memberId, 'the member session expired'),
    );
  }

  #scheduleRebalance(groupId: string, memberId: string, memberEpoch: number, timeoutMs: number): void {
    this.#timers.schedule(rebalanceKey(groupId, memberId), timeoutMs, () => {
      const member = this.groups.get(groupId)?.members.get(memberId);
      if (member?.memberEpoch === memberEpoch)
        this.#expire(
          groupId,
          memberId,
          `it failed to revoke its partitions of epoch ${memberEpoch} within ${timeoutMs} ms`,
        );
    });
  }

  #expire(groupId: string, memberId: string, why: string): void {
    const group = this.groups.get(groupId);
    if (!group?.members.has(memberId)) return;
    this.#log.info(`consumer group ${groupId}: member ${memberId} fenced because ${why}`);
    this.#fence(group, memberId);
  }

  #cancelTimers(groupId: string, memberId: string): void {
    this.#timers.cancel(sessionKey(groupId, memberId));
    this.#timers.cancel(rebalanceKey(groupId, memberId));
  }

  /** Restarts the session timer of every member (after a restore, as Kafka does on load). */
  restartSessions(): void {
    for (const g of this.groups.values()) for (const id of g.members.keys()) this.#scheduleSession(g.groupId, id);
  }

  /**
   * ConsumerGroup.validateOffsetCommit: an admin or simple commit (epoch < 0) only while the group
   * is empty; a member commits with its current epoch (STALE_MEMBER_EPOCH otherwise) and, outside
   * a transaction, with OffsetCommit v9 or later.
   */
  validateOffsetCommit(
    group: ConsumerGroup,
    memberId: string,
    memberEpoch: number,
    isTransactional: boolean,
    apiVersion: number,
  ): number {
    if (memberEpoch < 0 && group.members.size === 0) return ErrorCode.NONE;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (!isTransactional && apiVersion < 9) return ErrorCode.UNSUPPORTED_VERSION;
    return memberEpoch !== member.memberEpoch ? ErrorCode.STALE_MEMBER_EPOCH : ErrorCode.NONE;
  }

  /** ConsumerGroup.validateOffsetFetch: no member id and epoch < 0 is an admin fetch; a member fetches with its epoch. */
  validateOffsetFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
    if (memberId === null && memberEpoch < 0) return ErrorCode.NONE;
    const member = memberId === null ? undefined : group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    return memberEpoch !== member.memberEpoch ? ErrorCode.STALE_MEMBER_EPOCH : ErrorCode.NONE;
  }

  /** The topic name of an id, for describe answers. */
  topicName(topicId: string): string | undefined {
    return this.#topics.nameOf(topicId);
  }

  /** The state name a group is listed and described with. */
  static stateOf(group: ConsumerGroup): ConsumerGroupStateName {
    return group.state;
  }
}

/** A known member back at epoch 0: it owns nothing now, so its old partitions are free at once. */
function restart(group: ConsumerGroup, member: ConsumerGroupMember): ConsumerGroupMember {
  const fresh: ConsumerGroupMember = {
    ...member,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: 'STABLE',
    assigned: {},
    pendingRevocation: {},
  };
  group.updateMember(fresh);
  return fresh;
}

/** throwIfConsumerGroupMemberEpochIsInvalid. */
function checkMemberEpoch(member: ConsumerGroupMember, received: number, owned: OwnedPartitions): void {
  if (received > member.memberEpoch)
    throw new GroupError(
      ErrorCode.FENCED_MEMBER_EPOCH,
      `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  if (received < member.memberEpoch) {
    // The previous epoch with a subset of the current partitions: the bumped answer was lost.
    const subset =
      owned?.every((t) => t.partitions.every((p) => member.assigned[t.topicId]?.includes(p) ?? false)) ?? false;
    if (received !== member.previousMemberEpoch || !subset)
      throw new GroupError(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
  }
}

function errorResult(errorCode: number, errorMessage: string): ConsumerHeartbeatResult {
  return { errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
}

function sameMetadata(a: ReadonlyMap<string, SubscribedTopic>, b: ReadonlyMap<string, SubscribedTopic>): boolean {
  if (a.size !== b.size) return false;
  for (const [n, t] of a) {
    const o = b.get(n);
    if (!o || o.id !== t.id || o.partitions !== t.partitions) return false;
  }
  return true;
}
