/**
 * Faults for clusters of local processes (Apache Kafka clusters from kafka-dist, reference
 * brokers run as processes): kill -9 and restart a node on its data, clean restart, and
 * pause/resume with SIGSTOP/SIGCONT, each sent to the node's whole process group. Network faults
 * need each node in its own network namespace; they come from a {@link NetworkFaults} plugged in
 * by the caller (harness/netns), and are reported unavailable without one.
 */
import type { ProcessCluster } from '../kafka-dist/process-cluster.ts';
import { FaultUnavailableError, type FaultControl, type FaultName, type PartitionGroups } from './fault-control.ts';

/** The network half of {@link FaultControl}, for a cluster whose nodes have their own network. */
export interface NetworkFaults {
  partition(groups: PartitionGroups): Promise<void>;
  cutClient(nodeId: number): Promise<void>;
  healNetwork(): Promise<void>;
}

/** Options of {@link ProcessFaultControl}. */
export interface ProcessFaultOptions {
  /** Partitions and client cuts; without it those faults throw {@link FaultUnavailableError}. */
  network?: NetworkFaults;
  /** Between SIGTERM and SIGKILL in a clean restart; default the node's own stop grace. */
  stopGraceMs?: number;
}

/** {@link FaultControl} over a {@link ProcessCluster}. */
export class ProcessFaultControl implements FaultControl {
  readonly supported: ReadonlySet<FaultName>;
  private readonly cluster: ProcessCluster;
  private readonly network: NetworkFaults | undefined;
  private readonly stopGraceMs: number | undefined;

  constructor(cluster: ProcessCluster, options: ProcessFaultOptions = {}) {
    this.cluster = cluster;
    this.network = options.network;
    this.stopGraceMs = options.stopGraceMs;
    const faults: FaultName[] = ['kill', 'restart', 'clean-restart', 'pause'];
    if (this.network) faults.push('partition');
    this.supported = new Set(faults);
  }

  /** SIGKILL to the node's process group; waits until it is gone. A no-op on a node that is down. */
  async kill(nodeId: number): Promise<void> {
    await this.cluster.nodeProcess(nodeId).kill();
  }

  /**
   * Starts a killed or stopped node with the same command line, config, ports and data, and
   * waits until it serves. A paused node is resumed; a running one is left alone. A KRaft node
   * cannot serve while a majority of the controllers is down: restart those together
   * ({@link healAll}), not one after another.
   */
  async restart(nodeId: number): Promise<void> {
    const node = this.cluster.nodeProcess(nodeId);
    if (node.state === 'paused') node.resume();
    if (node.state !== 'stopped') return;
    await node.start(Date.now() + this.cluster.restartTimeoutMs);
  }

  /** SIGTERM (after SIGCONT if paused), waits for the exit (SIGKILL after the grace), then {@link restart}. */
  async cleanRestart(nodeId: number): Promise<void> {
    await this.cluster.nodeProcess(nodeId).stop(this.stopGraceMs);
    await this.restart(nodeId);
  }

  /** SIGSTOP to the node's process group: connections stay open, nothing is answered. */
  async pause(nodeId: number): Promise<void> {
    this.cluster.nodeProcess(nodeId).pause();
  }

  /** SIGCONT to the node's process group. */
  async resume(nodeId: number): Promise<void> {
    this.cluster.nodeProcess(nodeId).resume();
  }

  async partition(groups: PartitionGroups): Promise<void> {
    await this.requireNetwork('partition').partition(groups);
  }

  async cutClient(nodeId: number): Promise<void> {
    await this.requireNetwork('partition').cutClient(nodeId);
  }

  async healNetwork(): Promise<void> {
    // Nothing can be cut without a network implementation, so there is nothing to heal.
    await this.network?.healNetwork();
  }

  /** Heals the network, resumes paused nodes and restarts the ones that are down (in parallel). */
  async healAll(): Promise<void> {
    await this.healNetwork();
    await Promise.all(this.cluster.nodes.map((n) => this.restart(n.id)));
  }

  private requireNetwork(fault: FaultName): NetworkFaults {
    if (!this.network)
      throw new FaultUnavailableError(fault, this.cluster.label, 'needs network namespaces (harness/netns)');
    return this.network;
  }
}
