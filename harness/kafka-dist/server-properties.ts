/**
 * The configuration files of a single-node Kafka (KRaft or ZooKeeper mode) and of its
 * ZooKeeper, as pure functions of ports and directories.
 */
import { atLeast, type KafkaVersion } from './kafka-version.ts';

/** Kafka properties as an ordered map; later keys override earlier ones when merged. */
export type Properties = Record<string, string | number | boolean>;

/** Renders properties in `java.util.Properties` text form. */
export function formatProperties(props: Properties): string {
  const escapeValue = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `${Object.entries(props)
    .map(([k, val]) => `${escapeValue(k)}=${escapeValue(String(val))}`)
    .join('\n')}\n`;
}

/** The ports and directories a single node needs. */
export interface NodeLayout {
  readonly version: KafkaVersion;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly logDir: string;
}

/**
 * Partitions of `__consumer_offsets` on every single-node target the harness starts (Kafka here and
 * in containers, the reference broker in-process): the internal topic shows in listings
 * (Metadata, DescribeTopicPartitions cursors), so the targets must agree on it to compare.
 */
export const SINGLE_NODE_OFFSETS_PARTITIONS = 1;

/** Partitions of `__transaction_state` on the same single-node targets, for the same reason. */
export const SINGLE_NODE_TXN_STATE_PARTITIONS = 1;

// Settings that make one node behave like a usable cluster of one, fast to start and to join.
function singleNodeDefaults(v: KafkaVersion): Properties {
  const props: Properties = {
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': SINGLE_NODE_OFFSETS_PARTITIONS,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': SINGLE_NODE_TXN_STATE_PARTITIONS,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'num.partitions': 1,
    'default.replication.factor': 1,
  };
  // Share groups (KIP-932) have their own internal topic from 4.0 on.
  if (v.major >= 4) props['share.coordinator.state.topic.replication.factor'] = 1;
  if (v.major >= 4) props['share.coordinator.state.topic.min.isr'] = 1;
  return props;
}

/** server.properties of a combined broker+controller KRaft node. */
export function kraftServerProperties(
  layout: NodeLayout & { readonly controllerPort: number },
  overrides: Properties = {},
): Properties {
  const { version: v, host, nodeId } = layout;
  const quorum: Properties = atLeast(v, 4, 0)
    ? // 4.x: a dynamic quorum (KIP-853) bootstrapped by `format --standalone`.
      { 'controller.quorum.bootstrap.servers': `${host}:${layout.controllerPort}` }
    : { 'controller.quorum.voters': `${nodeId}@${host}:${layout.controllerPort}` };
  return {
    'process.roles': 'broker,controller',
    'node.id': nodeId,
    ...quorum,
    listeners: `PLAINTEXT://${host}:${layout.port},CONTROLLER://${host}:${layout.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${layout.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': layout.logDir,
    ...singleNodeDefaults(v),
    ...overrides,
  };
}

/** server.properties of a ZooKeeper-mode broker (2.x, 3.x). */
export function zkServerProperties(
  layout: NodeLayout & { readonly zookeeperConnect: string },
  overrides: Properties = {},
): Properties {
  const { version: v, host } = layout;
  return {
    'broker.id': layout.nodeId,
    listeners: `PLAINTEXT://${host}:${layout.port}`,
    'advertised.listeners': `PLAINTEXT://${host}:${layout.port}`,
    'zookeeper.connect': layout.zookeeperConnect,
    'zookeeper.connection.timeout.ms': 30_000,
    'log.dirs': layout.logDir,
    ...singleNodeDefaults(v),
    ...overrides,
  };
}

/** zookeeper.properties of a standalone ZooKeeper for one broker. */
export function zooKeeperProperties(opts: {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
}): Properties {
  return {
    dataDir: opts.dataDir,
    clientPort: opts.port,
    clientPortAddress: opts.host,
    maxClientCnxns: 0,
    tickTime: 2000,
    // ZooKeeper 3.5+ would otherwise start an HTTP admin server on port 8080.
    'admin.enableServer': false,
    '4lw.commands.whitelist': 'ruok,srvr',
  };
}
