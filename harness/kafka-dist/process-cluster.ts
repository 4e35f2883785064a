/**
 * The shape shared by clusters of local processes (Apache Kafka clusters, reference brokers run
 * as processes): what targets list about their nodes, and what the process faults of the nemesis
 * (harness/nemesis/process-faults.ts) need to kill, restart and pause them.
 */
import type { NodeProcess } from './node-process.ts';

/** One node of a started process cluster. Fields read the node's current state. */
export interface ProcessClusterNode {
  /** Kafka node.id / broker.id. */
  readonly id: number;
  /** `127.0.0.1:PORT` where clients reach this node (the same across restarts). */
  readonly bootstrap: string;
  /** Pid (and process group id) of the node's current process; undefined while it is down. */
  readonly pid: number | undefined;
  /** The node's stdout and stderr, from every start. */
  readonly logFile: string;
}

/** A started cluster of restartable local processes. */
export interface ProcessCluster {
  /** For messages, e.g. `kafka@4.4.0 (3 nodes, kraft)`. */
  readonly label: string;
  /** Comma-separated bootstrap of every node. */
  readonly bootstrap: string;
  readonly nodes: readonly ProcessClusterNode[];
  /** How long a restarted node gets to serve again. */
  readonly restartTimeoutMs: number;
  /** The process of node `id`; throws a RangeError for an id that is not in the cluster. */
  nodeProcess(id: number): NodeProcess;
}
