import { Reader, Writer } from '../../protocol/primitives/index.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { findCoordinator } from './find-coordinator.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const MEMBER_ID_REQUIRED = 79;

/** What one member got from one completed rebalance. */
export interface MemberGeneration {
  memberId: string;
  generationId: number;
  leader: boolean;
  /** topic -> partitions assigned to this member */
  assignment: Map<string, number[]>;
  errorCode: number;
}

/**
 * ConsumerProtocolSubscription v0 (Kafka's `common/message/ConsumerProtocolSubscription.json`):
 * version, topics, null user data. It is a data format, not a request, so it is not generated.
 */
export function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new Writer(64).int16(0).int32(topics.length);
  for (const t of topics) w.string(t);
  return Buffer.from(w.nullableBytes(null).result());
}

/** ConsumerProtocolAssignment v0: version, (topic, partitions)*, null user data. */
export function encodeAssignment(assignment: ReadonlyMap<string, readonly number[]>): Buffer {
  const w = new Writer(64).int16(0).int32(assignment.size);
  for (const [topic, partitions] of assignment) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) w.int32(p);
  }
  return Buffer.from(w.nullableBytes(null).result());
}

/** Reads a ConsumerProtocolAssignment (any version: later versions only add fields at the end). */
export function decodeAssignment(bytes: Buffer): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (bytes.length === 0) return out;
  const r = new Reader(bytes);
  r.int16('Assignment.Version');
  const n = r.arrayLength(false, 'Assignment.AssignedPartitions');
  for (let i = 0; i < n; i++) {
    const topic = r.string('Assignment.Topic');
    const count = r.arrayLength(false, 'Assignment.Partitions');
    const partitions: number[] = [];
    for (let j = 0; j < count; j++) partitions.push(r.int32('Assignment.Partition'));
    out.set(topic, partitions);
  }
  return out;
}

/** The range assignor's split of `partitions` of one topic among members (sorted ids), as Kafka's RangeAssignor. */
export function rangeAssign(
  memberIds: readonly string[],
  topic: string,
  partitions: number,
): Map<string, Map<string, number[]>> {
  const members = [...memberIds].sort();
  const out = new Map<string, Map<string, number[]>>();
  const per = Math.floor(partitions / members.length);
  const extra = partitions % members.length;
  let next = 0;
  members.forEach((m, i) => {
    const count = per + (i < extra ? 1 : 0);
    out.set(m, new Map([[topic, Array.from({ length: count }, (_, k) => next + k)]]));
    next += count;
  });
  return out;
}

/**
 * The group requests' versions this member builds: up to JoinGroup v9, SyncGroup v5, Heartbeat
 * v4, LeaveGroup v5 (the newest of the classic protocol), down to whatever the codec reads, at
 * the highest the broker serves. Before JoinGroup v4 the broker assigns the member id at once
 * (no MEMBER_ID_REQUIRED round); before LeaveGroup v3 the member leaves by its top-level id.
 */
const VERSIONS = { join: { max: 9 }, sync: { max: 5 }, heartbeat: { max: 4 }, leave: { max: 5 } } as const;

/** Asks each node of `bootstrap` in turn for the coordinator of `groupId` and connects to it. */
export async function connectToCoordinator(bootstrap: string, name: string, groupId: string): Promise<RawClient> {
  const errors: string[] = [];
  for (const node of bootstrap.split(',')) {
    let probe: RawClient;
    try {
      probe = await RawClient.connect(node, name);
    } catch (err) {
      errors.push((err as Error).message);
      continue;
    }
    let coordinator: string | undefined;
    try {
      // a fresh Kafka answers COORDINATOR_NOT_AVAILABLE until the offsets topic exists
      for (let attempt = 0; attempt < 100 && !coordinator; attempt++) {
        const c = await findCoordinator(probe, groupId);
        if (c.errorCode === 0) coordinator = c.address;
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } catch (err) {
      errors.push(`${node}: ${(err as Error).message}`);
      continue;
    } finally {
      probe.close();
    }
    if (!coordinator) {
      errors.push(`no coordinator for group ${groupId} at ${node}`);
      continue;
    }
    return RawClient.connect(coordinator, name);
  }
  throw new Error(errors.join('; '));
}

/**
 * A consumer-group member speaking the classic group protocol directly with the range
 * assignor, so a scenario sees exactly which generation each assignment belongs to — what
 * high-level clients keep to themselves.
 */
export class RawGroupMember {
  readonly name: string;
  private client: RawClient;
  private readonly bootstrap: string;
  private readonly groupId: string;
  private readonly topic: string;
  private readonly partitions: number;
  memberId = '';
  generationId = -1;

  private constructor(
    name: string,
    client: RawClient,
    bootstrap: string,
    groupId: string,
    topic: string,
    partitions: number,
  ) {
    this.name = name;
    this.client = client;
    this.bootstrap = bootstrap;
    this.groupId = groupId;
    this.topic = topic;
    this.partitions = partitions;
  }

  /**
   * Finds the group's coordinator from `bootstrap` (each node in turn, as a client's bootstrap
   * list is used: one node down must not stop it) and connects a member of `groupId` subscribed
   * to `topic` (with `partitions` partitions).
   */
  static async connect(
    bootstrap: string,
    name: string,
    groupId: string,
    topic: string,
    partitions: number,
  ): Promise<RawGroupMember> {
    return new RawGroupMember(
      name,
      await connectToCoordinator(bootstrap, name, groupId),
      bootstrap,
      groupId,
      topic,
      partitions,
    );
  }

  /** True once the coordinator's connection is gone (closed, broker down): {@link reconnect} before the next request. */
  get disconnected(): boolean {
    return this.client.closed;
  }

  /**
   * Looks the coordinator up again and connects to it, keeping the member id and generation: what
   * Kafka's consumer does when its coordinator connection fails or the coordinator moved
   * (markCoordinatorUnknown, then FindCoordinator and rejoin). Throws when no node answers.
   */
  async reconnect(): Promise<void> {
    this.client.close();
    this.client = await connectToCoordinator(this.bootstrap, this.name, this.groupId);
  }

  /** Forgets the member id (after UNKNOWN_MEMBER_ID the coordinator no longer knows it): the next join starts afresh. */
  resetMemberId(): void {
    this.memberId = '';
    this.generationId = -1;
  }

  /** Joins (or rejoins) and syncs; resolves with this member's assignment of the new generation. */
  async join(): Promise<MemberGeneration> {
    const joinBody = () => ({
      groupId: this.groupId,
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 30_000,
      memberId: this.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription([this.topic]) }],
      reason: null,
    });
    const join = { versions: VERSIONS.join, timeoutMs: 60_000 };
    let joined = await this.client.send(ApiKey.JoinGroup, joinBody(), join);
    if (joined.errorCode === MEMBER_ID_REQUIRED) {
      this.memberId = joined.memberId;
      joined = await this.client.send(ApiKey.JoinGroup, joinBody(), join);
    }
    if (joined.errorCode !== 0)
      return {
        memberId: this.memberId,
        generationId: -1,
        leader: false,
        assignment: new Map(),
        errorCode: joined.errorCode,
      };
    this.memberId = joined.memberId;
    this.generationId = joined.generationId;
    const leader = joined.leader === joined.memberId;
    const assignments = leader
      ? [
          ...rangeAssign(
            joined.members.map((m: { memberId: string }) => m.memberId),
            this.topic,
            this.partitions,
          ),
        ].map(([memberId, a]) => ({ memberId, assignment: encodeAssignment(a) }))
      : [];
    const synced = await this.client.send(
      ApiKey.SyncGroup,
      {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments,
      },
      { versions: VERSIONS.sync, timeoutMs: 60_000 },
    );
    return {
      memberId: this.memberId,
      generationId: this.generationId,
      leader,
      assignment: synced.errorCode === 0 ? decodeAssignment(synced.assignment) : new Map(),
      errorCode: synced.errorCode,
    };
  }

  /** One heartbeat; returns its error code (27 REBALANCE_IN_PROGRESS means: rejoin). */
  async heartbeat(): Promise<number> {
    const r = await this.client.send(
      ApiKey.Heartbeat,
      { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null },
      { versions: VERSIONS.heartbeat },
    );
    return r.errorCode;
  }

  /** Leaves the group and closes the connection. */
  async leave(): Promise<void> {
    try {
      // memberId is what v0-2 send; v3+ send the members list instead.
      await this.client.send(
        ApiKey.LeaveGroup,
        {
          groupId: this.groupId,
          memberId: this.memberId,
          members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'kconform scenario' }],
        },
        { versions: VERSIONS.leave },
      );
    } finally {
      this.client.close();
    }
  }

  close(): void {
    this.client.close();
  }
}
