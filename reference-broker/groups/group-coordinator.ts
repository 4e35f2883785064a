import { randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '../logger.ts';
import { ClassicGroup, joinError, protocolsMatch, syncError, type ClassicGroupMember } from './classic-group.ts';
import { systemClock, type Clock } from './clock.ts';
import { defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from './config.ts';
import { ErrorCode } from './error-codes.ts';
import { deadGroup, describedGroup, groupView, listedGroup, matchesStateFilter } from './group-views.ts';
import { KeyedTimers } from './keyed-timers.ts';
import { missingGroupCommitError, offsetCommitError } from './offset-commit-rules.ts';
import { OffsetStore } from './offset-store.ts';
import {
  ConsumerGroupCoordinator,
  defaultConsumerGroupConfig,
  type ConsumerHeartbeatInput,
  type ConsumerHeartbeatResult,
  type TopicLookup,
} from './consumer/consumer-group-coordinator.ts';
import { describeConsumerGroup, type DescribedConsumerGroup } from './consumer/describe-consumer-group.ts';
import { loadConsumerGroup, persistConsumerGroup } from './consumer/persisted-consumer-group.ts';
import {
  groupRecord,
  loadGroup,
  parseSnapshot,
  type CoordinatorSnapshot,
  type PendingTxnOffset,
  type PersistedGroup,
} from './snapshot.ts';
import type {
  CommitOffsetsInput,
  CommitOffsetsResult,
  DeletedGroup,
  DescribedGroup,
  FetchOffsetsInput,
  TxnCommitOffsetsInput,
  FetchOffsetsResult,
  GroupView,
  HeartbeatInput,
  JoinGroupInput,
  JoinGroupResult,
  LeaveGroupInput,
  LeaveGroupResult,
  ListGroupsResult,
  SyncGroupInput,
  SyncGroupResult,
} from './types.ts';

/** What a {@link GroupCoordinator} is built with; everything is optional. */
export interface GroupCoordinatorOptions {
  /** Overrides of {@link defaultGroupCoordinatorConfig}. */
  config?: Partial<GroupCoordinatorConfig>;
  /** Time and timers; default the system clock. Tests pass a `FakeClock`. */
  clock?: Clock;
  /** UUID source for member ids; default `crypto.randomUUID`. */
  randomUuid?: () => string;
  logger?: Logger;
  /**
   * Whether a partition exists; commits to one that does not answer UNKNOWN_TOPIC_OR_PARTITION,
   * as Kafka's OffsetCommit handler does before it reaches the coordinator. Default: all exist.
   */
  partitionExists?: (topic: string, partition: number) => boolean;
  /** Called after anything in {@link GroupCoordinator.snapshot} changed, so the broker can persist it. */
  onPersistentStateChange?: () => void;
  /**
   * Whether this coordinator coordinates `groupId` now; requests for other groups answer
   * NOT_COORDINATOR so the client looks the coordinator up again. Default: every group (a single
   * node); in a cluster, the groups whose __consumer_offsets partition this node leads.
   */
  ownsGroup?: (groupId: string) => boolean;
  /** Topic ids and partition counts, for KIP-848 consumer groups' server-side assignment. Default: no topics. */
  topics?: TopicLookup;
  /**
   * The `overlapping-assignment` known bug: asked when a KIP-848 member's new target holds a
   * partition another member has not released yet; true assigns it at once. Default: never.
   */
  assignsUnreleasedPartition?: () => boolean;
}

const EMPTY = Buffer.alloc(0);
const joinKey = (groupId: string) => `join\u0000${groupId}`;
const syncKey = (groupId: string) => `sync\u0000${groupId}`;
const heartbeatKey = (groupId: string, memberId: string) => `heartbeat\u0000${groupId}\u0000${memberId}`;

/** A request's protocol type or name that contradicts the group's (absent or null never does). */
function inconsistent(requested: string | null | undefined, actual: string | null): boolean {
  return requested !== undefined && requested !== null && actual !== null && requested !== actual;
}

/**
 * The classic consumer-group coordinator of the reference broker: Kafka's classic group protocol
 * (JoinGroup / SyncGroup / Heartbeat / LeaveGroup, with KIP-345 static membership and KIP-394
 * required member ids) plus committed offsets, following Kafka's GroupMetadataManager and
 * ClassicGroup rule for rule. It speaks plain values with Kafka error codes; the broker's
 * handlers translate wire messages to these calls.
 *
 * JoinGroup and SyncGroup answer when the rebalance phase they wait for completes, so they return
 * promises; everything else answers at once. Rebalance, session and sync deadlines run on the
 * injected clock, and {@link GroupCoordinator.close} cancels them all.
 */
export class GroupCoordinator {
  /** The settings in force. */
  readonly config: GroupCoordinatorConfig;
  readonly #clock: Clock;
  readonly #timers: KeyedTimers;
  readonly #uuid: () => string;
  readonly #log: Logger;
  readonly #partitionExists: (topic: string, partition: number) => boolean;
  readonly #owns: (groupId: string) => boolean;
  readonly #onChange: () => void;
  readonly #groups = new Map<string, ClassicGroup>();
  readonly #offsets = new OffsetStore();
  /** Offsets committed in open transactions, by producer id: visible once the commit marker is written. */
  readonly #pendingTxn = new Map<number, PendingTxnOffset[]>();
  /** The last GroupMetadata record "written" per group: what a restart would load. */
  readonly #records = new Map<string, PersistedGroup>();
  /** KIP-848 consumer groups; a group id is either a classic group here or a consumer group there. */
  readonly #consumer: ConsumerGroupCoordinator;
  #active = true;

  constructor(options: GroupCoordinatorOptions = {}) {
    this.config = defaultGroupCoordinatorConfig(options.config);
    this.#clock = options.clock ?? systemClock;
    this.#timers = new KeyedTimers(this.#clock);
    this.#uuid = options.randomUuid ?? randomUUID;
    this.#log = options.logger ?? silentLogger;
    this.#partitionExists = options.partitionExists ?? (() => true);
    this.#owns = options.ownsGroup ?? (() => true);
    this.#onChange = options.onPersistentStateChange ?? (() => {});
    this.#consumer = new ConsumerGroupCoordinator({
      config: {
        ...defaultConsumerGroupConfig,
        sessionTimeoutMs: this.config.consumerGroupSessionTimeoutMs,
        heartbeatIntervalMs: this.config.consumerGroupHeartbeatIntervalMs,
        maxSize: this.config.consumerGroupMaxSize,
      },
      clock: this.#clock,
      timers: this.#timers,
      topics: options.topics ?? { byName: () => undefined, nameOf: () => undefined },
      logger: this.#log,
      onChange: () => this.#onChange(),
      assignsUnreleased: options.assignsUnreleasedPartition,
    });
  }

  // ---------------------------------------------------------------- KIP-848 consumer groups

  /**
   * Handles a ConsumerGroupHeartbeat (KIP-848). An empty classic group with the same id gives
   * way to the new consumer group (its committed offsets stay); a classic group with members
   * answers GROUP_ID_NOT_FOUND, as Kafka does when it cannot convert the group.
   */
  consumerGroupHeartbeat(input: ConsumerHeartbeatInput): ConsumerHeartbeatResult {
    const error = (errorCode: number, errorMessage: string | null = null): ConsumerHeartbeatResult => ({
      errorCode,
      errorMessage,
      memberId: null,
      memberEpoch: 0,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    if (!this.#active) return error(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // Kafka's GroupCoordinatorService checks the request before it looks for the group's shard.
    const invalid = this.#consumer.validate(input);
    if (invalid !== null) return invalid;
    if (!this.#owns(input.groupId)) return error(ErrorCode.NOT_COORDINATOR);
    const classic = this.#groups.get(input.groupId);
    if (classic !== undefined) {
      if (!classic.is('Empty') && !classic.is('Dead'))
        return error(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${input.groupId} is not a consumer group.`);
      if (input.memberEpoch === 0) {
        this.#groups.delete(input.groupId);
        this.#records.delete(input.groupId);
      }
    }
    return this.#consumer.heartbeat(input);
  }

  /** Handles one group of a ConsumerGroupDescribe; a classic or unknown group is GROUP_ID_NOT_FOUND. */
  consumerGroupDescribe(groupId: string): DescribedConsumerGroup {
    const fail = (errorCode: number, errorMessage: string | null = null) =>
      describeConsumerGroup(groupId, undefined, errorCode, errorMessage, () => undefined, '');
    if (!this.#active) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // Kafka's GroupCoordinatorService refuses an empty id before asking any coordinator shard.
    if (groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (!this.#owns(groupId)) return fail(ErrorCode.NOT_COORDINATOR);
    const group = this.#consumer.groups.get(groupId);
    if (group === undefined)
      return fail(
        ErrorCode.GROUP_ID_NOT_FOUND,
        this.#groups.has(groupId) ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`,
      );
    return describeConsumerGroup(
      groupId,
      group,
      ErrorCode.NONE,
      null,
      (id) => this.#consumer.topicName(id),
      group.preferredServerAssignor() ?? this.#consumer.config.assignors[0]!.name,
    );
  }

  /** Whether a group of either kind holds `groupId`. */
  #exists(groupId: string): boolean {
    return this.#groups.has(groupId) || this.#consumer.groups.has(groupId);
  }

  // ---------------------------------------------------------------- JoinGroup

  /**
   * Handles a JoinGroup. Resolves when the member's join phase completes (or at once on an
   * error, MEMBER_ID_REQUIRED, or a rejoin that needs no rebalance).
   */
  joinGroup(input: JoinGroupInput): Promise<JoinGroupResult> {
    return new Promise((resolve) => this.#join(input, resolve));
  }

  #join(input: JoinGroupInput, respond: (r: JoinGroupResult) => void): void {
    if (!this.#active) return respond(joinError(input.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!this.#owns(input.groupId)) return respond(joinError(input.memberId, ErrorCode.NOT_COORDINATOR));
    if (input.groupId === '') return respond(joinError(input.memberId, ErrorCode.INVALID_GROUP_ID));
    if (
      input.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs ||
      input.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs
    ) {
      return respond(joinError(input.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const consumerGroup = this.#consumer.groups.get(input.groupId);
    if (consumerGroup !== undefined) {
      // Kafka would join a classic member into the consumer group (KIP-848's online migration);
      // the reference broker does not yet, and says so with the error of a protocol mismatch.
      if (consumerGroup.members.size > 0)
        return respond(joinError(input.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      this.#consumer.groups.delete(input.groupId);
      this.#onChange();
    }
    const isUnknownMember = input.memberId === '';
    let group = this.#groups.get(input.groupId);
    if (group === undefined) {
      // Only a first join creates a group; a member id for a group that does not exist is stale.
      if (!isUnknownMember) return respond(joinError(input.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.#createGroup(input.groupId);
      this.#writeGroupRecord(group);
    }
    if (!this.#acceptJoiningMember(group, input.memberId)) {
      this.#dropMember(group, input.memberId);
      return respond(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    }
    if (isUnknownMember) this.#joinNewMember(group, input, respond);
    else this.#joinExistingMember(group, input, respond);
  }

  /** Kafka's group.max.size check, counted the way its acceptJoiningMember counts. */
  #acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.config.groupMaxSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance': {
        // Counting parked joins, not members, lets a shrunk max size shed the last rejoiners.
        const awaiting = [...group.members.values()].filter((m) => m.awaitingJoin !== null).length;
        return group.member(memberId)?.awaitingJoin != null || awaiting < max;
      }
      case 'CompletingRebalance':
      case 'Stable':
        return group.hasMember(memberId) || group.members.size < max;
    }
  }

  #joinNewMember(group: ClassicGroup, input: JoinGroupInput, respond: (r: JoinGroupResult) => void): void {
    if (!group.supportsProtocols(input.protocolType, input.protocols)) {
      return respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = `${input.groupInstanceId ?? input.clientId}-${this.#uuid()}`;
    if (input.groupInstanceId !== null) {
      const existing = group.staticMemberId(input.groupInstanceId);
      if (existing !== undefined) return this.#replaceStaticMember(group, input, existing, newMemberId, respond);
      return this.#addMemberThenRebalanceOrCompleteJoin(group, input, newMemberId, respond);
    }
    if (input.requireKnownMemberId) {
      // KIP-394: hand out the id first, so a client that never comes back leaves no member behind.
      group.pendingJoinMembers.add(newMemberId);
      this.#timers.schedule(heartbeatKey(group.groupId, newMemberId), input.sessionTimeoutMs, () =>
        this.#expireHeartbeat(group.groupId, newMemberId),
      );
      return respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.#addMemberThenRebalanceOrCompleteJoin(group, input, newMemberId, respond);
  }

  #joinExistingMember(group: ClassicGroup, input: JoinGroupInput, respond: (r: JoinGroupResult) => void): void {
    const memberId = input.memberId;
    if (!group.supportsProtocols(input.protocolType, input.protocols)) {
      return respond(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.isPendingMember(memberId)) {
      // Pending ids are only handed to dynamic members; Kafka throws an IllegalStateException here.
      if (input.groupInstanceId !== null) return respond(joinError(memberId, ErrorCode.UNKNOWN_SERVER_ERROR));
      return this.#addMemberThenRebalanceOrCompleteJoin(group, input, memberId, respond);
    }
    const error = group.validateMember(memberId, input.groupInstanceId);
    if (error !== ErrorCode.NONE) return respond(joinError(memberId, error));
    const member = group.member(memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.#updateMemberThenRebalanceOrCompleteJoin(group, member, input, respond);
      case 'CompletingRebalance':
        // Same metadata: the member probably lost its JoinGroup response; repeat it.
        if (protocolsMatch(member.protocols, input.protocols)) {
          this.#scheduleHeartbeat(group, member);
          return respond(this.#joinResponse(group, memberId, group.isLeader(memberId)));
        }
        return this.#updateMemberThenRebalanceOrCompleteJoin(group, member, input, respond);
      case 'Stable':
        // A leader's rejoin forces a rebalance: that is how it reacts to changes outside member metadata.
        if (group.isLeader(memberId) || !protocolsMatch(member.protocols, input.protocols)) {
          return this.#updateMemberThenRebalanceOrCompleteJoin(group, member, input, respond);
        }
        this.#scheduleHeartbeat(group, member);
        return respond(this.#joinResponse(group, memberId, false));
      default:
        return respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  #joinResponse(group: ClassicGroup, memberId: string, withMembers: boolean): JoinGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId,
      skipAssignment: false,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  #addMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    input: JoinGroupInput,
    memberId: string,
    respond: (r: JoinGroupResult) => void,
  ): void {
    const member: ClassicGroupMember = {
      memberId,
      groupInstanceId: input.groupInstanceId,
      clientId: input.clientId,
      clientHost: input.clientHost,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      sessionTimeoutMs: input.sessionTimeoutMs,
      protocolType: input.protocolType,
      protocols: input.protocols,
      assignment: EMPTY,
      isNew: true,
      awaitingJoin: null,
      awaitingSync: null,
    };
    // Arrivals during the initial delayed rebalance extend the delay.
    if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
    group.add(member, respond);
    // A parked new member cannot heartbeat and a dropped connection goes unseen, so its join
    // gets its own (long) deadline instead of the session timeout.
    this.#scheduleHeartbeat(group, member, this.config.newMemberJoinTimeoutMs);
    this.#maybePrepareRebalanceOrCompleteJoin(
      group,
      `adding member ${memberId}; client reason: ${input.reason ?? 'not provided'}`,
    );
  }

  #updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    member: ClassicGroupMember,
    input: JoinGroupInput,
    respond: (r: JoinGroupResult) => void,
  ): void {
    group.updateMember(member, input.protocols, input.rebalanceTimeoutMs, input.sessionTimeoutMs, respond);
    this.#maybePrepareRebalanceOrCompleteJoin(
      group,
      `member ${member.memberId} rejoining; client reason: ${input.reason ?? 'not provided'}`,
    );
  }

  /** KIP-345: a static member back with no member id takes over its instance's place. */
  #replaceStaticMember(
    group: ClassicGroup,
    input: JoinGroupInput,
    oldMemberId: string,
    newMemberId: string,
    respond: (r: JoinGroupResult) => void,
  ): void {
    const instanceId = input.groupInstanceId!;
    const currentLeader = group.leaderId;
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.#timers.cancel(heartbeatKey(group.groupId, oldMemberId));
    this.#scheduleHeartbeat(group, member);
    group.updateMember(member, input.protocols, input.rebalanceTimeoutMs, input.sessionTimeoutMs, respond);
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== group.selectProtocol()) {
          return this.#maybePrepareRebalanceOrCompleteJoin(
            group,
            `static member ${instanceId} changed the group's protocol`,
          );
        }
        // Same protocol: the restarted instance resumes its old assignment without a rebalance.
        this.#writeGroupRecord(group);
        if (input.supportsSkipAssignment === true) {
          const isLeader = group.isLeader(newMemberId);
          group.completeJoin(member, { ...this.#joinResponse(group, newMemberId, isLeader), skipAssignment: isLeader });
        } else {
          // The old leader id keeps a replaced leader from computing an assignment that a Stable
          // group would never hand out.
          group.completeJoin(member, { ...this.#joinResponse(group, newMemberId, false), leader: currentLeader ?? '' });
        }
        return;
      }
      case 'CompletingRebalance':
        // The leader may already be assigning to the old id; only a new rebalance fixes that.
        return this.#prepareRebalance(group, `static member ${instanceId} replaced while completing a rebalance`);
      default:
        return this.#maybeCompleteJoinPhase(group);
    }
  }

  // ---------------------------------------------------------------- rebalance machinery

  #maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.#prepareRebalance(group, reason);
    else this.#maybeCompleteJoinPhase(group);
  }

  #maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    // The initial rebalance ends on its delay timer, never early.
    if (group.previousState === 'Empty') return;
    if (!group.hasAllMembersJoined()) return;
    this.#completeJoinPhase(group);
  }

  #prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.#resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    group.pendingSyncMembers.clear();
    this.#timers.cancel(syncKey(group.groupId));
    const isInitialRebalance = group.is('Empty');
    if (isInitialRebalance) {
      const delayMs = this.config.groupInitialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      this.#timers.schedule(joinKey(group.groupId), delayMs, () =>
        this.#tryCompleteInitialRebalance(group.groupId, delayMs, remainingMs),
      );
    }
    this.#log.info(
      `group ${group.groupId}: preparing rebalance from ${group.state} at generation ${group.generationId} (${reason})`,
    );
    group.transitionTo('PreparingRebalance', this.#clock.now());
    if (!isInitialRebalance) this.#maybeCompleteJoinElseSchedule(group);
  }

  #maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) return this.#completeJoinPhase(group);
    this.#timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () =>
      this.#completeJoinPhaseOf(group.groupId),
    );
  }

  #tryCompleteInitialRebalance(groupId: string, delayMs: number, remainingMs: number): void {
    const group = this.#groups.get(groupId);
    if (group === undefined) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const newDelayMs = Math.min(this.config.groupInitialRebalanceDelayMs, remainingMs);
      const newRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.#timers.schedule(joinKey(groupId), newDelayMs, () =>
        this.#tryCompleteInitialRebalance(groupId, newDelayMs, newRemainingMs),
      );
    } else {
      this.#completeJoinPhase(group);
    }
  }

  #completeJoinPhaseOf(groupId: string): void {
    const group = this.#groups.get(groupId);
    if (group !== undefined) this.#completeJoinPhase(group);
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped (static ones keep their
   * place, KIP-345), the generation advances and every parked JoinGroup is answered.
   */
  #completeJoinPhase(group: ClassicGroup): void {
    this.#timers.cancel(joinKey(group.groupId));
    if (!group.is('PreparingRebalance')) return;
    for (const m of group.notYetRejoinedMembers()) {
      if (m.groupInstanceId === null) this.#dropMember(group, m.memberId);
    }
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Only static members that did not rejoin are left: wait for them (or their session timeouts).
      this.#timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () =>
        this.#completeJoinPhaseOf(group.groupId),
      );
      return;
    }
    group.initNextGeneration(this.#clock.now());
    if (group.is('Empty')) {
      this.#log.info(`group ${group.groupId}: empty at generation ${group.generationId}`);
      this.#writeGroupRecord(group);
      return;
    }
    this.#log.info(
      `group ${group.groupId}: generation ${group.generationId} with ${group.members.size} members, leader ${group.leaderId}`,
    );
    for (const m of group.members.values()) {
      group.completeJoin(m, this.#joinResponse(group, m.memberId, group.isLeader(m.memberId)));
      this.#scheduleHeartbeat(group, m);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    const generationId = group.generationId;
    this.#timers.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs(), () =>
      this.#expirePendingSync(group.groupId, generationId),
    );
  }

  /** Members that joined a generation but never sent SyncGroup within the rebalance timeout are dropped. */
  #expirePendingSync(groupId: string, generationId: number): void {
    const group = this.#groups.get(groupId);
    if (group === undefined || group.generationId !== generationId) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    const pending = [...group.pendingSyncMembers];
    for (const memberId of pending) this.#dropMember(group, memberId);
    this.#prepareRebalance(group, `members ${pending.join(', ')} did not sync in time`);
  }

  #removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    const waiting = group.is('CompletingRebalance') || group.is('Stable');
    if (!waiting || group.pendingSyncMembers.size === 0) this.#timers.cancel(syncKey(group.groupId));
  }

  #resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY;
    this.#propagateAssignment(group, errorCode);
  }

  #propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.members.values()) {
      const answered = group.completeSync(m, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: m.assignment,
      });
      // A session that ran out while the member waited for the leader was ignored; restart it.
      if (answered) this.#scheduleHeartbeat(group, m);
    }
  }

  // ---------------------------------------------------------------- sessions

  #scheduleHeartbeat(group: ClassicGroup, member: ClassicGroupMember, timeoutMs = member.sessionTimeoutMs): void {
    const { groupId } = group;
    const { memberId } = member;
    this.#timers.schedule(heartbeatKey(groupId, memberId), timeoutMs, () => this.#expireHeartbeat(groupId, memberId));
  }

  #expireHeartbeat(groupId: string, memberId: string): void {
    const group = this.#groups.get(groupId);
    if (group === undefined) return;
    if (group.isPendingMember(memberId)) {
      group.remove(memberId);
      if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.#completeJoinPhase(group);
      return;
    }
    const member = group.member(memberId);
    if (member === undefined) return;
    // A member parked in JoinGroup or SyncGroup cannot heartbeat; being parked counts as alive,
    // except for a new member, whose deadline is the join timeout itself.
    const satisfied = !member.isNew && (member.awaitingJoin !== null || member.awaitingSync !== null);
    if (satisfied) return;
    this.#log.info(`group ${groupId}: member ${memberId} session expired`);
    this.#removeMemberAndUpdateGroup(group, member, `member ${memberId} session expired`);
  }

  #removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicGroupMember, reason: string): void {
    this.#dropMember(group, member.memberId);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.#maybePrepareRebalanceOrCompleteJoin(group, reason);
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.#completeJoinPhase(group);
  }

  /** Removes a member (answering whatever it has parked) and its session timer. */
  #dropMember(group: ClassicGroup, memberId: string): void {
    group.remove(memberId);
    this.#timers.cancel(heartbeatKey(group.groupId, memberId));
  }

  // ---------------------------------------------------------------- SyncGroup

  /**
   * Handles a SyncGroup. The leader's call stores the assignment and answers every member;
   * followers that sync first wait for it.
   */
  syncGroup(input: SyncGroupInput): Promise<SyncGroupResult> {
    return new Promise((resolve) => this.#sync(input, resolve));
  }

  #sync(input: SyncGroupInput, respond: (r: SyncGroupResult) => void): void {
    if (!this.#active) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!this.#owns(input.groupId)) return respond(syncError(ErrorCode.NOT_COORDINATOR));
    if (input.groupId === '') return respond(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.#groups.get(input.groupId);
    if (group === undefined) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const error = group.validateMember(input.memberId, input.groupInstanceId);
    if (error !== ErrorCode.NONE) return respond(syncError(error));
    if (input.generationId !== group.generationId) return respond(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (inconsistent(input.protocolType, group.protocolType) || inconsistent(input.protocolName, group.protocolName)) {
      return respond(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.member(input.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        // A second SyncGroup from the same member supersedes the first (Kafka drops the first unanswered).
        group.completeSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = respond;
        this.#removePendingSyncMember(group, input.memberId);
        if (group.isLeader(input.memberId)) {
          const assignment = new Map<string, Buffer>();
          for (const a of input.assignments) assignment.set(a.memberId, a.assignment);
          // Members the leader left out get an empty assignment.
          for (const m of group.members.values()) if (!assignment.has(m.memberId)) assignment.set(m.memberId, EMPTY);
          this.#writeGroupRecord(group, assignment);
          for (const m of group.members.values()) m.assignment = assignment.get(m.memberId)!;
          this.#propagateAssignment(group, ErrorCode.NONE);
          group.transitionTo('Stable', this.#clock.now());
        }
        return;
      }
      case 'Stable':
        this.#removePendingSyncMember(group, input.memberId);
        this.#scheduleHeartbeat(group, member);
        return respond({
          errorCode: ErrorCode.NONE,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment,
        });
      default:
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  // ---------------------------------------------------------------- Heartbeat

  /**
   * Handles a Heartbeat: restarts the member's session timer and tells it, with
   * REBALANCE_IN_PROGRESS, when it must rejoin.
   */
  heartbeat(input: HeartbeatInput): number {
    if (!this.#active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (!this.#owns(input.groupId)) return ErrorCode.NOT_COORDINATOR;
    if (input.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.#groups.get(input.groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    const error = group.validateMember(input.memberId, input.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    if (input.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.member(input.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        this.#scheduleHeartbeat(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        // Clients may heartbeat between their JoinGroup and SyncGroup: that is a normal heartbeat.
        this.#scheduleHeartbeat(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  // ---------------------------------------------------------------- LeaveGroup

  /**
   * Handles a LeaveGroup for one or more members. A static member may be removed by instance id
   * alone (empty member id). Any successful leave starts a rebalance, or empties the group.
   */
  leaveGroup(input: LeaveGroupInput): LeaveGroupResult {
    if (!this.#active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    if (!this.#owns(input.groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
    if (input.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.#groups.get(input.groupId);
    if (group === undefined) {
      // Kafka's GroupCoordinatorService turns its "group not found" UNKNOWN_MEMBER_ID into a
      // per-member error under a top-level NONE (an empty batch: no error at all).
      return {
        errorCode: ErrorCode.NONE,
        members: input.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
        })),
      };
    }
    const members: LeaveGroupResult['members'] = [];
    let anyLeft = false;
    for (const leaving of input.members) {
      const answer = (errorCode: number) =>
        members.push({ memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId, errorCode });
      let errorCode: number;
      if (leaving.memberId === '') {
        const staticId = group.staticMemberId(leaving.groupInstanceId);
        if (staticId !== undefined) {
          this.#dropMember(group, staticId);
          errorCode = ErrorCode.NONE;
        } else {
          errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
        }
      } else if (group.isPendingMember(leaving.memberId)) {
        this.#dropMember(group, leaving.memberId);
        errorCode = ErrorCode.NONE;
      } else {
        errorCode = group.validateMember(leaving.memberId, leaving.groupInstanceId);
        if (errorCode === ErrorCode.NONE) this.#dropMember(group, leaving.memberId);
      }
      if (errorCode === ErrorCode.NONE) {
        anyLeft = true;
        this.#log.info(
          `group ${group.groupId}: member ${leaving.memberId || leaving.groupInstanceId} left; client reason: ${leaving.reason ?? 'not provided'}`,
        );
      }
      answer(errorCode);
    }
    if (anyLeft) {
      if (group.is('Stable') || group.is('CompletingRebalance'))
        this.#maybePrepareRebalanceOrCompleteJoin(group, 'members left');
      else if (group.is('PreparingRebalance')) this.#maybeCompleteJoinPhase(group);
    }
    return { errorCode: ErrorCode.NONE, members };
  }

  // ---------------------------------------------------------------- offsets

  /**
   * Handles an OffsetCommit. Members must commit with their current generation; generation -1
   * with no member id is a simple consumer (or admin) commit, accepted only while the group has
   * no members.
   */
  commitOffsets(input: CommitOffsetsInput): CommitOffsetsResult {
    const known = input.topics.some((t) => t.partitions.some((p) => this.#partitionExists(t.name, p.partitionIndex)));
    // Unknown partitions are answered before the coordinator is consulted, as Kafka's handler does.
    const groupError = known ? this.#validateOffsetCommit(input) : ErrorCode.NONE;
    const now = this.#clock.now();
    let committed = false;
    const topics = input.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number;
        if (!this.#partitionExists(t.name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (groupError !== ErrorCode.NONE) errorCode = groupError;
        else if (p.metadata !== null && p.metadata.length > this.config.offsetMetadataMaxBytes)
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        else {
          this.#offsets.commit(input.groupId, t.name, p.partitionIndex, {
            committedOffset: p.committedOffset,
            committedLeaderEpoch: p.committedLeaderEpoch,
            metadata: p.metadata ?? '',
            commitTimestampMs: now,
          });
          committed = true;
          errorCode = ErrorCode.NONE;
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
    if (committed) this.#onChange();
    return { topics };
  }

  #validateOffsetCommit(input: CommitOffsetsInput): number {
    if (!this.#active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (!this.#owns(input.groupId)) return ErrorCode.NOT_COORDINATOR;
    const consumerGroup = this.#consumer.groups.get(input.groupId);
    if (consumerGroup !== undefined)
      return this.#consumer.validateOffsetCommit(
        consumerGroup,
        input.memberId,
        input.generationId,
        false,
        input.apiVersion ?? 9,
      );
    let group = this.#groups.get(input.groupId);
    if (group === undefined) {
      if (input.generationId >= 0) return missingGroupCommitError(input.apiVersion);
      // A group that only stores offsets ("simple" group) comes into being with its first commit.
      group = this.#createGroup(input.groupId);
    }
    return offsetCommitError(group, input);
  }

  /**
   * Handles a TxnOffsetCommit (KIP-98): the offsets wait, invisible to OffsetFetch, until the
   * transaction's commit marker reaches this group's __consumer_offsets partition
   * ({@link completeTransaction}). A group that does not exist comes into being for generation -1
   * (a simple group), else ILLEGAL_GENERATION; members are checked as for OffsetCommit.
   * Unknown topics and partitions are answered by the handler, before this.
   */
  commitTransactionalOffsets(input: TxnCommitOffsetsInput): CommitOffsetsResult {
    const groupError = this.#validateTxnOffsetCommit(input);
    const now = this.#clock.now();
    let pending = this.#pendingTxn.get(input.producerId);
    let changed = false;
    const topics = input.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (groupError !== ErrorCode.NONE) return { partitionIndex: p.partitionIndex, errorCode: groupError };
        if (p.metadata !== null && p.metadata.length > this.config.offsetMetadataMaxBytes)
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
        if (!pending) this.#pendingTxn.set(input.producerId, (pending = []));
        const at = pending.findIndex(
          (e) => e.groupId === input.groupId && e.topic === t.name && e.partition === p.partitionIndex,
        );
        if (at >= 0) pending.splice(at, 1);
        pending.push({
          producerId: input.producerId,
          groupId: input.groupId,
          topic: t.name,
          partition: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: p.committedLeaderEpoch,
          metadata: p.metadata ?? '',
          commitTimestampMs: now,
        });
        changed = true;
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
    if (changed) this.#onChange();
    return { topics };
  }

  #validateTxnOffsetCommit(input: TxnCommitOffsetsInput): number {
    if (!this.#active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (!this.#owns(input.groupId)) return ErrorCode.NOT_COORDINATOR;
    const consumerGroup = this.#consumer.groups.get(input.groupId);
    if (consumerGroup !== undefined) {
      if (input.generationId < 0 && input.memberId === '' && input.groupInstanceId === null) return ErrorCode.NONE;
      return this.#consumer.validateOffsetCommit(consumerGroup, input.memberId, input.generationId, true, 0);
    }
    let group = this.#groups.get(input.groupId);
    if (group === undefined) {
      if (input.generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      group = this.#createGroup(input.groupId);
    }
    // ClassicGroup.validateOffsetCommit with isTransactional: a commit without member fields
    // (TxnOffsetCommit before v3) is accepted in any state, and a rebalance does not refuse it.
    if (input.generationId < 0 && input.memberId === '' && input.groupInstanceId === null) return ErrorCode.NONE;
    const error = group.validateMember(input.memberId, input.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    return input.generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE;
  }

  /**
   * A transaction's marker reached a __consumer_offsets partition: the pending offsets of
   * `producerId` for the groups `inPartition` accepts become committed (commit) or are dropped (abort).
   */
  completeTransaction(producerId: number, commit: boolean, inPartition: (groupId: string) => boolean): void {
    const pending = this.#pendingTxn.get(producerId);
    if (!pending) return;
    const rest = pending.filter((e) => !inPartition(e.groupId));
    if (commit)
      for (const e of pending) {
        if (!inPartition(e.groupId)) continue;
        if (!this.#exists(e.groupId)) this.#createGroup(e.groupId);
        const { groupId, topic, partition, producerId: _, ...value } = e;
        this.#offsets.commit(groupId, topic, partition, value);
      }
    if (rest.length > 0) this.#pendingTxn.set(producerId, rest);
    else this.#pendingTxn.delete(producerId);
    if (rest.length !== pending.length) this.#onChange();
  }

  /** True while an open transaction has committed an offset for this partition (OffsetFetch require_stable). */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    for (const entries of this.#pendingTxn.values())
      if (entries.some((e) => e.groupId === groupId && e.topic === topic && e.partition === partition)) return true;
    return false;
  }

  /**
   * Handles an OffsetFetch for one group: the committed offsets asked for (-1, no metadata and
   * leader epoch -1 where nothing is committed), or all of them when `topics` is null.
   */
  fetchOffsets(input: FetchOffsetsInput): FetchOffsetsResult {
    if (!this.#active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    if (!this.#owns(input.groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    const consumerGroup = this.#consumer.groups.get(input.groupId);
    if (consumerGroup !== undefined) {
      const errorCode = this.#consumer.validateOffsetFetch(
        consumerGroup,
        input.memberId ?? null,
        input.memberEpoch ?? -1,
      );
      if (errorCode !== ErrorCode.NONE) return { errorCode, topics: [] };
    }
    if (input.topics === null) {
      return {
        errorCode: ErrorCode.NONE,
        topics: this.#offsets.byTopic(input.groupId).map(({ topic, partitions }) => ({
          name: topic,
          partitions: partitions.map(([partitionIndex, o]) => ({
            partitionIndex,
            ...this.#stableOr(input, topic, partitionIndex, {
              committedOffset: o.committedOffset,
              committedLeaderEpoch: o.committedLeaderEpoch,
              metadata: o.metadata,
              errorCode: ErrorCode.NONE,
            }),
          })),
        })),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: input.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partitionIndex) => {
          const o = this.#offsets.get(input.groupId, t.name, partitionIndex);
          return {
            partitionIndex,
            ...this.#stableOr(input, t.name, partitionIndex, {
              committedOffset: o?.committedOffset ?? -1,
              committedLeaderEpoch: o?.committedLeaderEpoch ?? -1,
              metadata: o?.metadata ?? '',
              errorCode: ErrorCode.NONE,
            }),
          };
        }),
      })),
    };
  }

  /** With require_stable, a partition an open transaction committed to is UNSTABLE_OFFSET_COMMIT with offset -1 (Kafka's OffsetMetadataManager). */
  #stableOr<T extends { committedOffset: number; committedLeaderEpoch: number; metadata: string; errorCode: number }>(
    input: FetchOffsetsInput,
    topic: string,
    partition: number,
    found: T,
  ): T {
    if (!input.requireStable || !this.hasPendingTxnOffset(input.groupId, topic, partition)) return found;
    return {
      ...found,
      committedOffset: -1,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
    };
  }

  // ---------------------------------------------------------------- admin

  /**
   * Handles one group of a DescribeGroups. A group that does not exist is described as Dead with
   * no error, as Kafka does before DescribeGroups v6.
   */
  describeGroup(groupId: string): DescribedGroup {
    if (!this.#active) return deadGroup(groupId, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!this.#owns(groupId)) return deadGroup(groupId, ErrorCode.NOT_COORDINATOR);
    const group = this.#groups.get(groupId);
    return group === undefined ? deadGroup(groupId, ErrorCode.NONE) : describedGroup(group);
  }

  /** Handles a ListGroups; `statesFilter` (case-insensitive, empty = all) is ListGroups v4's. */
  listGroups(statesFilter: readonly string[] = []): ListGroupsResult {
    if (!this.#active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const wanted = new Set(statesFilter.map((s) => s.toLowerCase()));
    const consumerGroups = [...this.#consumer.groups.values()]
      .filter((g) => this.#owns(g.groupId) && (wanted.size === 0 || wanted.has(g.state.toLowerCase())))
      .map((g) => ({
        groupId: g.groupId,
        protocolType: 'consumer',
        groupState: g.state,
        groupType: 'consumer' as const,
      }));
    return {
      errorCode: ErrorCode.NONE,
      groups: [
        ...[...this.#groups.values()].filter((g) => matchesStateFilter(g, wanted)).map(listedGroup),
        ...consumerGroups,
      ],
    };
  }

  /** Handles a DeleteGroups: only groups without members can go, and their offsets go with them. */
  deleteGroups(groupIds: readonly string[]): DeletedGroup[] {
    return groupIds.map((groupId) => {
      if (!this.#active) return { groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
      if (!this.#owns(groupId)) return { groupId, errorCode: ErrorCode.NOT_COORDINATOR };
      const consumerGroup = this.#consumer.groups.get(groupId);
      if (consumerGroup !== undefined) {
        if (consumerGroup.members.size > 0) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
        this.#consumer.groups.delete(groupId);
        this.#offsets.deleteGroup(groupId);
        this.#onChange();
        return { groupId, errorCode: ErrorCode.NONE };
      }
      const group = this.#groups.get(groupId);
      if (group === undefined) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
      if (!group.is('Empty')) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
      group.transitionTo('Dead', this.#clock.now());
      for (const pending of group.pendingJoinMembers) this.#timers.cancel(heartbeatKey(groupId, pending));
      this.#timers.cancel(joinKey(groupId));
      this.#timers.cancel(syncKey(groupId));
      this.#groups.delete(groupId);
      this.#records.delete(groupId);
      this.#offsets.deleteGroup(groupId);
      this.#onChange();
      return { groupId, errorCode: ErrorCode.NONE };
    });
  }

  /** A read-only view of a group's live state, or null if it does not exist (tests and diagnostics). */
  inspect(groupId: string): GroupView | null {
    const group = this.#groups.get(groupId);
    return group === undefined ? null : groupView(group);
  }

  // ---------------------------------------------------------------- persistence and lifecycle

  /**
   * The durable state (committed offsets and each group's last stored metadata), JSON-serialisable.
   * {@link GroupCoordinatorOptions.onPersistentStateChange} fires whenever it changes.
   */
  snapshot(): CoordinatorSnapshot {
    const pendingTxnOffsets = [...this.#pendingTxn.values()].flat();
    const consumerGroups = [...this.#consumer.groups.values()].map(persistConsumerGroup);
    return structuredClone({
      version: 1,
      groups: [...this.#records.values()],
      offsets: this.#offsets.entries(),
      ...(pendingTxnOffsets.length > 0 ? { pendingTxnOffsets } : {}),
      ...(consumerGroups.length > 0 ? { consumerGroups } : {}),
    });
  }

  /**
   * Replaces all state with a snapshot, the way a Kafka coordinator loads __consumer_offsets:
   * groups with members come back Stable (their sessions restart now), the others Empty, and
   * offsets without a group record come back as simple groups. Requests parked on the replaced
   * state are answered NOT_COORDINATOR. Throws if `snapshot` is not a valid snapshot.
   */
  restore(snapshot: unknown): void {
    const snap = parseSnapshot(snapshot);
    this.#unload();
    for (const rec of snap.groups) {
      const group = loadGroup(rec);
      this.#groups.set(rec.groupId, group);
      this.#records.set(rec.groupId, rec);
      for (const m of group.members.values()) this.#scheduleHeartbeat(group, m);
    }
    for (const rec of snap.consumerGroups ?? []) this.#consumer.groups.set(rec.groupId, loadConsumerGroup(rec));
    this.#consumer.restartSessions();
    for (const e of snap.offsets) {
      if (!this.#exists(e.groupId)) this.#createGroup(e.groupId);
      const { groupId, topic, partition, ...value } = e;
      this.#offsets.commit(groupId, topic, partition, value);
    }
    for (const e of snap.pendingTxnOffsets ?? []) {
      let pending = this.#pendingTxn.get(e.producerId);
      if (!pending) this.#pendingTxn.set(e.producerId, (pending = []));
      pending.push(e);
    }
  }

  /**
   * Stops the coordinator: every timer is cancelled, parked JoinGroup/SyncGroup requests are
   * answered NOT_COORDINATOR (clients go and find the coordinator again) and later calls answer
   * COORDINATOR_NOT_AVAILABLE. The state stays readable through {@link GroupCoordinator.snapshot}.
   */
  close(): void {
    this.#active = false;
    this.#answerParked(ErrorCode.NOT_COORDINATOR);
    this.#timers.cancelAll();
  }

  #unload(): void {
    this.#answerParked(ErrorCode.NOT_COORDINATOR);
    this.#timers.cancelAll();
    this.#groups.clear();
    this.#consumer.groups.clear();
    this.#records.clear();
    this.#offsets.clear();
    this.#pendingTxn.clear();
  }

  #answerParked(errorCode: number): void {
    for (const group of this.#groups.values()) {
      for (const m of group.members.values()) {
        group.completeJoin(m, joinError(m.memberId, errorCode));
        group.completeSync(m, syncError(errorCode));
      }
    }
  }

  #createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, this.#clock.now());
    this.#groups.set(groupId, group);
    return group;
  }

  /** "Appends" the group's GroupMetadata record: the points where Kafka writes one. */
  #writeGroupRecord(group: ClassicGroup, assignment?: ReadonlyMap<string, Buffer>): void {
    this.#records.set(group.groupId, groupRecord(group, this.#clock.now(), assignment));
    this.#onChange();
  }
}
