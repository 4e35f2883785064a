/**
 * The network half of the nemesis, as a process-cluster target plugs it in: whoever owns the
 * nodes' network (a {@link NetworkLab}, later a container network) implements it, and
 * `harness/nemesis/process-faults.ts` forwards `partition`, `cutClient` and `healNetwork` to it.
 */
import type { PartitionGroups } from '../nemesis/fault-control.ts';

export type { PartitionGroups };

/** Network faults between a cluster's nodes and between the nodes and this host's clients. */
export interface NetworkFaults {
  /**
   * Drops every packet between nodes of different groups, both ways, including packets of
   * connections already open (they stall, as on a real network, rather than reset). Replaces
   * an earlier partition; client cuts stay. A node named in no group is cut off from every
   * other node.
   */
  partition(groups: PartitionGroups): Promise<void>;
  /** Drops every packet between this host (where clients run) and one node; node-to-node traffic stays up. */
  cutClient(nodeId: number): Promise<void>;
  /** Removes every partition and client cut. */
  healNetwork(): Promise<void>;
}
