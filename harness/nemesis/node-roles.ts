/**
 * Which node plays which role right now, for faults aimed at a role ("kill the leader of t-0",
 * "kill the active controller"). Every live node is asked at once with a short timeout, so a
 * killed or paused node costs one timeout, not one per node, and the freshest answer wins.
 */
import { fetchQuorumLeader, tryClusterMetadata, type PartitionView } from '../kafka-dist/cluster-metadata.ts';
import type { TargetNode } from './fault-control.ts';

/** Options of the role look-ups. */
export interface RoleLookupOptions {
  /** Per node; default 2 s. */
  timeoutMs?: number;
}

/**
 * The leader of `topic`-`partition` by the answer with the highest leader epoch among the nodes
 * that answered; undefined when no node knows a leader (none answered, or the partition is
 * offline).
 */
export async function findPartitionLeader(
  nodes: readonly TargetNode[],
  topic: string,
  partition = 0,
  opts: RoleLookupOptions = {},
): Promise<number | undefined> {
  return (await describePartition(nodes, topic, partition, opts))?.leaderId;
}

/**
 * The freshest view of `topic`-`partition` (leader, leader epoch, replicas, in-sync replicas): the
 * answer with the highest leader epoch among the nodes that answered and know a leader, or
 * undefined when none does. Failover scenarios use the ISR to wait until a cluster has healed.
 */
export async function describePartition(
  nodes: readonly TargetNode[],
  topic: string,
  partition = 0,
  opts: RoleLookupOptions = {},
): Promise<PartitionView | undefined> {
  const views = await Promise.all(
    nodes.map((n) => tryClusterMetadata(n.bootstrap, { topics: [topic], timeoutMs: opts.timeoutMs ?? 2_000 })),
  );
  let best: PartitionView | undefined;
  for (const view of views) {
    const p = view?.topics.get(topic)?.partitions.find((x) => x.partition === partition);
    if (!p || p.leaderId < 0) continue;
    if (!best || p.leaderEpoch > best.leaderEpoch) best = p;
  }
  return best;
}

/**
 * The active controller: in KRaft the leader of the metadata quorum (DescribeQuorum; Metadata's
 * controller id is a random broker there), in ZooKeeper mode Metadata's controller id (the most
 * common answer). Undefined while there is none or no node answers.
 */
export async function findActiveController(
  nodes: readonly TargetNode[],
  opts: RoleLookupOptions = {},
): Promise<number | undefined> {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const views = (await Promise.all(nodes.map((n) => tryClusterMetadata(n.bootstrap, { timeoutMs })))).filter(
    (v) => v !== undefined,
  );
  // A KRaft broker serves DescribeQuorum (forwarding it to the controller); a ZooKeeper-mode broker does not.
  const kraft = views.filter((v) => v.apiVersions.has(55));
  if (kraft.length > 0) {
    const leaders = await Promise.all(
      kraft.map((v) => fetchQuorumLeader(v.answeredBy, timeoutMs).catch(() => undefined)),
    );
    return mostCommon(leaders.filter((x): x is number => x !== undefined));
  }
  return mostCommon(views.map((v) => v.controllerId).filter((id) => id >= 0));
}

function mostCommon(ids: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  let best: number | undefined;
  for (const [id, n] of counts) if (best === undefined || n > counts.get(best)!) best = id;
  return best;
}

/** How a fault picks its node. */
export type NodeChoice =
  | { readonly kind: 'node'; readonly id: number }
  | { readonly kind: 'random' }
  | { readonly kind: 'leader'; readonly topic: string; readonly partition?: number }
  | { readonly kind: 'controller' };

/**
 * The node id a {@link NodeChoice} names now. `random` draws from `random()` (pass the
 * scenario's seeded generator so a run replays). Undefined when the role has no holder.
 */
export async function chooseNode(
  nodes: readonly TargetNode[],
  choice: NodeChoice,
  random: () => number,
  opts: RoleLookupOptions = {},
): Promise<number | undefined> {
  switch (choice.kind) {
    case 'node':
      return choice.id;
    case 'random':
      return nodes.length ? nodes[Math.min(nodes.length - 1, Math.floor(random() * nodes.length))]!.id : undefined;
    case 'leader':
      return findPartitionLeader(nodes, choice.topic, choice.partition ?? 0, opts);
    case 'controller':
      return findActiveController(nodes, opts);
  }
}
