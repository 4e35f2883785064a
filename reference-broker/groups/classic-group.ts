import { ErrorCode } from './error-codes.ts';
import { isValidTransition } from './group-state.ts';
import { selectProtocol, supportsProtocols } from './protocol-selection.ts';
import type { GroupProtocol, GroupStateName, JoinGroupMember, JoinGroupResult, SyncGroupResult } from './types.ts';

/** Completes a parked JoinGroup request. */
export type JoinCallback = (result: JoinGroupResult) => void;
/** Completes a parked SyncGroup request. */
export type SyncCallback = (result: SyncGroupResult) => void;

/** A member of a classic group (Kafka's ClassicGroupMember). */
export interface ClassicGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer;
  /** Joined but not yet through a completed join phase: only the new-member join timeout protects it. */
  isNew: boolean;
  awaitingJoin: JoinCallback | null;
  awaitingSync: SyncCallback | null;
}

const EMPTY = Buffer.alloc(0);

/** A JoinGroup error response, shaped as Kafka sends it. */
export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    skipAssignment: false,
    members: [],
  };
}

/** A SyncGroup error response. */
export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

/** Whether a member's protocols equal `protocols` (names, order and metadata), as Kafka's `matches`. */
export function protocolsMatch(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}

/** The metadata a member sent for `protocolName` (empty if it did not list it). */
export function memberMetadata(member: ClassicGroupMember, protocolName: string | null): Buffer {
  return member.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
}

/**
 * The membership and rebalance bookkeeping of one classic group (Kafka's ClassicGroup): who is in
 * it, who is static, who has rejoined or synced, who leads, and the generation. It owns no timers
 * and makes no decisions about when to rebalance; the coordinator does.
 */
export class ClassicGroup {
  readonly groupId: string;
  #state: GroupStateName = 'Empty';
  #previousState: GroupStateName = 'Dead';
  stateTimestampMs: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** Insertion-ordered, so a replacement leader is the longest-standing member. */
  readonly members = new Map<string, ClassicGroupMember>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet (KIP-394). */
  readonly pendingJoinMembers = new Set<string>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Set when a member joins during the initial (delayed) rebalance, which extends the delay. */
  newMemberAdded = false;

  constructor(groupId: string, nowMs: number) {
    this.groupId = groupId;
    this.stateTimestampMs = nowMs;
  }

  get state(): GroupStateName {
    return this.#state;
  }

  get previousState(): GroupStateName {
    return this.#previousState;
  }

  is(state: GroupStateName): boolean {
    return this.#state === state;
  }

  /** Moves to `state`; throws on a transition Kafka's state machine forbids (a coordinator bug). */
  transitionTo(state: GroupStateName, nowMs: number): void {
    if (!isValidTransition(this.#state, state)) {
      throw new Error(`group ${this.groupId}: invalid transition ${this.#state} -> ${state}`);
    }
    this.#previousState = this.#state;
    this.#state = state;
    this.stateTimestampMs = nowMs;
  }

  /** Sets the state without the transition check: only for loading persisted groups. */
  loadState(state: 'Empty' | 'Stable'): void {
    this.#state = state;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicGroupMember | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  staticMemberId(groupInstanceId: string | null): string | undefined {
    return groupInstanceId === null ? undefined : this.staticMembers.get(groupInstanceId);
  }

  /** Adds a member; a first member sets the group's protocol type and a leaderless group gets it as leader. */
  add(member: ClassicGroupMember, callback: JoinCallback | null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(`group ${this.groupId}: static member ${member.groupInstanceId} already present`);
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    member.awaitingJoin = callback;
    this.members.set(member.memberId, member);
    this.pendingJoinMembers.delete(member.memberId);
  }

  /**
   * Removes a member (or pending member id). A request it still has parked is answered
   * UNKNOWN_MEMBER_ID rather than left hanging; Kafka answers it on most paths and lets the
   * client's request time out on the rest.
   */
  remove(memberId: string): ClassicGroupMember | undefined {
    const removed = this.members.get(memberId);
    if (removed !== undefined) {
      this.members.delete(memberId);
      if (removed.groupInstanceId !== null && this.staticMembers.get(removed.groupInstanceId) === memberId) {
        this.staticMembers.delete(removed.groupInstanceId);
      }
      this.completeJoin(removed, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
      this.completeSync(removed, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
    if (this.isLeader(memberId)) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    return removed;
  }

  /**
   * Keeps the leader if it rejoined, else promotes the first member that did. False when there is
   * no leader or nobody rejoined, in which case the join phase cannot complete yet.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader !== undefined && leader.awaitingJoin !== null) return true;
    for (const m of this.members.values()) {
      if (m.awaitingJoin !== null) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /**
   * Gives a static member a new member id (KIP-345), keeping everything else. Whatever the old
   * id had parked is fenced, since that is a duplicate instance.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const old = this.members.get(oldMemberId);
    if (old === undefined) throw new Error(`group ${this.groupId}: cannot replace unknown member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.completeJoin(old, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    this.completeSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
    const replacement: ClassicGroupMember = { ...old, memberId: newMemberId, awaitingJoin: null, awaitingSync: null };
    this.members.set(newMemberId, replacement);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return replacement;
  }

  /** Updates a rejoining member's protocols and timeouts and parks its JoinGroup. */
  updateMember(
    member: ClassicGroupMember,
    protocols: GroupProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    callback: JoinCallback | null,
  ): void {
    member.protocols = protocols;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    // Kafka drops a superseded parked JoinGroup and lets it time out on the client; answering
    // it keeps callers from waiting forever, and REBALANCE_IN_PROGRESS only makes a client rejoin.
    if (callback !== null) this.completeJoin(member, joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = callback;
  }

  /** Answers a member's parked JoinGroup; false if it had none. */
  completeJoin(member: ClassicGroupMember, result: JoinGroupResult): boolean {
    const cb = member.awaitingJoin;
    if (cb === null) return false;
    member.awaitingJoin = null;
    cb(result);
    return true;
  }

  /** Answers a member's parked SyncGroup; false if it had none. */
  completeSync(member: ClassicGroupMember, result: SyncGroupResult): boolean {
    const cb = member.awaitingSync;
    if (cb === null) return false;
    member.awaitingSync = null;
    cb(result);
    return true;
  }

  /** Members that have not rejoined during the current join phase. */
  notYetRejoinedMembers(): ClassicGroupMember[] {
    return [...this.members.values()].filter((m) => m.awaitingJoin === null);
  }

  /** Every member has rejoined and no MEMBER_ID_REQUIRED id is outstanding. */
  hasAllMembersJoined(): boolean {
    return this.notYetRejoinedMembers().length === 0 && this.pendingJoinMembers.size === 0;
  }

  /** The group's rebalance timeout: the largest of its members'. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  #preferences(): string[][] {
    return [...this.members.values()].map((m) => m.protocols.map((p) => p.name));
  }

  /** Whether a member with this type and these protocols could join now. */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    return supportsProtocols(
      this.is('Empty'),
      this.protocolType,
      this.#preferences(),
      protocolType,
      protocols.map((p) => p.name),
    );
  }

  /** The protocol the current members would vote for. */
  selectProtocol(): string | null {
    return selectProtocol(this.#preferences());
  }

  /** Whether the group may start a rebalance from its current state. */
  canRebalance(): boolean {
    return isValidTransition(this.#state, 'PreparingRebalance');
  }

  /** Ends a join phase: bumps the generation and moves to CompletingRebalance, or Empty if nobody is left. */
  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', nowMs);
    }
    this.pendingSyncMembers.clear();
  }

  /** The member list the leader receives, with each member's metadata for the selected protocol. */
  currentMemberMetadata(): JoinGroupMember[] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: memberMetadata(m, this.protocolName),
    }));
  }

  /**
   * Kafka's validateMember: a known instance id must map to this member id (else
   * FENCED_INSTANCE_ID), an unknown one is UNKNOWN_MEMBER_ID, and the member must exist.
   */
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }
}
