/**
 * The configuration files of a K-node Kafka cluster on loopback (KRaft with a static controller
 * quorum, or ZooKeeper mode), as pure functions of node ids, ports and directories.
 */
import type { KafkaVersion } from './kafka-version.ts';
import type { Properties } from './server-properties.ts';

/** The ports and directory of one cluster node. */
export interface ClusterNodeLayout {
  /** node.id (KRaft) / broker.id (ZooKeeper mode); 1-based. */
  readonly id: number;
  /**
   * The address this node listens on and advertises, when nodes do not share one (each in its
   * own network namespace); default the cluster's `host`.
   */
  readonly host?: string;
  /** PLAINTEXT listener port. */
  readonly port: number;
  /** CONTROLLER listener port (KRaft). */
  readonly controllerPort?: number;
  /** log.dirs */
  readonly logDir: string;
}

/**
 * Cluster-wide settings: internal topics replicated as far as K allows (at most 3), their
 * min.isr at most 2, and groups that form without the initial rebalance delay. Internal topics
 * get K partitions instead of Kafka's 50 because creating 150 replicas on a 2-core test machine
 * costs seconds, while K still spreads group and transaction coordinators over the nodes.
 */
export function clusterDefaults(v: KafkaVersion, brokers: number): Properties {
  const rf = Math.min(3, brokers);
  const isr = Math.min(2, brokers);
  const props: Properties = {
    'default.replication.factor': rf,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': brokers,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': isr,
    'transaction.state.log.num.partitions': brokers,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'num.partitions': 1,
  };
  // Share groups (KIP-932) have their own internal topic from 4.0 on.
  if (v.major >= 4) {
    props['share.coordinator.state.topic.replication.factor'] = rf;
    props['share.coordinator.state.topic.min.isr'] = isr;
  }
  return props;
}

/** `controller.quorum.voters`: `ID@HOST:CONTROLLER_PORT` of every node (its own host where it has one), comma-separated. */
export function controllerQuorumVoters(host: string, nodes: readonly ClusterNodeLayout[]): string {
  return nodes
    .map((n) => {
      if (n.controllerPort === undefined) throw new RangeError(`node ${n.id} has no controller port`);
      return `${n.id}@${n.host ?? host}:${n.controllerPort}`;
    })
    .join(',');
}

/** What every node's config is made from. */
export interface ClusterConfigInput {
  readonly version: KafkaVersion;
  readonly host: string;
  readonly nodes: readonly ClusterNodeLayout[];
}

/**
 * server.properties of one combined broker+controller node. The quorum is static
 * (`controller.quorum.voters`) on 3.x and 4.x alike: `StorageTool format` accepts it without
 * `--standalone` / `--initial-controllers` (checked on 4.4.0), and a static quorum needs no
 * bootstrapping step when a node restarts on its data.
 */
export function kraftClusterNodeProperties(
  input: ClusterConfigInput,
  nodeId: number,
  overrides: Properties = {},
): Properties {
  const node = nodeOf(input, nodeId);
  const host = node.host ?? input.host;
  return {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': controllerQuorumVoters(input.host, input.nodes),
    listeners: `PLAINTEXT://${host}:${node.port},CONTROLLER://${host}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${node.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': node.logDir,
    ...clusterDefaults(input.version, input.nodes.length),
    ...overrides,
  };
}

/** server.properties of one ZooKeeper-mode broker (2.x, 3.x) of the cluster. */
export function zkClusterBrokerProperties(
  input: ClusterConfigInput & { readonly zookeeperConnect: string },
  nodeId: number,
  overrides: Properties = {},
): Properties {
  const node = nodeOf(input, nodeId);
  const host = node.host ?? input.host;
  return {
    'broker.id': node.id,
    listeners: `PLAINTEXT://${host}:${node.port}`,
    'advertised.listeners': `PLAINTEXT://${host}:${node.port}`,
    'zookeeper.connect': input.zookeeperConnect,
    'zookeeper.connection.timeout.ms': 30_000,
    'log.dirs': node.logDir,
    ...clusterDefaults(input.version, input.nodes.length),
    ...overrides,
  };
}

function nodeOf(input: ClusterConfigInput, nodeId: number): ClusterNodeLayout {
  const node = input.nodes.find((n) => n.id === nodeId);
  if (!node) throw new RangeError(`no node ${nodeId} in the cluster layout`);
  return node;
}

/**
 * Failover timings a scenario asks for, so that its faults fit them (a follower paused past
 * replica.lag.time.max.ms leaves the ISR before the session timeout fences it). Applied alike to
 * both targets: the reference broker gets `--replica-lag-time-max-ms` and
 * `--broker-session-timeout-ms` (its heartbeat interval is a quarter of the session timeout,
 * 100 ms to 2 s), Kafka the server properties of {@link failoverTimingProperties}.
 */
export interface BrokerTimings {
  /** replica.lag.time.max.ms (Kafka's default 30 000). */
  readonly replicaLagTimeMaxMs: number;
  /** broker.session.timeout.ms (KRaft; Kafka's default 9 000). */
  readonly brokerSessionTimeoutMs: number;
}

/** broker.heartbeat.interval.ms for a session timeout: the reference broker's rule, so both targets heartbeat alike. */
export function heartbeatIntervalMs(t: BrokerTimings): number {
  return Math.max(100, Math.min(2_000, Math.floor(t.brokerSessionTimeoutMs / 4)));
}

/** The server properties of `t` for Kafka; ZooKeeper mode has no broker session (ZooKeeper's own session decides). */
export function failoverTimingProperties(t: BrokerTimings, mode: 'kraft' | 'zookeeper' = 'kraft'): Properties {
  const props: Properties = { 'replica.lag.time.max.ms': t.replicaLagTimeMaxMs };
  if (mode === 'kraft') {
    props['broker.session.timeout.ms'] = t.brokerSessionTimeoutMs;
    props['broker.heartbeat.interval.ms'] = heartbeatIntervalMs(t);
  }
  return props;
}
