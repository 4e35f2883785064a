/**
 * The environment that configures one Kafka node in a container. It uses the apache/kafka
 * image's convention (KAFKA_<PROPERTY> variables, CLUSTER_ID), which kconform's own image
 * follows too, so the same environment starts either image.
 *
 * Listeners, and why the client port is fixed:
 * - EXTERNAL on `clientPort`, advertised as 127.0.0.1:`clientPort`. The host publishes the same
 *   port number (host port = container port, picked free on the host before the container is
 *   created), so the address a broker advertises is the one clients on the host reach, from the
 *   first Metadata answer on, and it stays the same when the container is killed and started
 *   again (an engine may hand out a new random host port on restart).
 * - INTERNAL on 9092, advertised as the node's name on the container network: replication and
 *   anything else that runs inside the network.
 * - CONTROLLER on 9093: the static KRaft quorum (`controller.quorum.voters`), which 3.3+ and
 *   4.x both accept and which needs no `--standalone` format.
 */
import { SINGLE_NODE_OFFSETS_PARTITIONS, type Properties } from '../kafka-dist/server-properties.ts';

/** Container port of the INTERNAL listener. */
export const INTERNAL_PORT = 9092;
/** Container port of the CONTROLLER listener. */
export const CONTROLLER_PORT = 9093;
/** Where the node keeps its log inside the container (its writable layer: kept across kill/start). */
export const DATA_DIR_IN_CONTAINER = '/var/lib/kafka/data';

/** One node's place in a container cluster. */
export interface ContainerNodeLayout {
  readonly nodeId: number;
  /** Host port = container port of the EXTERNAL listener. */
  readonly clientPort: number;
  /** The node's name on the container network (`localhost` for a single node). */
  readonly internalHost: string;
  /** `controller.quorum.voters`, e.g. `1@kafka-1:9093,2@kafka-2:9093`. */
  readonly voters: string;
  /** Nodes in the cluster, for replication factors. */
  readonly brokers: number;
  readonly clusterId: string;
}

/**
 * The environment variable the apache/kafka convention reads for a property:
 * `.` -> `_`, `_` -> `__`, `-` -> `___`, upper case, `KAFKA_` in front.
 */
export function propertyEnvName(property: string): string {
  return `KAFKA_${property.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`;
}

/** The server properties of one node (see the module comment for the listeners). */
export function containerNodeProperties(layout: ContainerNodeLayout, overrides: Properties = {}): Properties {
  const rf = Math.min(layout.brokers, 3);
  return {
    'node.id': layout.nodeId,
    'process.roles': 'broker,controller',
    'controller.quorum.voters': layout.voters,
    listeners: `EXTERNAL://0.0.0.0:${layout.clientPort},INTERNAL://0.0.0.0:${INTERNAL_PORT},CONTROLLER://0.0.0.0:${CONTROLLER_PORT}`,
    'advertised.listeners': `EXTERNAL://127.0.0.1:${layout.clientPort},INTERNAL://${layout.internalHost}:${INTERNAL_PORT}`,
    'listener.security.protocol.map': 'EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'INTERNAL',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': DATA_DIR_IN_CONTAINER,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': SINGLE_NODE_OFFSETS_PARTITIONS,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': Math.min(rf, 2),
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': Math.min(rf, 2),
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'num.partitions': 1,
    'default.replication.factor': rf,
    ...overrides,
  };
}

/** The container environment of one node: its properties as KAFKA_* variables, plus CLUSTER_ID. */
export function kafkaContainerEnv(layout: ContainerNodeLayout, overrides: Properties = {}): Record<string, string> {
  const env: Record<string, string> = {
    CLUSTER_ID: layout.clusterId,
    KAFKA_HEAP_OPTS: '-Xmx512m -Xms256m',
    // A partitioned node moves to another network under the same name and a new address; the
    // JVM's 30 s name cache would keep its peers dialling the old one long after that.
    KAFKA_OPTS: '-Dsun.net.inetaddr.ttl=1 -Dsun.net.inetaddr.negative.ttl=1',
  };
  for (const [key, value] of Object.entries(containerNodeProperties(layout, overrides))) {
    env[propertyEnvName(key)] = String(value);
  }
  return env;
}

/** `controller.quorum.voters` for nodes 1..K named by `hostOf`. */
export function quorumVoters(brokers: number, hostOf: (nodeId: number) => string): string {
  return Array.from({ length: brokers }, (_, i) => `${i + 1}@${hostOf(i + 1)}:${CONTROLLER_PORT}`).join(',');
}
