import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '../../reference-broker/logger.ts';
import { startBroker } from '../../reference-broker/server.ts';
import { registerCleanup } from '../cleanup/cleanup-registry.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { KafkaResolveError, KafkaStartError, KafkaVersionNotFoundError, PrerequisiteError } from '../kafka-dist/index.ts';
import { startKafkaCluster } from '../kafka-dist/kafka-cluster.ts';
import { failoverTimingProperties, type BrokerTimings } from '../kafka-dist/cluster-properties.ts';
import { FaultUnavailableError, type FaultControl, type FaultName, type TargetNode } from '../nemesis/fault-control.ts';
import { ProcessFaultControl } from '../nemesis/process-faults.ts';
import { ReferenceStartError, startReferenceProcesses } from './reference-process.ts';
import { startClusterInLab } from '../netns/lab-cluster.ts';
import { NetnsCommandError } from '../netns/run-tool.ts';
import type { TargetSpec } from './target-spec.ts';
import { ExternalFaultControl } from '../nemesis/external-faults.ts';
import type { NodeCommands } from '../nemesis/node-commands.ts';
import { startProxies } from '../nemesis/tcp-proxy.ts';
import { fetchClusterMetadata } from '../kafka-dist/cluster-metadata.ts';

/** A started broker (or cluster) under test. Disposing it stops whatever kconform started. */
export interface StartedTarget extends AsyncDisposable {
  readonly spec: TargetSpec;
  /** bootstrap.servers for clients (comma-separated for clusters). */
  readonly bootstrap: string;
  /** True when kconform started the target fresh for this run (its topics start empty). */
  readonly fresh: boolean;
  /** Files with the target's own logs, kept in the run directory. */
  readonly logFiles: string[];
  readonly nodes: readonly TargetNode[];
  /** What the nemesis may do to this target (an external one: nothing). */
  readonly faults: FaultControl;
  stop(): Promise<void>;
}

/**
 * Thrown when a target cannot be started or reached; the CLI exits with code 3, or 2 when
 * `badSpec` says the spec itself is wrong (a Kafka release that does not exist).
 */
export class TargetUnavailableError extends Error {
  readonly badSpec: boolean;
  constructor(message: string, opts: { badSpec?: boolean } = {}) {
    super(message);
    this.name = 'TargetUnavailableError';
    this.badSpec = opts.badSpec ?? false;
  }
}

/** How to start a target. */
export interface StartTargetOptions {
  /** Nodes in the cluster (kafka@, container@ and reference targets). */
  brokers?: number;
  /** Known bugs to switch on in the reference broker. */
  bugs?: ReadonlySet<string>;
  /** Start the reference broker as a child process so process faults (kill, pause, restart) apply. */
  faultable?: boolean;
  /** Give each node of a process cluster its own network namespace, so partitions and client cuts apply (needs root, iproute2, iptables). */
  network?: boolean;
  /** Failover timings (replica lag, broker session) for reference and Kafka clusters alike; default each target's own. */
  timings?: BrokerTimings;
  /** external@ only: the owner's per-node commands for process faults (`--node-control`). */
  nodeControl?: NodeCommands;
}

/** A FaultControl for targets kconform does not control: every fault is reported unavailable. */
function noFaults(target: string, why: string): FaultControl {
  const unavailable = (fault: FaultName) => async () => {
    throw new FaultUnavailableError(fault, target, why);
  };
  return {
    supported: new Set(),
    kill: unavailable('kill'),
    restart: unavailable('restart'),
    cleanRestart: unavailable('clean-restart'),
    pause: unavailable('pause'),
    resume: unavailable('pause'),
    partition: unavailable('partition'),
    cutClient: unavailable('partition'),
    healNetwork: async () => {},
    healAll: async () => {},
  };
}

/** Checks that a broker answers ApiVersions at `bootstrap`, so an unreachable target is exit 3, not a failed run. */
async function probe(bootstrap: string): Promise<void> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(bootstrap, 'kconform-probe', 5000);
    // The same exchange every negotiated request starts with: a broker that fails it cannot be tested.
    await client.serverVersions(5000);
  } catch (err) {
    throw new TargetUnavailableError(`no Kafka broker answers at ${bootstrap}: ${(err as Error).message}`);
  } finally {
    client?.close();
  }
}

/** Wraps a handle's stop so it runs once, and also on Ctrl-C through the cleanup registry. */
function withCleanup(description: string, stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const once = () => (stopping ??= stop());
  const unregister = registerCleanup(description, once);
  return () => once().finally(unregister);
}

/** A target made of local processes (Kafka nodes or reference brokers). */
function processTarget(spec: TargetSpec, cluster: { bootstrap: string; nodes: readonly { id: number; bootstrap: string }[]; logFiles: readonly string[] }, faults: FaultControl, stop: () => Promise<void>): StartedTarget {
  const nodes = cluster.nodes.map((n) => ({ id: n.id, bootstrap: n.bootstrap }));
  return { spec, bootstrap: cluster.bootstrap, fresh: true, logFiles: [...cluster.logFiles], nodes, faults, stop, [Symbol.asyncDispose]: stop };
}

/** Errors of the lower layers that mean "could not start", mapped to exit code 3. */
function unavailable(err: unknown): never {
  if (err instanceof KafkaVersionNotFoundError) throw new TargetUnavailableError(err.message, { badSpec: true });
  if (err instanceof PrerequisiteError || err instanceof KafkaResolveError || err instanceof KafkaStartError || err instanceof ReferenceStartError || err instanceof NetnsCommandError || err instanceof RangeError) {
    throw new TargetUnavailableError(err.message);
  }
  throw err;
}

/**
 * An external cluster behind one Kafka-aware proxy per node (its faults: the proxy's, and the
 * owner's node-control commands). Clients bootstrap at the proxies; stopping heals every fault
 * still in effect (the owner's start/resume commands run) and closes the proxies.
 */
async function proxiedExternal(spec: TargetSpec, bootstrap: string, nodeControl: NodeCommands | undefined): Promise<StartedTarget> {
  let view;
  try {
    view = await fetchClusterMetadata(bootstrap, { timeoutMs: 5_000 });
  } catch (err) {
    throw new TargetUnavailableError(`no Kafka broker answers Metadata at ${bootstrap}: ${(err as Error).message}`);
  }
  if (view.brokers.length === 0) throw new TargetUnavailableError(`the broker at ${bootstrap} lists no brokers in its Metadata`);
  const brokers = view.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port }));
  const proxies = await startProxies(brokers);
  const nodes = brokers.map((b, i) => ({ id: b.id, upstream: `${b.host}:${b.port}`, proxy: proxies[i]! }));
  const label = `external@${bootstrap}`;
  const faults = new ExternalFaultControl(label, nodes, nodeControl);
  const stop = withCleanup(`heal ${label} and close its proxies`, async () => {
    try {
      await faults.healAll();
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  });
  const proxied = nodes.map((n) => ({ id: n.id, bootstrap: `${n.proxy.listen.host}:${n.proxy.listen.port}` }));
  return { spec, bootstrap: proxied.map((n) => n.bootstrap).join(','), fresh: false, logFiles: [], nodes: proxied, faults, stop, [Symbol.asyncDispose]: stop };
}

/** Starts (or, for external targets, names) the target of a run; logs and node data go under `runDir`. */
export async function startTarget(spec: TargetSpec, givenRunDir: string, opts: StartTargetOptions = {}): Promise<StartedTarget> {
  // Kafka's tools and the node processes run in their own directories: a relative path would point elsewhere there.
  const runDir = resolve(givenRunDir);
  const brokers = opts.brokers ?? 1;
  if (opts.bugs?.size && spec.kind !== 'reference') throw new TargetUnavailableError('known bugs (--bug) exist only in the reference broker');
  switch (spec.kind) {
    case 'reference': {
      // A cluster is always a set of processes: its nodes talk to each other over the network.
      if (opts.faultable || opts.network || brokers > 1) {
        const extraArgs = opts.bugs?.size ? ['--bug', [...opts.bugs].join(',')] : [];
        if (opts.timings) extraArgs.push('--replica-lag-time-max-ms', String(opts.timings.replicaLagTimeMaxMs), '--broker-session-timeout-ms', String(opts.timings.brokerSessionTimeoutMs));
        const dataDir = join(runDir, 'reference');
        if (opts.network) {
          const lc = await startClusterInLab({ nodes: brokers }, (lab) => startReferenceProcesses({ brokers, dataDir, extraArgs, network: lab })).catch(unavailable);
          return processTarget(spec, lc.cluster, lc.faults, withCleanup('stop the reference broker processes and their network lab', () => lc.stop()));
        }
        const cluster = await startReferenceProcesses({ brokers, dataDir, extraArgs }).catch(unavailable);
        return processTarget(spec, cluster, new ProcessFaultControl(cluster), withCleanup('stop the reference broker processes', () => cluster.stop()));
      }
      const logFile = join(runDir, 'reference-broker.log');
      const out = createWriteStream(logFile);
      const running = await startBroker({ port: 0, bugs: opts.bugs ?? new Set() }, createLogger('broker', 'info', out));
      const stop = withCleanup('stop the reference broker', async () => {
        await running.close();
        await new Promise<void>((resolve) => out.end(() => resolve()));
      });
      const faults = noFaults('the in-process reference broker', 'it runs inside kconform; faults start it as a process (run with --faults)');
      return { spec, bootstrap: running.bootstrap, fresh: true, logFiles: [logFile], nodes: [{ id: running.broker.nodeId, bootstrap: running.bootstrap }], faults, stop, [Symbol.asyncDispose]: stop };
    }
    case 'kafka': {
      // Each node's data, config and log stay in the run directory, next to the history they explain.
      const serverProperties = opts.timings ? failoverTimingProperties(opts.timings, spec.zookeeper ? 'zookeeper' : 'kraft') : undefined;
      const options = { version: spec.version, brokers, mode: spec.zookeeper ? ('zookeeper' as const) : undefined, dataDir: join(runDir, 'kafka'), serverProperties };
      if (opts.network) {
        const lc = await startClusterInLab({ nodes: brokers }, (lab) => startKafkaCluster({ ...options, network: lab })).catch(unavailable);
        return processTarget(spec, lc.cluster, lc.faults, withCleanup(`stop Kafka ${spec.version} and its network lab`, () => lc.stop()));
      }
      const cluster = await startKafkaCluster(options).catch(unavailable);
      return processTarget(spec, cluster, new ProcessFaultControl(cluster), withCleanup(`stop Kafka ${spec.version}`, () => cluster.stop()));
    }
    case 'external': {
      const bootstrap = `${spec.host}:${spec.port}`;
      await probe(bootstrap);
      if (opts.faultable) return proxiedExternal(spec, bootstrap, opts.nodeControl);
      const stop = async () => {};
      const faults = noFaults(`external@${bootstrap}`, 'kconform did not start it, so it cannot kill, pause or cut it');
      return { spec, bootstrap, fresh: false, logFiles: [], nodes: [{ id: -1, bootstrap }], faults, stop, [Symbol.asyncDispose]: stop };
    }
    case 'container': {
      // loaded on demand: testcontainers is heavy and only container runs need it
      const { startKafkaContainer, ContainerTargetError } = await import('../containers/container-target.ts');
      const { ContainerEngineUnavailableError } = await import('../containers/engine.ts');
      const started = await startKafkaContainer({ image: spec.image, brokers, logDir: runDir }).catch((err: unknown) => {
        if (err instanceof ContainerTargetError || err instanceof ContainerEngineUnavailableError) throw new TargetUnavailableError((err as Error).message);
        throw err;
      });
      const stop = withCleanup(`stop container ${started.image}`, () => started.stop());
      const nodes = started.nodes.map((n) => ({ id: n.id, bootstrap: n.bootstrap }));
      return { spec, bootstrap: started.bootstrap, fresh: true, logFiles: [...started.logFiles], nodes, faults: started.faults, stop, [Symbol.asyncDispose]: stop };
    }
  }
}
