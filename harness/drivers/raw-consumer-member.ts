/**
 * A member of a KIP-848 consumer group (`group.protocol=consumer`) speaking
 * ConsumerGroupHeartbeat, OffsetFetch and OffsetCommit directly, so a scenario records exactly
 * the member epoch and partitions the broker reported in each answer — what the Java consumer
 * keeps to itself. It makes no decisions: the caller reconciles (revokes before it reports the
 * new owned set, fetches only what it owns, commits).
 */
import { randomUUID } from 'node:crypto';
import type { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { connectToCoordinator } from './raw-group-member.ts';
import { apiVersionsBody } from './request-bodies.ts';

/** ConsumerGroupHeartbeat v0-1: v1 has the member generate its id (KIP-1082). */
const HEARTBEAT_VERSIONS = { min: 0, max: 1 } as const;
/** OffsetCommit and OffsetFetch v9: the first to carry the member epoch, the last to name topics by name. */
const OFFSETS_VERSIONS = { min: 9, max: 9 } as const;

/** The member epoch that leaves the group. */
export const LEAVE_EPOCH = -1;

/** What one heartbeat answered, the assignment as partitions of the subscribed topic. */
export interface HeartbeatAnswer {
  errorCode: number;
  errorMessage: string | null;
  memberId: string;
  memberEpoch: number;
  /** The topic id the assignment names (undefined when it names none). */
  topicId: string | undefined;
  /** Assigned partitions of the topic, sorted; null when the answer carries no assignment. */
  assigned: number[] | null;
}

/**
 * Why the target cannot host a {@link RawConsumerMember}, or undefined when it can: ApiVersions
 * must list ConsumerGroupHeartbeat and finalize the `group.version` feature at level 1 or more,
 * and serve OffsetFetch and OffsetCommit v9 (the member epoch). The key alone is not enough:
 * Kafka 3.9.2 lists it (v0) yet answers every heartbeat UNSUPPORTED_VERSION, its new group
 * coordinator being off; `group.version` is what Kafka 4 finalizes when the protocol is on.
 */
export async function consumerProtocolMissing(raw: RawClient): Promise<string | undefined> {
  const served = await raw.serverVersions();
  if (!served.has(ApiKey.ConsumerGroupHeartbeat)) return 'ApiVersions lists no ConsumerGroupHeartbeat';
  for (const [key, name] of [
    [ApiKey.OffsetFetch, 'OffsetFetch'],
    [ApiKey.OffsetCommit, 'OffsetCommit'],
  ] as const) {
    const range = served.get(key);
    if (!range || range.min > OFFSETS_VERSIONS.min || range.max < OFFSETS_VERSIONS.max)
      return `${name} v${OFFSETS_VERSIONS.min} (with the member epoch) is not served${range ? ` (v${range.min}-${range.max})` : ''}`;
  }
  // v3 is the first to answer the finalized features
  const r = await raw.send(ApiKey.ApiVersions, apiVersionsBody(), { versions: { min: 3, max: 4 } });
  if (!r.finalizedFeatures.some((f) => f.name === 'group.version' && f.maxVersionLevel >= 1))
    return 'the group.version feature is not finalized at 1 or more (the new group coordinator is off)';
  return undefined;
}

/** A KIP-848 consumer-group member of one topic, driven request by request. */
export class RawConsumerMember {
  readonly name: string;
  private client: RawClient;
  private readonly bootstrap: string;
  private readonly groupId: string;
  private readonly topic: string;
  private readonly rebalanceTimeoutMs: number;
  memberId = '';
  /** 0 until the first answer; the epoch the broker last gave this member. */
  memberEpoch = 0;

  private constructor(
    name: string,
    client: RawClient,
    bootstrap: string,
    groupId: string,
    topic: string,
    rebalanceTimeoutMs: number,
  ) {
    this.name = name;
    this.client = client;
    this.bootstrap = bootstrap;
    this.groupId = groupId;
    this.topic = topic;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
  }

  /** Finds the coordinator of `groupId` from `bootstrap` and connects a member subscribed to `topic`. */
  static async connect(
    bootstrap: string,
    name: string,
    groupId: string,
    topic: string,
    rebalanceTimeoutMs = 30_000,
  ): Promise<RawConsumerMember> {
    const client = await connectToCoordinator(bootstrap, name, groupId);
    const m = new RawConsumerMember(name, client, bootstrap, groupId, topic, rebalanceTimeoutMs);
    // v1 wants the id from the member; v0 has the coordinator make one up in its first answer.
    if ((await client.negotiate(ApiKey.ConsumerGroupHeartbeat, HEARTBEAT_VERSIONS)) >= 1) m.memberId = randomUUID();
    return m;
  }

  /** Drops the coordinator connection without leaving (the member dies; the group keeps it until it returns or its session ends). */
  drop(): void {
    this.client.close();
  }

  /** A new coordinator connection for the same member id and epoch (a dead member comes back). */
  async reconnect(): Promise<void> {
    this.client.close();
    this.client = await connectToCoordinator(this.bootstrap, this.name, this.groupId);
  }

  /**
   * One full heartbeat (rebalance timeout, subscription and owned partitions all set, as a
   * member sends after joining or an error), so every answer carries the member's whole
   * assignment. `owned` null joins afresh (epoch 0, owning nothing).
   */
  async heartbeat(owned: { topicId: string; partitions: readonly number[] } | null): Promise<HeartbeatAnswer> {
    const r = await this.client.send(
      ApiKey.ConsumerGroupHeartbeat,
      {
        groupId: this.groupId,
        memberId: this.memberId,
        memberEpoch: owned === null ? 0 : this.memberEpoch,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: this.rebalanceTimeoutMs,
        subscribedTopicNames: [this.topic],
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions:
          owned && owned.partitions.length > 0 ? [{ topicId: owned.topicId, partitions: [...owned.partitions] }] : [],
      },
      { versions: HEARTBEAT_VERSIONS },
    );
    if (r.errorCode === 0) {
      if (r.memberId) this.memberId = r.memberId;
      this.memberEpoch = r.memberEpoch;
    }
    // one topic subscribed: every topic id in the assignment is it
    const topics = r.assignment?.topicPartitions ?? [];
    return {
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      memberId: this.memberId,
      memberEpoch: r.memberEpoch,
      topicId: topics[0]?.topicId,
      assigned: r.assignment === null ? null : topics.flatMap((t) => t.partitions).sort((a, b) => a - b),
    };
  }

  /** Leaves the group (epoch -1) and closes the connection. Resolves with the answer's error code. */
  async leave(): Promise<number> {
    try {
      const r = await this.client.send(
        ApiKey.ConsumerGroupHeartbeat,
        {
          groupId: this.groupId,
          memberId: this.memberId,
          memberEpoch: LEAVE_EPOCH,
          instanceId: null,
          rackId: null,
          rebalanceTimeoutMs: -1,
          subscribedTopicNames: null,
          subscribedTopicRegex: null,
          serverAssignor: null,
          topicPartitions: null,
        },
        { versions: HEARTBEAT_VERSIONS },
      );
      return r.errorCode;
    } finally {
      this.client.close();
    }
  }

  /** The group's committed offsets of `partitions` (-1: none), asked as this member at its epoch. */
  async committed(partitions: readonly number[]): Promise<Map<number, { offset: number; errorCode: number }>> {
    const r = await this.client.send(
      ApiKey.OffsetFetch,
      {
        groupId: this.groupId,
        topics: null,
        groups: [
          {
            groupId: this.groupId,
            memberId: this.memberId,
            memberEpoch: this.memberEpoch,
            topics: [{ name: this.topic, topicId: NULL_UUID, partitionIndexes: [...partitions] }],
          },
        ],
        requireStable: true,
      },
      { versions: OFFSETS_VERSIONS },
    );
    const group = r.groups[0];
    const out = new Map<number, { offset: number; errorCode: number }>();
    for (const p of partitions) {
      const answer = group?.topics.find((t) => t.name === this.topic)?.partitions.find((x) => x.partitionIndex === p);
      out.set(p, {
        offset: answer ? Number(answer.committedOffset) : -1,
        errorCode: answer?.errorCode || group?.errorCode || (answer ? 0 : -1),
      });
    }
    return out;
  }

  /** Commits `offsets` (partition → next offset to read) as this member at its epoch; resolves with each partition's error code. */
  async commit(offsets: ReadonlyMap<number, number>): Promise<Map<number, number>> {
    const r = await this.client.send(
      ApiKey.OffsetCommit,
      {
        groupId: this.groupId,
        generationIdOrMemberEpoch: this.memberEpoch,
        memberId: this.memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [
          {
            name: this.topic,
            topicId: NULL_UUID,
            partitions: [...offsets].map(([partitionIndex, offset]) => ({
              partitionIndex,
              committedOffset: BigInt(offset),
              committedLeaderEpoch: -1,
              committedMetadata: '',
            })),
          },
        ],
      },
      { versions: OFFSETS_VERSIONS },
    );
    const out = new Map<number, number>();
    for (const p of offsets.keys())
      out.set(p, r.topics[0]?.partitions.find((x) => x.partitionIndex === p)?.errorCode ?? -1);
    return out;
  }
}
