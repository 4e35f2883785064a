/**
 * The `container@IMAGE` target's builder: Apache Kafka in containers started with
 * testcontainers' GenericContainer, single node or a K-node KRaft cluster on its own container
 * network. Default image: `localhost/kconform-kafka:LATEST` when `kconform image build` made it,
 * else `apache/kafka:LATEST` (pulled by the engine, for users with a registry).
 *
 * Addressing (see kafka-env.ts): each node's client port is picked free on the host and
 * published as the same port number on 127.0.0.1 only, so the advertised 127.0.0.1:PORT is what
 * clients reach and stays valid across kill/start.
 *
 * Ready means: the published port accepts a connection and a Kafka Metadata request answers
 * with the expected number of brokers (testcontainers wait strategy, then a cluster-wide wait).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerRuntimeClient, StartedTestContainer, WaitStrategy } from 'testcontainers';
import { registerCleanup } from '../cleanup/cleanup-registry.ts';
import { splitHostPort } from '../../protocol/client/host-port.ts';
import { randomClusterId } from '../kafka-dist/kafka-process.ts';
import { brokerCount } from '../kafka-dist/metadata-probe.ts';
import { freePort, portAccepts } from '../kafka-dist/net-util.ts';
import { LATEST_KAFKA_VERSION } from '../kafka-dist/resolve-kafka.ts';
import type { Properties } from '../kafka-dist/server-properties.ts';
import type { FaultControl, TargetNode } from '../nemesis/fault-control.ts';
import { containerFaults, type ContainerOps, type NodeNetwork } from './container-faults.ts';
import { containerLogs } from './container-logs.ts';
import { detectEngine, useEngine, type ContainerEngine } from './engine.ts';
import { kafkaImageName, upstreamKafkaImage } from './image-files.ts';
import { CONTROLLER_PORT, INTERNAL_PORT, kafkaContainerEnv, quorumVoters } from './kafka-env.ts';
import { pidAlive } from '../../reference-broker/state/pid-alive.ts';

/** Labels on everything this module creates; `pid` lets a later run remove what a crashed one left. */
export const LABEL_ROLE = 'org.kconform.role';
export const LABEL_PID = 'org.kconform.pid';
export const LABEL_TARGET = 'org.kconform.target-id';
const ROLE_NODE = 'kafka-node';
const ROLE_NETWORK = 'kafka-network';

/** The container target could not be started (missing image, Kafka never became ready). Exit 3. */
export class ContainerTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerTargetError';
  }
}

/** Options of {@link startKafkaContainer}. */
export interface KafkaContainerOptions {
  /** Image to run; default {@link defaultKafkaImage} for `kafkaVersion`. */
  image?: string;
  /** Kafka release for the default image; default {@link LATEST_KAFKA_VERSION}. */
  kafkaVersion?: string;
  /** Nodes (each a combined broker+controller); default 1. */
  brokers?: number;
  /** Limit for the containers to start and Kafka to answer Metadata; default 120 s. */
  startTimeoutMs?: number;
  /** Extra or overriding server properties, passed as KAFKA_* variables. */
  serverProperties?: Properties;
  /** Directory that receives each node's container log when the target stops. */
  logDir?: string;
  /** An engine already detected; default {@link detectEngine}. */
  engine?: ContainerEngine;
}

/** One node of a started container target. */
export interface KafkaContainerNode extends TargetNode {
  readonly containerId: string;
}

/** A started container target. `stop()` (or disposal) removes its containers and network. */
export interface StartedKafkaContainer extends AsyncDisposable {
  /** bootstrap.servers for clients on this host. */
  readonly bootstrap: string;
  /** The first node's container (the only one for a single node). */
  readonly containerId: string;
  readonly nodes: readonly KafkaContainerNode[];
  readonly image: string;
  readonly faults: FaultControl;
  /** Files the node logs go to on stop (empty without `logDir`). */
  readonly logFiles: readonly string[];
  /** The last `lines` lines of a node's container output. */
  logs(nodeId?: number, lines?: number): Promise<string>;
  stop(): Promise<void>;
}

type Testcontainers = typeof import('testcontainers');
type DockerContainer = ReturnType<ContainerRuntimeClient['container']['getById']>;

/** Polls until `bootstrap` accepts connections and Metadata lists at least `brokers` brokers. */
export async function waitForKafka(
  bootstrap: string,
  brokers: number,
  deadline: number,
  stillRunning: () => Promise<boolean> = async () => true,
): Promise<boolean> {
  const { host, port } = splitHostPort(bootstrap);
  while (Date.now() < deadline) {
    if (!(await stillRunning())) return false;
    if ((await portAccepts(host, port, 1_000)) && (await brokerCount(bootstrap, 3_000)) >= brokers) return true;
    await sleep(250);
  }
  return false;
}

/** Whether the engine reports the container running. */
async function isRunning(container: DockerContainer): Promise<boolean> {
  try {
    return (await container.inspect()).State.Running === true;
  } catch {
    return false;
  }
}

/** testcontainers wait strategy: the published port opens and Kafka answers Metadata. */
class KafkaReadyWait implements WaitStrategy {
  private startupTimeoutMs = 120_000;
  private timeoutSet = false;
  private readonly bootstrap: string;
  constructor(bootstrap: string) {
    this.bootstrap = bootstrap;
  }
  async waitUntilReady(container: DockerContainer): Promise<void> {
    const ok = await waitForKafka(this.bootstrap, 1, Date.now() + this.startupTimeoutMs, () => isRunning(container));
    if (ok) return;
    const running = await isRunning(container);
    const tail = await containerLogs(container, 40);
    throw new ContainerTargetError(
      `Kafka in container ${container.id.slice(0, 12)} ${running ? `did not answer Metadata on ${this.bootstrap} within ${this.startupTimeoutMs} ms` : 'exited before it was ready'}; last container output:\n${tail}`,
    );
  }
  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }
  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}

/**
 * GenericContainer publishing its ports on 127.0.0.1 only: a broker under test (and its faults)
 * stays on loopback, never on the machine's other addresses. `onNetwork` creates the container
 * on that network alone, with its aliases: testcontainers' own aliases would also leave it on
 * the default network, through which partitioned nodes could still reach each other.
 */
function loopbackContainerClass(tc: Testcontainers) {
  return class LoopbackContainer extends tc.GenericContainer {
    private only?: { network: string; aliases: string[] };
    onNetwork(network: string, aliases: string[]): this {
      this.only = { network, aliases };
      return this.withNetworkMode(network);
    }
    protected override async beforeContainerCreated(): Promise<void> {
      const bindings = this.hostConfig.PortBindings as
        | Record<string, { HostIp?: string; HostPort?: string }[]>
        | undefined;
      for (const list of Object.values(bindings ?? {})) for (const b of list) b.HostIp = '127.0.0.1';
      if (this.only)
        this.createOpts.NetworkingConfig = { EndpointsConfig: { [this.only.network]: { Aliases: this.only.aliases } } };
    }
  };
}

/** The default image: the locally built one when it exists, else the ASF's from a registry. */
export async function defaultKafkaImage(
  client: ContainerRuntimeClient,
  tc: Testcontainers,
  version = LATEST_KAFKA_VERSION,
): Promise<string> {
  const local = kafkaImageName(version);
  return (await client.image.exists(tc.ImageName.fromString(local))) ? local : upstreamKafkaImage(version);
}

/**
 * Removes containers and networks that a kconform process which no longer exists left behind
 * (killed before it could stop them: with Ryuk off, nothing else would).
 */
export async function reapOrphans(
  client: ContainerRuntimeClient,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  const docker = client.container.dockerode;
  let reaped = 0;
  const containers = await docker
    .listContainers({ all: true, filters: { label: [`${LABEL_ROLE}=${ROLE_NODE}`] } })
    .catch(() => []);
  for (const c of containers) {
    const pid = Number(c.Labels?.[LABEL_PID]);
    if (!pid || pidAlive(pid)) continue;
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .then(
        () => reaped++,
        () => undefined,
      );
    log(`removed container ${c.Id.slice(0, 12)} left by kconform process ${pid}`);
  }
  const networks = await docker.listNetworks({ filters: { label: [`${LABEL_ROLE}=${ROLE_NETWORK}`] } }).catch(() => []);
  for (const n of networks) {
    const pid = Number(n.Labels?.[LABEL_PID]);
    if (!pid || pidAlive(pid)) continue;
    await docker
      .getNetwork(n.Id)
      .remove()
      .then(
        () => reaped++,
        () => undefined,
      );
  }
  return reaped;
}

/** A free host port for a client listener that cannot clash with the fixed internal ones. */
async function clientPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p !== INTERNAL_PORT && p !== CONTROLLER_PORT && !taken.has(p)) {
      taken.add(p);
      return p;
    }
  }
}

/** Engine calls the faults make, through testcontainers' dockerode client. */
function engineOps(client: ContainerRuntimeClient, createNetwork: (suffix: string) => Promise<string>): ContainerOps {
  const docker = client.container.dockerode;
  // 304 "already in that state" is success for a fault that must hold afterwards.
  const tolerate304 = (err: unknown) => {
    if ((err as { statusCode?: number }).statusCode !== 304) throw err;
  };
  return {
    kill: (id) =>
      docker
        .getContainer(id)
        .kill({ signal: 'SIGKILL' })
        .then(() => undefined),
    start: (id) =>
      docker
        .getContainer(id)
        .start()
        .then(() => undefined, tolerate304),
    stop: (id, t) =>
      docker
        .getContainer(id)
        .stop({ t })
        .then(() => undefined, tolerate304),
    pause: (id) =>
      docker
        .getContainer(id)
        .pause()
        .then(() => undefined),
    unpause: (id) =>
      docker
        .getContainer(id)
        .unpause()
        .then(() => undefined),
    disconnect: (net, id) =>
      docker
        .getNetwork(net)
        .disconnect({ Container: id, Force: true })
        .then(() => undefined),
    connect: (net, id, aliases, ipv4) =>
      docker
        .getNetwork(net)
        .connect({
          Container: id,
          EndpointConfig: {
            ...(aliases.length ? { Aliases: [...aliases] } : {}),
            ...(ipv4 ? { IPAMConfig: { IPv4Address: ipv4 } } : {}),
          },
        })
        .then(() => undefined),
    createNetwork,
    removeNetwork: (net) =>
      docker
        .getNetwork(net)
        .remove()
        .then(() => undefined),
  };
}

/**
 * Starts Kafka in containers and waits until it serves.
 * @throws ContainerEngineUnavailableError when no engine answers; ContainerTargetError when the
 *   image is missing or Kafka does not become ready (with the container's last output).
 */
export async function startKafkaContainer(opts: KafkaContainerOptions = {}): Promise<StartedKafkaContainer> {
  const engine = opts.engine ?? (await detectEngine());
  useEngine(engine);
  // Loaded only now: testcontainers reads the engine settings when it first connects.
  const tc = await import('testcontainers').catch((err: Error) => {
    throw new ContainerTargetError(`the testcontainers package is not installed (npm install): ${err.message}`);
  });
  const client = await tc.getContainerRuntimeClient();
  await reapOrphans(client);

  const version = opts.kafkaVersion ?? LATEST_KAFKA_VERSION;
  const image = opts.image ?? (await defaultKafkaImage(client, tc, version));
  if (image.startsWith('localhost/') && !(await client.image.exists(tc.ImageName.fromString(image)))) {
    throw new ContainerTargetError(
      `image ${image} is not in the ${engine.kind} image store: build it with \`kconform image build --kafka ${/:(.+)$/.exec(image)?.[1] ?? version}\``,
    );
  }
  const brokers = opts.brokers ?? 1;
  const startTimeoutMs = opts.startTimeoutMs ?? 120_000;
  const targetId = randomUUID();
  const labels = { [LABEL_PID]: String(process.pid), [LABEL_TARGET]: targetId };
  const docker = client.container.dockerode;

  // Stops whatever exists with this target's label: used by stop(), a failed start, and Ctrl-C.
  const removeAll = async () => {
    const left = await docker
      .listContainers({ all: true, filters: { label: [`${LABEL_TARGET}=${targetId}`] } })
      .catch(() => []);
    await Promise.all(
      left.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
    const nets = await docker.listNetworks({ filters: { label: [`${LABEL_TARGET}=${targetId}`] } }).catch(() => []);
    for (const n of nets)
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
  };
  const unregister = registerCleanup(`remove Kafka container target ${targetId.slice(0, 8)}`, removeAll);

  let network: { id: string; name: string } | undefined;
  const networkName = (suffix: string) => `kconform-${targetId.slice(0, 8)}${suffix ? `-${suffix}` : ''}`;
  // podman routes between its bridges unless both sides are isolated (Docker isolates them).
  const createNetwork = async (suffix: string) =>
    (
      await client.network.create({
        Name: networkName(suffix),
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { ...labels, [LABEL_ROLE]: ROLE_NETWORK },
        ...(engine.kind === 'podman' ? { Options: { isolate: 'true' } } : {}),
      })
    ).id;
  const started: StartedTestContainer[] = [];
  try {
    if (brokers > 1) network = { id: await createNetwork(''), name: networkName('') };
    const clusterId = randomClusterId();
    const hostOf = (id: number) => (brokers === 1 ? 'localhost' : `kafka-${id}`);
    const voters = quorumVoters(brokers, hostOf);
    const taken = new Set<number>();
    const Loopback = loopbackContainerClass(tc);
    const ids = Array.from({ length: brokers }, (_, i) => i + 1);
    const ports = new Map<number, number>();
    for (const id of ids) ports.set(id, await clientPort(taken));

    const containers = ids.map((id) => {
      const port = ports.get(id)!;
      let c = new Loopback(image)
        .withEnvironment(
          kafkaContainerEnv(
            { nodeId: id, clientPort: port, internalHost: hostOf(id), voters, brokers, clusterId },
            opts.serverProperties,
          ),
        )
        .withExposedPorts({ container: port, host: port })
        .withLabels({ ...labels, [LABEL_ROLE]: ROLE_NODE, 'org.kconform.node-id': String(id) })
        .withStartupTimeout(startTimeoutMs)
        .withWaitStrategy(new KafkaReadyWait(`127.0.0.1:${port}`));
      // The port is published through the cluster network too, so clients need no other one.
      if (network) c = c.onNetwork(network.name, [hostOf(id)]);
      return c;
    });
    // Together: a KRaft quorum of K answers nothing until a majority of its nodes runs.
    const results = await Promise.allSettled(containers.map((c) => c.start()));
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;

    const nodes: KafkaContainerNode[] = ids.map((id, i) => ({
      id,
      bootstrap: `127.0.0.1:${ports.get(id)}`,
      containerId: started[i]!.getId(),
    }));
    const bootstrap = nodes.map((n) => n.bootstrap).join(',');
    if (!(await waitForKafka(nodes[0]!.bootstrap, brokers, Date.now() + startTimeoutMs))) {
      throw new ContainerTargetError(
        `the ${brokers} Kafka containers did not form a cluster within ${startTimeoutMs} ms (Metadata on ${nodes[0]!.bootstrap} never listed ${brokers} brokers)`,
      );
    }

    // A single node's client traffic arrives through its networks; a cluster's through the
    // cluster network, which the faults must not cut for a client fault (see container-faults.ts).
    const clientNetworks = new Map<number, NodeNetwork[]>();
    const clusterNetworks = new Map<number, NodeNetwork>();
    for (const [i, s] of started.entries()) {
      const id = ids[i]!;
      if (network)
        clusterNetworks.set(id, {
          id: network.id,
          aliases: [hostOf(id)],
          ipv4: s.getIpAddress(network.name) || undefined,
        });
      else
        clientNetworks.set(
          id,
          s.getNetworkNames().map((n) => ({ id: s.getNetworkId(n) || n, aliases: [] })),
        );
    }
    const faults = containerFaults({
      nodes: nodes.map((n) => ({
        id: n.id,
        containerId: n.containerId,
        clientNetworks: clientNetworks.get(n.id) ?? [],
        ...(clusterNetworks.has(n.id) ? { clusterNetwork: clusterNetworks.get(n.id)! } : {}),
      })),
      ops: engineOps(client, createNetwork),
      waitReady: async (id) => {
        const n = nodes.find((x) => x.id === id)!;
        const c = docker.getContainer(n.containerId);
        if (!(await waitForKafka(n.bootstrap, 1, Date.now() + startTimeoutMs, () => isRunning(c)))) {
          throw new ContainerTargetError(
            `Kafka node ${id} did not serve again on ${n.bootstrap}; last output:\n${await containerLogs(c, 40)}`,
          );
        }
      },
      targetName: `container@${image}`,
    });

    const logFiles = opts.logDir ? nodes.map((n) => join(opts.logDir!, `kafka-container-${n.id}.log`)) : [];
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        if (opts.logDir) {
          await mkdir(opts.logDir, { recursive: true });
          for (const [i, n] of nodes.entries())
            await writeFile(logFiles[i]!, await containerLogs(docker.getContainer(n.containerId)));
        }
        await removeAll();
        unregister();
      })());
    return {
      bootstrap,
      containerId: nodes[0]!.containerId,
      nodes,
      image,
      faults,
      logFiles,
      logs: async (nodeId = 1, lines?: number) =>
        containerLogs(docker.getContainer(nodes.find((n) => n.id === nodeId)!.containerId), lines),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await removeAll();
    unregister();
    if (err instanceof ContainerTargetError) throw err;
    const message = (err as Error).message;
    // conmon inherits the API service's working directory and fails when it was deleted.
    const hint = /write child: broken pipe/.test(message)
      ? ` (if the ${engine.kind} service was started from a directory that no longer exists, restart it: .ci/install-podman.sh does)`
      : '';
    throw new ContainerTargetError(`cannot start ${image} in ${engine.kind} (${engine.dockerHost}): ${message}${hint}`);
  }
}
