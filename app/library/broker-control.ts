/**
 * `broker.control`: the faults of the control endpoint (docs/control-endpoint.md), as functions
 * instead of HTTP. Both go through the nemesis's own ProcessFaultControl and cluster-state
 * reads, so a kill here is the kill -9 a `kconform run --faults kill` applies.
 */
import {
  describeNodes,
  describePartitions,
  waitFullyReplicated,
  type NodeReport,
  type PartitionReport,
} from '../../harness/control/cluster-state.ts';
import { fetchClusterMetadata } from '../../harness/kafka-dist/cluster-metadata.ts';
import type { ProcessCluster } from '../../harness/kafka-dist/process-cluster.ts';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { KconformUsageError } from './library-error.ts';

export type { NodeReport, PartitionReport };

/** What a test does to the nodes of a started broker. Every method resolves once it took effect. */
export interface BrokerControl {
  /** Every node with its process state, pid and roles (`GET /nodes` of the control endpoint). */
  nodes(): Promise<{ controller: number | null; nodes: NodeReport[] }>;
  /** Every partition's leader, epoch, replicas and ISR, the freshest answer per partition. */
  partitions(): Promise<PartitionReport[]>;
  /** The node that leads `topic`-`partition` now, or undefined while none does. */
  leaderOf(topic: string, partition?: number): Promise<number | undefined>;
  /** SIGKILL to node `id`; it stays down until {@link restart}. */
  kill(id: number): Promise<void>;
  /** Starts a killed node again on its port and data (resumes a paused one); resolves once it serves. */
  restart(id: number): Promise<void>;
  /** SIGSTOP: the node keeps its sockets open and answers nothing. */
  pause(id: number): Promise<void>;
  /** SIGCONT. */
  resume(id: number): Promise<void>;
  /** Resumes paused nodes and restarts killed ones. */
  healAll(): Promise<void>;
  /** Waits until every node answers and every partition's ISR is all of its replicas. */
  waitReplicated(options?: { timeoutMs?: number }): Promise<PartitionReport[]>;
}

/** The control of a cluster of reference broker processes. */
export function processControl(cluster: ProcessCluster): BrokerControl {
  const faults = new ProcessFaultControl(cluster);
  const node = (id: number): number => {
    if (!cluster.nodes.some((n) => n.id === id))
      throw new KconformUsageError(`no node ${id}; nodes are ${cluster.nodes.map((n) => n.id).join(', ')}`);
    return id;
  };
  return {
    nodes: () => describeNodes(cluster),
    partitions: () => describePartitions(cluster),
    async leaderOf(topic, partition = 0) {
      const p = (await describePartitions(cluster)).find((x) => x.topic === topic && x.partition === partition);
      return p && p.leader >= 0 ? p.leader : undefined;
    },
    kill: async (id) => faults.kill(node(id)),
    restart: async (id) => faults.restart(node(id)),
    pause: async (id) => faults.pause(node(id)),
    resume: async (id) => faults.resume(node(id)),
    healAll: () => faults.healAll(),
    waitReplicated: (options = {}) => waitFullyReplicated(cluster, options.timeoutMs ?? 60_000),
  };
}

/** Partitions as the in-process node's own Metadata answer lists them. */
async function partitionsOf(bootstrap: string): Promise<PartitionReport[]> {
  const view = await fetchClusterMetadata(bootstrap, { topics: 'all', timeoutMs: 5_000 });
  return [...view.topics].flatMap(([topic, t]) =>
    t.partitions.map((p) => ({
      topic,
      partition: p.partition,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicas: [...p.replicas],
      isr: [...p.isr],
    })),
  );
}

/**
 * The control of the in-process node. It reads like a cluster's, but it cannot be killed or
 * paused without taking the test with it, so each fault says how to start one that can.
 */
export function inProcessControl(node: { id: number; bootstrap: string; port: number }): BrokerControl {
  const refuse = (what: string) => async (): Promise<never> => {
    throw new KconformUsageError(
      `${what}: the one-node broker runs inside this process and cannot be faulted; start it as a process with startBroker({ processes: true }) or a cluster with startBroker({ brokers: 3 })`,
    );
  };
  const partitions = () => partitionsOf(node.bootstrap);
  return {
    async nodes() {
      const leads = (await partitions()).map((p) => `${p.topic}-${p.partition}`);
      const report: NodeReport = {
        ...node,
        pid: process.pid,
        state: 'running',
        alive: true,
        controller: true,
        leaderOf: leads,
      };
      return { controller: node.id, nodes: [report] };
    },
    partitions,
    async leaderOf(topic, partition = 0) {
      const p = (await partitions()).find((x) => x.topic === topic && x.partition === partition);
      return p && p.leader >= 0 ? p.leader : undefined;
    },
    kill: refuse('kill'),
    restart: refuse('restart'),
    pause: refuse('pause'),
    resume: refuse('resume'),
    healAll: async () => {},
    waitReplicated: partitions,
  };
}
