/**
 * `kconform broker --brokers K`: starts K reference broker node processes, supervises them (a
 * death is reported at once, the rest keep serving, exit 3 when no node is left) and, with
 * `--control-port`, serves the control endpoint over them.
 */
import { registerCleanup } from '../../../harness/cleanup/cleanup-registry.ts';
import { superviseCluster } from '../../../harness/control/cluster-supervisor.ts';
import { startControlServer } from '../../../harness/control/control-server.ts';
import { ProcessFaultControl } from '../../../harness/nemesis/process-faults.ts';
import type { FaultControl } from '../../../harness/nemesis/fault-control.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../../harness/targets/reference-process.ts';
import { targetError, usageError } from '../exit-codes.ts';

/** What the cluster command needs from the parsed options. */
export interface SupervisedClusterOptions {
  brokers: number;
  dataDir?: string;
  /** Flags every node gets. */
  extraArgs: string[];
  /** Client port of node 1 (0: free ports). */
  port: number;
  controlPort?: number;
  network: boolean;
  brokerSessionTimeoutMs: number;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Starts and serves the cluster until SIGINT/SIGTERM (the cleanup registry then stops it) or
 * until every node has died, which throws a CLI error with exit code 3.
 */
export async function startSupervisedCluster(opts: SupervisedClusterOptions): Promise<void> {
  say(`kconform: starting ${opts.brokers} reference broker nodes${opts.network ? ' in network namespaces' : ''}…`);
  let cluster: StartedReferenceProcesses;
  let faults: FaultControl;
  let stopAll: () => Promise<void>;
  try {
    if (opts.network) {
      const { startClusterInLab } = await import('../../../harness/netns/lab-cluster.ts');
      const lc = await startClusterInLab({ nodes: opts.brokers }, (lab) =>
        startReferenceProcesses({
          brokers: opts.brokers,
          dataDir: opts.dataDir,
          extraArgs: opts.extraArgs,
          network: lab,
        }),
      );
      cluster = lc.cluster;
      faults = lc.faults;
      stopAll = () => lc.stop();
    } else {
      cluster = await startReferenceProcesses({
        brokers: opts.brokers,
        dataDir: opts.dataDir,
        extraArgs: opts.extraArgs,
        basePort: opts.port === 0 ? undefined : opts.port,
      });
      faults = new ProcessFaultControl(cluster);
      stopAll = () => cluster.stop();
    }
  } catch (err) {
    throw targetError(`cannot start the reference cluster: ${err instanceof Error ? err.message : String(err)}`);
  }
  const supervisor = superviseCluster(cluster, say);
  let control: Awaited<ReturnType<typeof startControlServer>> | undefined;
  const stop = async () => {
    supervisor.close();
    await control?.close();
    await stopAll();
  };
  const unregister = registerCleanup('stop the reference cluster', stop);
  if (opts.controlPort !== undefined) {
    try {
      control = await startControlServer(
        {
          cluster,
          faults,
          supervisor,
          brokerSessionTimeoutMs: opts.brokerSessionTimeoutMs,
          partitionUnavailable: opts.network
            ? undefined
            : 'partitions need each node in its own network namespace: start the cluster with --network (root)',
          log: say,
        },
        opts.controlPort,
      );
    } catch (err) {
      await stop();
      unregister();
      throw usageError(`cannot serve the control endpoint on 127.0.0.1:${opts.controlPort}: ${(err as Error).message}`);
    }
  }
  for (const n of cluster.nodes)
    process.stdout.write(`node ${n.id} on ${n.bootstrap}, pid ${n.pid}, log ${n.logFile}\n`);
  if (control) process.stdout.write(`kconform control endpoint on ${control.url}\n`);
  process.stdout.write(`kconform cluster ready on ${cluster.bootstrap}\n`);
  try {
    await supervisor.gone;
  } catch (err) {
    await stop();
    unregister();
    throw targetError((err as Error).message);
  }
}
