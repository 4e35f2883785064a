/**
 * A local process cluster on a network lab of its own: the lab is made first (one namespace
 * per node id 1..K), the cluster's nodes are started inside it, and the fault control gets the
 * lab as its network, so partitions and client cuts work beside kill, restart and pause.
 * Stopping stops the cluster, then removes the lab; a failed start removes the lab too.
 *
 * Generic over the cluster so that any process cluster taking a `network` option fits:
 *
 * ```ts
 * await using lc = await startClusterInLab({ nodes: 3 }, (lab) => startKafkaCluster({ version, brokers: 3, network: lab }));
 * await lc.faults.partition([[1], [2, 3]]);
 * ```
 */
import { startKafkaCluster, type KafkaClusterOptions, type StartedKafkaCluster } from '../kafka-dist/kafka-cluster.ts';
import type { ProcessCluster } from '../kafka-dist/process-cluster.ts';
import { ProcessFaultControl, type ProcessFaultOptions } from '../nemesis/process-faults.ts';
import { startNetworkLab, type NetworkLab, type NetworkLabOptions } from './network-lab.ts';

/** A cluster that can be stopped. */
export type StoppableCluster = ProcessCluster & { stop(): Promise<void> };

/** Options of {@link startClusterInLab}. */
export interface ClusterInLabOptions {
  /** Number of nodes: the lab gets node ids 1..K, as the process clusters number their nodes. */
  nodes: number;
  /** Firewall, subnet base, stale-lab sweep of the lab. */
  lab?: Omit<NetworkLabOptions, 'nodes'>;
  /** Options of the fault control other than its network (which is the lab). */
  faults?: Omit<ProcessFaultOptions, 'network'>;
}

/** A started cluster, its lab, and faults over both. Dispose or `stop()` it. */
export interface ClusterInLab<C extends StoppableCluster> extends AsyncDisposable {
  readonly cluster: C;
  readonly lab: NetworkLab;
  /** kill / restart / clean-restart / pause, and partition / cutClient / healNetwork through the lab. */
  readonly faults: ProcessFaultControl;
  /** Stops the cluster, then removes the lab (which heals it). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Makes a lab of `opts.nodes` nodes and starts a cluster in it with `start(lab)`.
 *
 * @throws PrerequisiteError when not root, or `ip` / a firewall is missing, or namespaces cannot be made (`tool` says which)
 * @throws NetnsCommandError when the kernel refuses a piece of the lab (veth, bridge) for another reason
 * @throws whatever `start` throws; the lab is removed first
 */
export async function startClusterInLab<C extends StoppableCluster>(
  opts: ClusterInLabOptions,
  start: (lab: NetworkLab) => Promise<C>,
): Promise<ClusterInLab<C>> {
  const lab = await startNetworkLab({ ...opts.lab, nodes: opts.nodes });
  let cluster: C;
  try {
    cluster = await start(lab);
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // The lab goes even when a node will not stop: its processes die with their groups anyway.
      try {
        await cluster.stop();
      } finally {
        await lab.destroy();
      }
    })());
  return {
    cluster,
    lab,
    faults: new ProcessFaultControl(cluster, { ...opts.faults, network: lab }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Options of {@link startKafkaClusterInLab}: the cluster's, with the lab's and the faults' beside them. */
export type KafkaClusterInLabOptions = Omit<KafkaClusterOptions, 'network'> &
  Pick<ClusterInLabOptions, 'lab' | 'faults'>;

/**
 * A K-node KRaft Kafka cluster with every node in its own namespace of a new lab.
 *
 * @throws as {@link startClusterInLab} and `startKafkaCluster` (KafkaStartError, KafkaResolveError, RangeError for ZooKeeper mode)
 */
export function startKafkaClusterInLab(opts: KafkaClusterInLabOptions): Promise<ClusterInLab<StartedKafkaCluster>> {
  const { lab, faults, ...cluster } = opts;
  return startClusterInLab({ nodes: opts.brokers, lab, faults }, (network) =>
    startKafkaCluster({ ...cluster, network }),
  );
}
