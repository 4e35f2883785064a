import { ClassicGroup, memberMetadata } from './classic-group.ts';
import type { OffsetEntry } from './offset-store.ts';
import { parsePersistedConsumerGroups, type PersistedConsumerGroup } from './consumer/persisted-consumer-group.ts';

/**
 * The durable state of the coordinator: what Kafka keeps in __consumer_offsets. A group is stored
 * as its last GroupMetadata record (written when a generation's assignment is stored, when the
 * group becomes Empty, and when a static member is replaced), not its live state, so a restart
 * sees exactly what a Kafka coordinator failover would. Plain JSON: buffers are base64.
 */
export interface CoordinatorSnapshot {
  version: 1;
  groups: PersistedGroup[];
  offsets: OffsetEntry[];
  /** Offsets committed in open transactions (TxnOffsetCommit), not yet visible: Kafka keeps them in the log too. */
  pendingTxnOffsets?: PendingTxnOffset[];
  /** KIP-848 consumer groups (absent when there are none, so older snapshots still load). */
  consumerGroups?: PersistedConsumerGroup[];
}

/** An offset a transaction committed, visible once its commit marker is written. */
export interface PendingTxnOffset extends OffsetEntry {
  producerId: number;
}

/** A GroupMetadata record. */
export interface PersistedGroup {
  groupId: string;
  protocolType: string | null;
  protocolName: string | null;
  generationId: number;
  leaderId: string | null;
  currentStateTimestampMs: number;
  members: PersistedMember[];
}

/** A member inside a GroupMetadata record. */
export interface PersistedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** Metadata for the group's protocol, base64. */
  subscription: string;
  /** base64. */
  assignment: string;
}

/**
 * The GroupMetadata record for a group as it stands; `assignment` overrides members' current
 * assignments (the leader's SyncGroup stores the new ones before they are handed out).
 */
export function groupRecord(
  group: ClassicGroup,
  nowMs: number,
  assignment?: ReadonlyMap<string, Buffer>,
): PersistedGroup {
  return {
    groupId: group.groupId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    generationId: group.generationId,
    leaderId: group.leaderId,
    currentStateTimestampMs: nowMs,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: memberMetadata(m, group.protocolName).toString('base64'),
      assignment: (assignment?.get(m.memberId) ?? m.assignment).toString('base64'),
    })),
  };
}

/**
 * Rebuilds a group from its GroupMetadata record as Kafka's coordinator does on load: Stable if it
 * has members (each supporting just the group's protocol), Empty otherwise.
 */
export function loadGroup(rec: PersistedGroup): ClassicGroup {
  const group = new ClassicGroup(rec.groupId, rec.currentStateTimestampMs);
  for (const m of rec.members) {
    group.add(
      {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        protocolType: rec.protocolType ?? '',
        protocols:
          rec.protocolName === null
            ? []
            : [{ name: rec.protocolName, metadata: Buffer.from(m.subscription, 'base64') }],
        assignment: Buffer.from(m.assignment, 'base64'),
        isNew: false,
        awaitingJoin: null,
        awaitingSync: null,
      },
      null,
    );
  }
  // add() picks protocol type and leader from the first member; the record says what they were.
  group.generationId = rec.generationId;
  group.protocolType = rec.protocolType;
  group.protocolName = rec.protocolName;
  group.leaderId = rec.leaderId;
  group.loadState(rec.members.length > 0 ? 'Stable' : 'Empty');
  return group;
}

/**
 * Checks that `value` (e.g. parsed from a data-dir file) has the shape of a snapshot. Throws
 * with the path of the first bad field: a corrupt state file is an I/O failure, not a Kafka error.
 */
export function parseSnapshot(value: unknown): CoordinatorSnapshot {
  const fail = (path: string): never => {
    throw new Error(`invalid group coordinator snapshot at ${path}`);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path);
  const str = (v: unknown, path: string): string => (typeof v === 'string' ? v : fail(path));
  const strOrNull = (v: unknown, path: string): string | null => (v === null ? null : str(v, path));
  const num = (v: unknown, path: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(path));
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path));

  const root = obj(value, '$');
  if (root.version !== 1) fail('$.version');
  const groups = arr(root.groups, '$.groups').map((g, i): PersistedGroup => {
    const p = `$.groups[${i}]`;
    const o = obj(g, p);
    return {
      groupId: str(o.groupId, `${p}.groupId`),
      protocolType: strOrNull(o.protocolType, `${p}.protocolType`),
      protocolName: strOrNull(o.protocolName, `${p}.protocolName`),
      generationId: num(o.generationId, `${p}.generationId`),
      leaderId: strOrNull(o.leaderId, `${p}.leaderId`),
      currentStateTimestampMs: num(o.currentStateTimestampMs, `${p}.currentStateTimestampMs`),
      members: arr(o.members, `${p}.members`).map((m, j): PersistedMember => {
        const q = `${p}.members[${j}]`;
        const mo = obj(m, q);
        return {
          memberId: str(mo.memberId, `${q}.memberId`),
          groupInstanceId: strOrNull(mo.groupInstanceId, `${q}.groupInstanceId`),
          clientId: str(mo.clientId, `${q}.clientId`),
          clientHost: str(mo.clientHost, `${q}.clientHost`),
          rebalanceTimeoutMs: num(mo.rebalanceTimeoutMs, `${q}.rebalanceTimeoutMs`),
          sessionTimeoutMs: num(mo.sessionTimeoutMs, `${q}.sessionTimeoutMs`),
          subscription: str(mo.subscription, `${q}.subscription`),
          assignment: str(mo.assignment, `${q}.assignment`),
        };
      }),
    };
  });
  const offsets = arr(root.offsets, '$.offsets').map((e, i): OffsetEntry => {
    const p = `$.offsets[${i}]`;
    const o = obj(e, p);
    return {
      groupId: str(o.groupId, `${p}.groupId`),
      topic: str(o.topic, `${p}.topic`),
      partition: num(o.partition, `${p}.partition`),
      committedOffset: num(o.committedOffset, `${p}.committedOffset`),
      committedLeaderEpoch: num(o.committedLeaderEpoch, `${p}.committedLeaderEpoch`),
      metadata: str(o.metadata, `${p}.metadata`),
      commitTimestampMs: num(o.commitTimestampMs, `${p}.commitTimestampMs`),
    };
  });
  const pendingTxnOffsets = (
    root.pendingTxnOffsets === undefined ? [] : arr(root.pendingTxnOffsets, '$.pendingTxnOffsets')
  ).map((e, i): PendingTxnOffset => {
    const p = `$.pendingTxnOffsets[${i}]`;
    const o = obj(e, p);
    return {
      producerId: num(o.producerId, `${p}.producerId`),
      groupId: str(o.groupId, `${p}.groupId`),
      topic: str(o.topic, `${p}.topic`),
      partition: num(o.partition, `${p}.partition`),
      committedOffset: num(o.committedOffset, `${p}.committedOffset`),
      committedLeaderEpoch: num(o.committedLeaderEpoch, `${p}.committedLeaderEpoch`),
      metadata: str(o.metadata, `${p}.metadata`),
      commitTimestampMs: num(o.commitTimestampMs, `${p}.commitTimestampMs`),
    };
  });
  const consumerGroups =
    root.consumerGroups === undefined ? [] : parsePersistedConsumerGroups(root.consumerGroups, '$.consumerGroups');
  return {
    version: 1,
    groups,
    offsets,
    ...(pendingTxnOffsets.length > 0 ? { pendingTxnOffsets } : {}),
    ...(consumerGroups.length > 0 ? { consumerGroups } : {}),
  };
}
