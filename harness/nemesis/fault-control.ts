/**
 * What a started target lets the nemesis do to its nodes. Every fault has its heal, and
 * `healAll` undoes whatever is still in effect (a run always ends healed). A target that cannot
 * do a fault (an external broker cannot be killed by us) leaves it out of `supported`, and calling
 * it throws {@link FaultUnavailableError}: reported as unavailable, never faked.
 */

/** The faults of DESIGN.md. */
export type FaultName = 'kill' | 'restart' | 'clean-restart' | 'pause' | 'partition' | 'proxy';

/** One broker node of a target. */
export interface TargetNode {
  /** Kafka node.id / broker.id. */
  readonly id: number;
  /** host:port where clients reach this node. */
  readonly bootstrap: string;
}

/** A network split: each group only reaches nodes in the same group. */
export type PartitionGroups = readonly (readonly number[])[];

/** Fault operations on a target's nodes. */
export interface FaultControl {
  readonly supported: ReadonlySet<FaultName>;
  /** SIGKILL (or container kill); the node stays down until {@link restart}. */
  kill(nodeId: number): Promise<void>;
  /** Starts a killed or stopped node again with its data; resolves once it serves again. */
  restart(nodeId: number): Promise<void>;
  /** Clean shutdown (SIGTERM, waits for exit), then start again with its data. */
  cleanRestart(nodeId: number): Promise<void>;
  /** SIGSTOP / container pause: the node keeps its sockets but answers nothing. */
  pause(nodeId: number): Promise<void>;
  resume(nodeId: number): Promise<void>;
  /** Splits the cluster's nodes into groups that cannot reach each other. */
  partition(groups: PartitionGroups): Promise<void>;
  /** Cuts clients (this host) off one node, leaving the node's links to other nodes intact. */
  cutClient(nodeId: number): Promise<void>;
  /** Undoes every partition and client cut. */
  healNetwork(): Promise<void>;
  /** Resumes paused nodes, restarts killed ones, heals the network. */
  healAll(): Promise<void>;
  /**
   * Faults of the Kafka-aware proxy in front of each node (capability `proxy`; targets without
   * one leave these out). Each holds until {@link healNetwork}.
   */
  /** Delays everything between clients and node `nodeId` by `ms`, both ways. */
  delay?(nodeId: number, ms: number): Promise<void>;
  /** Discards everything between clients and the node, connections left open (silence). */
  blackhole?(nodeId: number): Promise<void>;
  /** Drops the node's next `count` responses to requests of `apiKey` after it handled them. */
  dropResponses?(nodeId: number, apiKey: number, count: number): Promise<void>;
}

/** Thrown for a fault the target cannot perform. */
export class FaultUnavailableError extends Error {
  readonly fault: FaultName;
  constructor(fault: FaultName, target: string, why: string) {
    super(`fault '${fault}' is not available on ${target}: ${why}`);
    this.name = 'FaultUnavailableError';
    this.fault = fault;
  }
}
