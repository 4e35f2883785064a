/**
 * What the control endpoint reports about a running process cluster and the waits it offers:
 * each node's process state and roles (active controller, leader of which partitions), waiting
 * until every partition is fully replicated, and moving a partition's leader. Everything is
 * read over the Kafka protocol from the nodes themselves (Metadata), as a client would see it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { tryClusterMetadata, type ClusterView, type PartitionView } from '../kafka-dist/cluster-metadata.ts';
import type { ProcessCluster } from '../kafka-dist/process-cluster.ts';
import type { NodeProcessState } from '../kafka-dist/node-process.ts';

/** One node as `GET /nodes` answers it. */
export interface NodeReport {
  id: number;
  /** host:port of the node's client listener. */
  bootstrap: string;
  port: number;
  pid: number | null;
  state: NodeProcessState;
  /** Running (not paused, not stopped) and answering Metadata. */
  alive: boolean;
  /** True for the active controller (the metadata quorum's leader). */
  controller: boolean;
  /** Partitions this node leads, as `topic-partition`. */
  leaderOf: string[];
}

/** One partition as the freshest answer describes it. */
export interface PartitionReport {
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

const PROBE_MS = 1_500;

/** Every node's Metadata (all topics), asked at once; undefined for a node that did not answer. */
async function views(cluster: ProcessCluster): Promise<(ClusterView | undefined)[]> {
  return Promise.all(
    cluster.nodes.map((n) =>
      cluster.nodeProcess(n.id).state === 'running'
        ? tryClusterMetadata(n.bootstrap, { topics: 'all', timeoutMs: PROBE_MS })
        : Promise.resolve(undefined),
    ),
  );
}

/** Per partition the answer with the highest leader epoch among the nodes that answered. */
function freshestPartitions(answers: readonly (ClusterView | undefined)[]): PartitionReport[] {
  const best = new Map<string, PartitionReport>();
  for (const view of answers) {
    for (const [topic, t] of view?.topics ?? []) {
      for (const p of t.partitions as readonly PartitionView[]) {
        const key = `${topic}-${p.partition}`;
        const seen = best.get(key);
        if (!seen || p.leaderEpoch > seen.leaderEpoch)
          best.set(key, {
            topic,
            partition: p.partition,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: [...p.replicas],
            isr: [...p.isr],
          });
      }
    }
  }
  return [...best.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** The controller id most live nodes report (the reference broker's Metadata names the active controller). */
function controllerOf(answers: readonly (ClusterView | undefined)[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of answers)
    if (v && v.controllerId >= 0) counts.set(v.controllerId, (counts.get(v.controllerId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Every partition of every topic, from the freshest answers. */
export async function describePartitions(cluster: ProcessCluster): Promise<PartitionReport[]> {
  return freshestPartitions(await views(cluster));
}

/** The cluster's nodes with their process state and roles. */
export async function describeNodes(
  cluster: ProcessCluster,
): Promise<{ controller: number | null; nodes: NodeReport[] }> {
  const answers = await views(cluster);
  const partitions = freshestPartitions(answers);
  const controller = controllerOf(answers);
  const nodes = cluster.nodes.map((n, i): NodeReport => {
    const proc = cluster.nodeProcess(n.id);
    return {
      id: n.id,
      bootstrap: n.bootstrap,
      port: Number(n.bootstrap.slice(n.bootstrap.lastIndexOf(':') + 1)),
      pid: proc.pid ?? null,
      state: proc.state,
      alive: proc.state === 'running' && answers[i] !== undefined,
      controller: controller === n.id,
      leaderOf: partitions.filter((p) => p.leader === n.id).map((p) => `${p.topic}-${p.partition}`),
    };
  });
  return { controller: controller ?? null, nodes };
}

/** Partitions whose ISR is not all their replicas (or that have no leader). */
export function underReplicated(partitions: readonly PartitionReport[]): PartitionReport[] {
  return partitions.filter(
    (p) => p.leader < 0 || p.isr.length !== p.replicas.length || !p.replicas.every((r) => p.isr.includes(r)),
  );
}

/**
 * Waits until every node runs and answers, and every partition's ISR is all of its replicas.
 * Resolves with the partitions; rejects after `timeoutMs` naming what is still short.
 */
export async function waitFullyReplicated(cluster: ProcessCluster, timeoutMs: number): Promise<PartitionReport[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answers = await views(cluster);
    const partitions = freshestPartitions(answers);
    const down = cluster.nodes.filter((_, i) => answers[i] === undefined).map((n) => n.id);
    const short = underReplicated(partitions);
    if (down.length === 0 && short.length === 0) return partitions;
    if (Date.now() >= deadline) {
      const parts = [
        down.length ? `node${down.length > 1 ? 's' : ''} ${down.join(', ')} not answering` : '',
        short.length
          ? `${short.length} partition(s) short of replicas: ${short
              .slice(0, 5)
              .map((p) => `${p.topic}-${p.partition} isr [${p.isr}] of [${p.replicas}]`)
              .join('; ')}`
          : '',
      ];
      throw new Error(`not fully replicated after ${timeoutMs} ms: ${parts.filter(Boolean).join('; ')}`);
    }
    await sleep(100);
  }
}

/** Waits until the freshest view of `topic`-`partition` satisfies `done`; rejects after the deadline. */
export async function waitForPartition(
  cluster: ProcessCluster,
  topic: string,
  partition: number,
  done: (p: PartitionReport) => boolean,
  deadline: number,
  what: string,
): Promise<PartitionReport> {
  for (;;) {
    const p = (await describePartitions(cluster)).find((x) => x.topic === topic && x.partition === partition);
    if (p && done(p)) return p;
    if (Date.now() >= deadline)
      throw new Error(
        `${topic}-${partition}: ${what} did not happen in time (now ${p ? `leader ${p.leader}, isr [${p.isr}]` : 'unknown to every node'})`,
      );
    await sleep(100);
  }
}
