/**
 * The nemesis's faults for containers: kill = container kill (SIGKILL), restart = start the same
 * container again (its writable layer keeps the Kafka log), clean restart = stop + start,
 * pause = the engine's cgroup freezer, and network faults by disconnecting a container from a
 * network and connecting it back. Fault state is tracked here so `healAll` knows what to undo.
 *
 * Network faults and what carries what: podman publishes a container's port on every network
 * the container is on. So a single node's client cut disconnects its only network; a cluster's
 * partition moves the nodes of every group but the first from the cluster network to a network
 * of their own (same names there), which splits replication and the quorum while clients on the
 * host still reach every node. Cutting only the client path of one cluster node cannot be done
 * by disconnecting networks (the port stays published through the cluster network); that is the
 * TCP proxy's job and is reported unavailable here.
 */
import {
  FaultUnavailableError,
  type FaultControl,
  type FaultName,
  type PartitionGroups,
} from '../nemesis/fault-control.ts';

/** Engine operations the faults need, by container and network id. */
export interface ContainerOps {
  kill(containerId: string): Promise<void>;
  start(containerId: string): Promise<void>;
  /** Graceful stop: SIGTERM, then SIGKILL after `timeoutS`. */
  stop(containerId: string, timeoutS: number): Promise<void>;
  pause(containerId: string): Promise<void>;
  unpause(containerId: string): Promise<void>;
  disconnect(networkId: string, containerId: string): Promise<void>;
  /** Connects with the given names there (and, when given, that IPv4 address). */
  connect(networkId: string, containerId: string, aliases: readonly string[], ipv4?: string): Promise<void>;
  /** Creates a network for one side of a partition; resolves with its id. */
  createNetwork(suffix: string): Promise<string>;
  removeNetwork(networkId: string): Promise<void>;
}

/** A network a node is attached to, with the names it answers to there. */
export interface NodeNetwork {
  readonly id: string;
  readonly aliases: readonly string[];
  /**
   * The node's address there, kept when it is connected back: the JVM caches name lookups, so
   * a node that came back under a new address would stay unreachable to its peers for a while.
   */
  readonly ipv4?: string;
}

/** One container node as the faults see it. */
export interface ContainerFaultNode {
  readonly id: number;
  readonly containerId: string;
  /** Networks that carry the host's (clients') traffic: the one the published port goes through. */
  readonly clientNetworks: readonly NodeNetwork[];
  /** The network nodes of a cluster reach each other on (absent for a single node). */
  readonly clusterNetwork?: NodeNetwork;
}

/** Options of {@link containerFaults}. */
export interface ContainerFaultsOptions {
  readonly nodes: readonly ContainerFaultNode[];
  readonly ops: ContainerOps;
  /** Resolves once the node serves again after a (re)start; skipped while its network is cut. */
  readonly waitReady: (nodeId: number) => Promise<void>;
  /** How long a clean shutdown may take before the engine kills; default 30 s. */
  readonly stopTimeoutS?: number;
  /** Names the target in FaultUnavailableError messages. */
  readonly targetName?: string;
}

const SUPPORTED: ReadonlySet<FaultName> = new Set<FaultName>([
  'kill',
  'restart',
  'clean-restart',
  'pause',
  'partition',
]);

/** Builds the {@link FaultControl} of a container target. */
export function containerFaults(opts: ContainerFaultsOptions): FaultControl {
  const { ops, waitReady } = opts;
  const stopTimeoutS = opts.stopTimeoutS ?? 30;
  const target = opts.targetName ?? 'the container target';
  const byId = new Map(opts.nodes.map((n) => [n.id, n]));
  const killed = new Set<number>();
  const paused = new Set<number>();
  /** Disconnections still in effect: node -> networks to connect back. */
  const cut = new Map<number, NodeNetwork[]>();
  /** A partition in effect: the networks made for it, and which node was moved to which. */
  let split: { networks: string[]; moved: Map<number, string> } | undefined;

  const healSplit = async () => {
    if (!split) return;
    const { networks, moved } = split;
    for (const [id, net] of [...moved]) {
      const n = node(id);
      await ops.disconnect(net, n.containerId);
      await ops.connect(n.clusterNetwork!.id, n.containerId, n.clusterNetwork!.aliases, n.clusterNetwork!.ipv4);
      moved.delete(id);
    }
    for (const net of networks) await ops.removeNetwork(net);
    split = undefined;
  };

  const node = (id: number): ContainerFaultNode => {
    const n = byId.get(id);
    if (!n) throw new RangeError(`no node ${id} in ${target} (nodes: ${[...byId.keys()].join(', ')})`);
    return n;
  };

  const startAgain = async (id: number) => {
    await ops.start(node(id).containerId);
    killed.delete(id);
    // A node whose network is cut cannot be reached to check; healNetwork brings it back.
    if (!cut.has(id)) await waitReady(id);
  };

  const control: FaultControl = {
    supported: SUPPORTED,

    async kill(id) {
      const n = node(id);
      // The engines refuse to kill a frozen container; thawing first lets it run for a moment only.
      if (paused.has(id)) {
        await ops.unpause(n.containerId);
        paused.delete(id);
      }
      await ops.kill(n.containerId);
      killed.add(id);
    },

    async restart(id) {
      await startAgain(id);
    },

    async cleanRestart(id) {
      const n = node(id);
      if (paused.has(id)) {
        await ops.unpause(n.containerId);
        paused.delete(id);
      }
      await ops.stop(n.containerId, stopTimeoutS);
      killed.add(id);
      await startAgain(id);
    },

    async pause(id) {
      if (paused.has(id) || killed.has(id)) return;
      await ops.pause(node(id).containerId);
      paused.add(id);
    },

    async resume(id) {
      if (!paused.has(id)) return;
      await ops.unpause(node(id).containerId);
      paused.delete(id);
    },

    async partition(groups: PartitionGroups) {
      for (const g of groups) for (const id of g) node(id);
      const populated = groups.filter((g) => g.length > 0);
      // One group (or one node) splits nothing: every node still reaches every other.
      if (populated.length <= 1) return;
      const homeless = populated.flat().filter((id) => !node(id).clusterNetwork);
      if (homeless.length)
        throw new FaultUnavailableError('partition', target, `node ${homeless[0]} is on no cluster network`);
      await healSplit();
      // The first group stays on the cluster network (as do nodes no group names).
      const state = { networks: [] as string[], moved: new Map<number, string>() };
      split = state;
      for (const [i, group] of populated.slice(1).entries()) {
        const net = await ops.createNetwork(`p${i + 1}`);
        state.networks.push(net);
        for (const id of group) {
          const n = node(id);
          await ops.disconnect(n.clusterNetwork!.id, n.containerId);
          state.moved.set(id, net);
          await ops.connect(net, n.containerId, n.clusterNetwork!.aliases);
        }
      }
    },

    async cutClient(id) {
      const n = node(id);
      if (n.clusterNetwork) {
        throw new FaultUnavailableError(
          'partition',
          target,
          'a cluster node stays reachable through its cluster network (the engine publishes its port there too); cut clients with the TCP proxy',
        );
      }
      if (cut.has(id)) return;
      const done: NodeNetwork[] = [];
      try {
        for (const net of n.clientNetworks) {
          await ops.disconnect(net.id, n.containerId);
          done.push(net);
        }
      } finally {
        if (done.length) cut.set(id, done);
      }
    },

    async healNetwork() {
      await healSplit();
      for (const [id, nets] of [...cut]) {
        const n = node(id);
        for (const net of nets) await ops.connect(net.id, n.containerId, net.aliases, net.ipv4);
        cut.delete(id);
        if (!killed.has(id) && !paused.has(id)) await waitReady(id);
      }
    },

    async healAll() {
      for (const id of [...paused]) await control.resume(id);
      // Networks first: a container started while disconnected would come up unreachable.
      await control.healNetwork();
      for (const id of [...killed]) await startAgain(id);
    },
  };
  return control;
}
