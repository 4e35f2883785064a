import { ConsumerGroup } from './consumer-group.ts';
import type { ConsumerGroupMember, MemberState } from './member.ts';
import type { TopicPartitions } from './topic-partitions.ts';

/**
 * A consumer group as stored in the coordinator snapshot: what Kafka's ConsumerGroupMetadata,
 * ConsumerGroupMemberMetadata, ConsumerGroupTargetAssignment* and ConsumerGroupCurrentMemberAssignment
 * records in __consumer_offsets hold together. Plain JSON.
 */
export interface PersistedConsumerGroup {
  groupId: string;
  groupEpoch: number;
  assignmentEpoch: number;
  /** [topic name, topic id, partition count] */
  subscriptionMetadata: [string, string, number][];
  members: ConsumerGroupMember[];
  targetAssignment: [string, TopicPartitions][];
}

/** The stored form of a group. */
export function persistConsumerGroup(group: ConsumerGroup): PersistedConsumerGroup {
  return structuredClone({
    groupId: group.groupId,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    subscriptionMetadata: [...group.subscriptionMetadata].map(([n, t]): [string, string, number] => [
      n,
      t.id,
      t.partitions,
    ]),
    members: [...group.members.values()],
    targetAssignment: [...group.targetAssignment],
  });
}

/** A group back from its stored form. */
export function loadConsumerGroup(rec: PersistedConsumerGroup): ConsumerGroup {
  const group = new ConsumerGroup(rec.groupId);
  group.groupEpoch = rec.groupEpoch;
  group.assignmentEpoch = rec.assignmentEpoch;
  group.subscriptionMetadata = new Map(rec.subscriptionMetadata.map(([n, id, partitions]) => [n, { id, partitions }]));
  for (const [id, tp] of rec.targetAssignment) group.targetAssignment.set(id, tp);
  for (const m of rec.members) group.updateMember(m);
  return group;
}

const STATES: readonly MemberState[] = ['STABLE', 'UNREVOKED_PARTITIONS', 'UNRELEASED_PARTITIONS', 'UNKNOWN'];

/** Checks the shape of stored consumer groups; throws naming the first bad path. */
export function parsePersistedConsumerGroups(value: unknown, path: string): PersistedConsumerGroup[] {
  const fail = (p: string): never => {
    throw new Error(`invalid group coordinator snapshot at ${p}`);
  };
  const arr = (v: unknown, p: string): unknown[] => (Array.isArray(v) ? v : fail(p));
  const obj = (v: unknown, p: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(p);
  const num = (v: unknown, p: string): number => (typeof v === 'number' && Number.isInteger(v) ? v : fail(p));
  const str = (v: unknown, p: string): string => (typeof v === 'string' ? v : fail(p));
  const strOrNull = (v: unknown, p: string): string | null => (v === null ? null : str(v, p));
  const partitions = (v: unknown, p: string): TopicPartitions => {
    const o = obj(v, p);
    for (const [t, ps] of Object.entries(o)) arr(ps, `${p}.${t}`).forEach((x, i) => num(x, `${p}.${t}[${i}]`));
    return o as TopicPartitions;
  };
  return arr(value, path).map((g, i): PersistedConsumerGroup => {
    const p = `${path}[${i}]`;
    const o = obj(g, p);
    return {
      groupId: str(o.groupId, `${p}.groupId`),
      groupEpoch: num(o.groupEpoch, `${p}.groupEpoch`),
      assignmentEpoch: num(o.assignmentEpoch, `${p}.assignmentEpoch`),
      subscriptionMetadata: arr(o.subscriptionMetadata, `${p}.subscriptionMetadata`).map((e, j) => {
        const q = `${p}.subscriptionMetadata[${j}]`;
        const t = arr(e, q);
        return [str(t[0], q), str(t[1], q), num(t[2], q)];
      }),
      members: arr(o.members, `${p}.members`).map((m, j): ConsumerGroupMember => {
        const q = `${p}.members[${j}]`;
        const mo = obj(m, q);
        const state = str(mo.state, `${q}.state`) as MemberState;
        if (!STATES.includes(state)) fail(`${q}.state`);
        return {
          memberId: str(mo.memberId, `${q}.memberId`),
          instanceId: strOrNull(mo.instanceId, `${q}.instanceId`),
          rackId: strOrNull(mo.rackId, `${q}.rackId`),
          clientId: str(mo.clientId, `${q}.clientId`),
          clientHost: str(mo.clientHost, `${q}.clientHost`),
          rebalanceTimeoutMs: num(mo.rebalanceTimeoutMs, `${q}.rebalanceTimeoutMs`),
          subscribedTopicNames: arr(mo.subscribedTopicNames, `${q}.subscribedTopicNames`).map((n, k) =>
            str(n, `${q}.subscribedTopicNames[${k}]`),
          ),
          serverAssignor: strOrNull(mo.serverAssignor, `${q}.serverAssignor`),
          memberEpoch: num(mo.memberEpoch, `${q}.memberEpoch`),
          previousMemberEpoch: num(mo.previousMemberEpoch, `${q}.previousMemberEpoch`),
          state,
          assigned: partitions(mo.assigned, `${q}.assigned`),
          pendingRevocation: partitions(mo.pendingRevocation, `${q}.pendingRevocation`),
        };
      }),
      targetAssignment: arr(o.targetAssignment, `${p}.targetAssignment`).map((e, j) => {
        const q = `${p}.targetAssignment[${j}]`;
        const t = arr(e, q);
        return [str(t[0], q), partitions(t[1], q)];
      }),
    };
  });
}
