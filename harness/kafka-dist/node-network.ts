/**
 * Where the nodes of a local process cluster run when each has a network of its own (a network
 * namespace of a `NetworkLab` from harness/netns, which satisfies {@link NodeNetwork} as it is).
 * Declared here, by its use, so that kafka-dist needs nothing from harness/netns: a cluster only
 * needs each node's address and a way to run its command there.
 *
 * Every node then has its own port space, so ports are fixed rather than picked free: node N is
 * always `ADDRESS_N:9092`, and a restart or a kept directory finds it at the same place.
 */
import type { NodeLaunch } from './node-process.ts';

/** One node's own network host. */
export interface NodeNetworkHost {
  /** The node listens and advertises here; clients on this host and the other nodes reach it here. */
  readonly address: string;
  /** The argv that runs `cmd args…` on this host (e.g. `ip netns exec NS cmd args…`, which execs, so the pid is `cmd`'s). */
  command(cmd: string, args?: readonly string[]): [string, string[]];
}

/** The network hosts of a cluster's nodes, by node id. */
export interface NodeNetwork {
  /** @throws RangeError for a node id that has no host */
  node(id: number): NodeNetworkHost;
}

/** PLAINTEXT listener port of a node on its own network host. */
export const NETWORK_BROKER_PORT = 9092;
/** CONTROLLER listener port of a KRaft node on its own network host. */
export const NETWORK_CONTROLLER_PORT = 9093;

/** The network hosts of `ids`, checked up front so a missing one fails before anything starts. */
export function networkHosts(network: NodeNetwork, ids: readonly number[]): Map<number, NodeNetworkHost> {
  return new Map(ids.map((id) => [id, network.node(id)]));
}

/** `launch` run on `host` instead of here; the working directory and environment stay (a namespace shares the file system). */
export function launchOn(host: NodeNetworkHost | undefined, launch: NodeLaunch): NodeLaunch {
  if (!host) return launch;
  const [command, args] = host.command(launch.command, launch.args);
  return { ...launch, command, args };
}
