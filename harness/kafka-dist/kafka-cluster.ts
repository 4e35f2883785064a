/**
 * A K-node Apache Kafka cluster on loopback (or each node in a network namespace of its own, see
 * node-network.ts), started from the resolved release jars: KRaft
 * (3.x, 4.x; every node a combined broker+controller, static controller quorum) or ZooKeeper
 * mode (2.x, 3.x; one ZooKeeper and K brokers). Each node is a restartable process group
 * (node-process.ts), so the nemesis can kill, restart and pause it; its config, data and log
 * stay in its own directory under the cluster's directory:
 *
 *   DIR/kconform-cluster.json   ports and cluster id, so a start on a kept DIR finds the same cluster
 *   DIR/node-N/server.properties, DIR/node-N/server.log, DIR/node-N/kafka-logs/
 *   DIR/zookeeper/zookeeper.properties, zookeeper.log, data/   (ZooKeeper mode)
 */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tryClusterMetadata, type ClusterView } from './cluster-metadata.ts';
import { kraftClusterNodeProperties, zkClusterBrokerProperties, type ClusterNodeLayout } from './cluster-properties.ts';
import { KafkaStartError, randomClusterId, type KafkaMode } from './kafka-process.ts';
import {
  KAFKA_SERVER_CLASS,
  kafkaJavaArgs,
  runKafkaClass,
  STORAGE_TOOL_CLASS,
  ZOOKEEPER_SERVER_CLASS,
} from './kafka-tool.ts';
import { parseKafkaVersion, supportsKRaft, supportsZooKeeper } from './kafka-version.ts';
import { firstErrors, tailLines } from './log-tail.ts';
import { freePorts, portAccepts } from './net-util.ts';
import {
  launchOn,
  NETWORK_BROKER_PORT,
  NETWORK_CONTROLLER_PORT,
  networkHosts,
  type NodeNetwork,
} from './node-network.ts';
import { createNodeProcess, describeExit, type NodeProcess, type ReadyContext } from './node-process.ts';
import type { ProcessCluster, ProcessClusterNode } from './process-cluster.ts';
import { removeWhenOrphaned } from './process-group.ts';
import { resolveKafka, type KafkaDist, type ResolveKafkaOptions } from './resolve-kafka.ts';
import { formatProperties, zooKeeperProperties, type Properties } from './server-properties.ts';

/** Options of {@link startKafkaCluster}. */
export interface KafkaClusterOptions {
  /** Apache Kafka release, e.g. `4.4.0`. */
  version: string;
  /** Number of broker nodes, 1 to 9. */
  brokers: number;
  /** Default `kraft` where the release has it (3.x, 4.x), else `zookeeper` (2.x). */
  mode?: KafkaMode;
  /**
   * The cluster's directory. Kept after `stop()`; starting again on it with the same mode and
   * node count restarts the same cluster (ports, cluster id, data). Default: a temporary
   * directory, removed by `stop()`.
   */
  dataDir?: string;
  /** Limit for formatting, starting and becoming ready; default 180 s. */
  startTimeoutMs?: number;
  /**
   * Limit for one node restarted by the nemesis to serve again; default 120 s. Kafka itself
   * holds a killed node back: a KRaft controller refuses its new registration
   * (DUPLICATE_BROKER_REGISTRATION) until the old one's `broker.session.timeout.ms` (9 s)
   * passed, and ZooKeeper keeps its broker id until `zookeeper.session.timeout.ms` (18 s).
   */
  restartTimeoutMs?: number;
  /** Extra or overriding properties for every broker (e.g. `min.insync.replicas`). */
  serverProperties?: Properties;
  /** An already resolved release; default `resolveKafka(version, resolve)`. */
  dist?: KafkaDist;
  resolve?: ResolveKafkaOptions;
  /** Between SIGTERM and SIGKILL when stopping a node; default 15 s. */
  stopGraceMs?: number;
  /** Maximum heap of each broker JVM; default `512m`. */
  heap?: string;
  /**
   * Run node N on `network.node(N)` (a `NetworkLab` from harness/netns: its own network
   * namespace) instead of on loopback: it listens and advertises on that host's address, ports
   * 9092 (PLAINTEXT) and 9093 (CONTROLLER), and the controller quorum names those addresses, so
   * replication and controller traffic cross the lab's network and a partition separates nodes.
   * KRaft only. The caller owns the network: it outlives `stop()`, and its faults go to
   * `ProcessFaultControl(cluster, { network })`.
   */
  network?: NodeNetwork;
}

/** One node of a started Kafka cluster. Fields read the node's current state. */
export interface KafkaClusterNode extends ProcessClusterNode {
  readonly port: number;
  /** CONTROLLER listener port (KRaft). */
  readonly controllerPort: number | undefined;
  /** The node's directory (config, log, data). */
  readonly dir: string;
  readonly configFile: string;
}

/** A running Kafka cluster. Dispose or `stop()` it; it also dies with this process. */
export interface StartedKafkaCluster extends ProcessCluster, AsyncDisposable {
  readonly version: string;
  readonly mode: KafkaMode;
  /** `127.0.0.1:P1,127.0.0.1:P2,…` (with a network: `ADDRESS1:9092,ADDRESS2:9092,…`) */
  readonly bootstrap: string;
  readonly nodes: readonly KafkaClusterNode[];
  /** KRaft cluster id. */
  readonly clusterId: string | undefined;
  /** `127.0.0.1:PORT` of the ZooKeeper (ZooKeeper mode). */
  readonly zookeeperConnect: string | undefined;
  readonly zookeeperLogFile: string | undefined;
  /** The cluster's directory. */
  readonly dataDir: string;
  /** Every node's log (and ZooKeeper's). */
  readonly logFiles: readonly string[];
  readonly dist: KafkaDist;
  /**
   * Waits until some node's Metadata lists all K brokers and a controller; resolves with that
   * view. Throws a {@link KafkaStartError} with every node's log tail after `timeoutMs`.
   */
  waitReady(timeoutMs?: number): Promise<ClusterView>;
  /** Stops every node (and ZooKeeper) and removes a temporary directory. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const STATE_FILE = 'kconform-cluster.json';
const LOG_TAIL_LINES = 40;
const ZOOKEEPER_JVM_ARGS = ['-Xmx256m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];
const brokerJvmArgs = (heap: string): string[] => [
  '-Xms256m',
  `-Xmx${heap}`,
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** What the cluster's directory remembers so that a start on it finds the same cluster. */
interface ClusterState {
  mode: KafkaMode;
  brokers: number;
  clusterId?: string;
  zookeeperPort?: number;
  nodes: { id: number; port: number; controllerPort?: number }[];
}

async function clusterState(dataDir: string, mode: KafkaMode, brokers: number): Promise<ClusterState> {
  const file = join(dataDir, STATE_FILE);
  const previous = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as ClusterState,
    () => undefined,
  );
  if (previous && previous.mode === mode && previous.brokers === brokers) return previous;
  const ports = await freePorts(2 * brokers + 1, HOST);
  const state: ClusterState = {
    mode,
    brokers,
    ...(mode === 'kraft' ? { clusterId: randomClusterId() } : { zookeeperPort: ports[2 * brokers]! }),
    nodes: Array.from({ length: brokers }, (_, i) => ({
      id: i + 1,
      port: ports[i]!,
      ...(mode === 'kraft' ? { controllerPort: ports[brokers + i]! } : {}),
    })),
  };
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

/** Like Promise.all, but rejects only after every promise settled (no tool still writing into the directory). */
async function settleAll(promises: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** The tails (and first errors) of several logs, each under its file's label. */
async function logsReport(
  logs: readonly { label: string; file: string }[],
  lines: number,
): Promise<{ tail: string; errors: string }> {
  const parts = await Promise.all(
    logs.map(async ({ label, file }) => ({
      label,
      tail: await tailLines(file, lines),
      errors: await firstErrors(file, 3),
    })),
  );
  return {
    tail: parts.map((p) => `=== ${p.label} (last ${lines} lines) ===\n${p.tail}`).join('\n'),
    errors: parts
      .filter((p) => p.errors)
      .map((p) => `=== ${p.label} ===\n${p.errors}`)
      .join('\n'),
  };
}

/**
 * Starts a K-node Kafka cluster on loopback and waits until it is ready: Metadata from some node
 * lists all K brokers and a controller id.
 *
 * @throws KafkaStartError (with each node's log tail) when it fails or is not ready in time;
 *   everything started so far is stopped first
 * @throws RangeError for a bad node count or a mode the release does not have
 * @throws PrerequisiteError / KafkaResolveError from resolving the release
 */
export async function startKafkaCluster(opts: KafkaClusterOptions): Promise<StartedKafkaCluster> {
  const v = parseKafkaVersion(opts.version);
  const brokers = opts.brokers;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9)
    throw new RangeError(`brokers must be 1 to 9, got ${brokers}`);
  const mode: KafkaMode = opts.mode ?? (supportsKRaft(v) ? 'kraft' : 'zookeeper');
  if (mode === 'kraft' && !supportsKRaft(v))
    throw new RangeError(`Apache Kafka ${opts.version} has no production KRaft mode: use mode 'zookeeper'`);
  if (mode === 'zookeeper' && !supportsZooKeeper(v))
    throw new RangeError(`Apache Kafka ${opts.version} has no ZooKeeper mode (removed in 4.0): use mode 'kraft'`);
  // ZooKeeper would need a network host of its own, and a partition would then also cut it off.
  if (opts.network && mode !== 'kraft')
    throw new RangeError(`a Kafka cluster on its own network runs in KRaft mode only, not ${mode}`);
  const hosts = opts.network
    ? networkHosts(
        opts.network,
        Array.from({ length: brokers }, (_, i) => i + 1),
      )
    : undefined;
  const dist = opts.dist ?? (await resolveKafka(opts.version, opts.resolve));
  const startTimeoutMs = opts.startTimeoutMs ?? 180_000;
  const restartTimeoutMs = opts.restartTimeoutMs ?? 120_000;
  const deadline = Date.now() + startTimeoutMs;
  const grace = opts.stopGraceMs ?? 15_000;
  const label = `kafka@${opts.version} (${brokers} node${brokers === 1 ? '' : 's'}, ${mode}${hosts ? ', own network' : ''})`;

  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), `kconform-kafka-cluster-${opts.version}-`)));
  const dirGuard = ownDir ? removeWhenOrphaned(dataDir, grace + 3_000) : undefined;
  await mkdir(dataDir, { recursive: true });
  const state = await clusterState(dataDir, mode, brokers);

  const layouts: ClusterNodeLayout[] = state.nodes.map((n) => {
    const logDir = join(dataDir, `node-${n.id}`, 'kafka-logs');
    const host = hosts?.get(n.id);
    // On its own host a node has the whole port space: fixed ports, whatever the state file picked.
    return host
      ? { id: n.id, host: host.address, port: NETWORK_BROKER_PORT, controllerPort: NETWORK_CONTROLLER_PORT, logDir }
      : { ...n, logDir };
  });
  const zookeeperConnect = state.zookeeperPort !== undefined ? `${HOST}:${state.zookeeperPort}` : undefined;
  const zkDir = join(dataDir, 'zookeeper');
  const zookeeperLogFile = mode === 'zookeeper' ? join(zkDir, 'zookeeper.log') : undefined;

  let zookeeper: NodeProcess | undefined;
  const processes = new Map<number, NodeProcess>();
  const nodes: KafkaClusterNode[] = layouts.map((layout) => {
    const dir = join(dataDir, `node-${layout.id}`);
    return {
      id: layout.id,
      bootstrap: `${layout.host ?? HOST}:${layout.port}`,
      port: layout.port,
      controllerPort: layout.controllerPort,
      dir,
      configFile: join(dir, 'server.properties'),
      logFile: join(dir, 'server.log'),
      get pid() {
        return processes.get(layout.id)?.pid;
      },
    };
  });
  const bootstrap = nodes.map((n) => n.bootstrap).join(',');
  const allLogs = (): { label: string; file: string }[] => [
    ...(zookeeperLogFile ? [{ label: 'zookeeper', file: zookeeperLogFile }] : []),
    ...nodes.map((n) => ({ label: `node ${n.id}`, file: n.logFile })),
  ];

  let stopping: Promise<void> | undefined;
  // `graceful: false` after a failed start: a half-formed KRaft quorum would only sit out the
  // whole grace period in a controlled shutdown that cannot complete.
  const teardown = (graceful: boolean): Promise<void> =>
    (stopping ??= (async () => {
      // Brokers first: a ZooKeeper-mode broker needs ZooKeeper for a clean shutdown.
      await Promise.all([...processes.values()].map((p) => (graceful ? p.stop(grace) : p.kill())));
      await (graceful ? zookeeper?.stop(grace) : zookeeper?.kill());
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
      dirGuard?.cancel();
    })());
  const stop = (): Promise<void> => teardown(true);

  // A node serves once Metadata from it lists itself: in KRaft that is after it registered and
  // was unfenced, in ZooKeeper mode after it registered in ZooKeeper.
  const nodeServes =
    (node: KafkaClusterNode) =>
    async (ctx: ReadyContext): Promise<void> => {
      for (;;) {
        const exit = ctx.exitStatus();
        if (exit) throw await nodeError(node, `exited with ${describeExit(exit)} while starting`);
        const left = ctx.deadline - Date.now();
        if (left <= 0) throw await nodeError(node, `did not serve (Metadata from it listing itself) in time`);
        const view = await tryClusterMetadata(node.bootstrap, { timeoutMs: Math.max(500, Math.min(3_000, left)) });
        if (view?.brokers.some((b) => b.nodeId === node.id)) return;
        await sleep(250);
      }
    };
  const nodeError = async (node: KafkaClusterNode, what: string): Promise<KafkaStartError> => {
    const [tail, errors] = await Promise.all([tailLines(node.logFile, LOG_TAIL_LINES), firstErrors(node.logFile, 3)]);
    return new KafkaStartError(`Kafka ${opts.version} node ${node.id} on ${node.bootstrap} ${what}`, tail, errors);
  };

  // A ZooKeeper-mode broker killed with -9 keeps its ephemeral /brokers/ids/N node until its
  // session expires (zookeeper.session.timeout.ms, 18 s by default); starting it again before
  // that makes it exit with NodeExists. The other brokers stop listing it once the node is gone.
  const untilDeregistered = async (node: KafkaClusterNode): Promise<void> => {
    const until = Date.now() + restartTimeoutMs / 2;
    while (Date.now() < until) {
      const others = nodes.filter((n) => n.id !== node.id && processes.get(n.id)?.state === 'running');
      if (others.length === 0) return;
      const views = (
        await Promise.all(others.map((n) => tryClusterMetadata(n.bootstrap, { timeoutMs: 2_000 })))
      ).filter((x) => x !== undefined);
      if (views.length > 0 && views.every((x) => !x.brokers.some((b) => b.nodeId === node.id))) return;
      await sleep(500);
    }
  };

  const waitReady = async (timeoutMs = startTimeoutMs): Promise<ClusterView> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const left = until - Date.now();
      const views = await Promise.all(
        nodes
          .filter((n) => processes.get(n.id)?.state === 'running')
          .map((n) => tryClusterMetadata(n.bootstrap, { timeoutMs: Math.max(500, Math.min(3_000, left)) })),
      );
      const ready = views.find((view) => view && view.brokers.length >= brokers && view.controllerId >= 0);
      if (ready) return ready;
      if (Date.now() >= until) {
        const seen = views
          .filter((x) => x)
          .map(
            (x) =>
              `${x!.answeredBy} lists [${x!.brokers.map((b) => b.nodeId).join(',')}], controller ${x!.controllerId}`,
          );
        const { tail, errors } = await logsReport(allLogs(), 15);
        throw new KafkaStartError(
          `${label} was not ready in ${timeoutMs} ms (waiting for Metadata to list ${brokers} brokers and a controller; ${seen.length ? seen.join('; ') : 'no node answered Metadata'})`,
          tail,
          errors,
        );
      }
      await sleep(250);
    }
  };

  try {
    if (mode === 'zookeeper') {
      await mkdir(zkDir, { recursive: true });
      const zkConfig = join(zkDir, 'zookeeper.properties');
      await writeFile(
        zkConfig,
        formatProperties(zooKeeperProperties({ host: HOST, port: state.zookeeperPort!, dataDir: join(zkDir, 'data') })),
      );
      zookeeper = createNodeProcess({
        id: 0,
        label: `ZooKeeper of ${label}`,
        logFile: zookeeperLogFile!,
        stopGraceMs: grace,
        launch: () => ({
          command: dist.javaBin,
          args: kafkaJavaArgs(dist, ZOOKEEPER_SERVER_CLASS, [zkConfig], {
            jvmArgs: ZOOKEEPER_JVM_ARGS,
            logLevel: 'INFO',
          }),
          cwd: zkDir,
        }),
        waitReady: async (ctx) => {
          while (!(await portAccepts(HOST, state.zookeeperPort!))) {
            const exit = ctx.exitStatus();
            if (exit || Date.now() >= ctx.deadline) {
              const { tail, errors } = await logsReport(
                [{ label: 'zookeeper', file: zookeeperLogFile! }],
                LOG_TAIL_LINES,
              );
              throw new KafkaStartError(
                `ZooKeeper on ${zookeeperConnect} ${exit ? `exited with ${describeExit(exit)}` : 'did not listen in time'}`,
                tail,
                errors,
              );
            }
            await sleep(200);
          }
        },
      });
      await zookeeper.start(deadline);
    }

    const input = { version: v, host: HOST, nodes: layouts };
    await settleAll(
      nodes.map(async (node) => {
        await mkdir(node.dir, { recursive: true });
        const props =
          mode === 'kraft'
            ? kraftClusterNodeProperties(input, node.id, opts.serverProperties)
            : zkClusterBrokerProperties(
                { ...input, zookeeperConnect: zookeeperConnect! },
                node.id,
                opts.serverProperties,
              );
        await writeFile(node.configFile, formatProperties(props));
        if (mode === 'kraft' && !(await exists(join(node.dir, 'kafka-logs', 'meta.properties')))) {
          // Static voters: no --standalone / --initial-controllers (see cluster-properties.ts).
          const res = await runKafkaClass(
            dist,
            STORAGE_TOOL_CLASS,
            ['format', '-t', state.clusterId!, '-c', node.configFile],
            {
              timeoutMs: Math.max(1_000, deadline - Date.now()),
              cwd: node.dir,
            },
          );
          if (res.code !== 0) {
            const out = `${res.stdout}${res.stderr}`.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
            throw new KafkaStartError(
              `StorageTool format of node ${node.id} exited with ${res.code ?? res.signal}`,
              out,
            );
          }
        }
        processes.set(
          node.id,
          createNodeProcess({
            id: node.id,
            label: `Kafka ${opts.version} node ${node.id}`,
            logFile: node.logFile,
            stopGraceMs: grace,
            launch: async () => {
              if (mode === 'zookeeper' && (processes.get(node.id)?.starts ?? 0) > 0) await untilDeregistered(node);
              return launchOn(hosts?.get(node.id), {
                command: dist.javaBin,
                args: kafkaJavaArgs(dist, KAFKA_SERVER_CLASS, [node.configFile], {
                  jvmArgs: brokerJvmArgs(opts.heap ?? '512m'),
                  logLevel: 'INFO',
                }),
                cwd: node.dir,
              });
            },
            waitReady: nodeServes(node),
          }),
        );
      }),
    );

    // All at once: a KRaft node cannot finish starting before a quorum of controllers runs.
    await Promise.all([...processes.values()].map((p) => p.spawn()));
    await Promise.all([...processes.values()].map((p) => p.waitReady(deadline)));
    await waitReady(Math.max(1_000, deadline - Date.now()));

    return {
      label,
      version: opts.version,
      mode,
      bootstrap,
      nodes,
      clusterId: state.clusterId,
      zookeeperConnect,
      zookeeperLogFile,
      dataDir,
      logFiles: allLogs().map((l) => l.file),
      dist,
      restartTimeoutMs,
      nodeProcess(id: number): NodeProcess {
        const p = processes.get(id);
        if (!p) throw new RangeError(`${label} has no node ${id} (nodes: ${nodes.map((n) => n.id).join(', ')})`);
        return p;
      },
      waitReady,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await teardown(false);
    throw err;
  }
}
