/**
 * A broker resource as DescribeConfigs answers it (Kafka 4.4's ConfigHelper.createBrokerConfigEntry):
 * every broker config Kafka knows (generated from Kafka's own answer), with this broker's value
 * where it has the setting and Kafka's default elsewhere. What kconform's Kafka start sets in
 * server.properties, the reference broker reports as static broker configs too, so the two
 * answer alike; the rest is static only when it differs from Kafka's default.
 */
import type { DescribeConfigsResponse } from '../../protocol/messages/generated/index.ts';
import { quorumConfig, type BrokerConfig } from '../config.ts';
import { ConfigSource } from '../topics/topic-config.ts';
import type { DescribeTopicOptions } from '../topics/topic-config-describe.ts';
import { BROKER_CONFIG_DEFS } from '../topics/generated/broker-config-defs.ts';

type Entry = DescribeConfigsResponse['results'][number]['configs'][number];

const INT_MAX = '2147483647';
/** Broker configs without a default of their own whose effect has one (log.retention.hours = 168). */
const EFFECTIVE_DEFAULTS: Readonly<Record<string, string>> = { 'log.retention.ms': '604800000' };
const LONG_MAX = '9223372036854775807';

/** This broker's values of the broker configs it has, and whether each is set at start (static). */
function brokerValues(config: BrokerConfig): Map<string, { value: string; alwaysStatic: boolean }> {
  const host = config.advertisedHost ?? config.host;
  const port = config.advertisedPort ?? config.port;
  const finite = (n: number, max: string) => (Number.isFinite(n) ? String(n) : max);
  const fixed: [string, string][] = [
    ['node.id', String(config.nodeId)],
    ['broker.id', String(config.nodeId)],
    ['process.roles', 'broker,controller'],
    ['listeners', `PLAINTEXT://${config.host}:${config.port}`],
    ['advertised.listeners', `PLAINTEXT://${host}:${port}`],
    ['num.partitions', String(config.numPartitions)],
    ['default.replication.factor', String(config.defaultReplicationFactor)],
    ['auto.create.topics.enable', String(config.autoCreateTopics)],
    ['offsets.topic.num.partitions', String(config.offsetsTopicPartitions)],
    ['offsets.topic.replication.factor', String(config.offsetsTopicReplicationFactor)],
    ['group.initial.rebalance.delay.ms', String(config.groupInitialRebalanceDelayMs)],
    ['min.insync.replicas', String(config.minInsyncReplicas)],
  ];
  if (config.dataDir) fixed.push(['log.dirs', config.dataDir]);
  const changed: [string, string][] = [
    ['message.max.bytes', String(config.messageMaxBytes)],
    ['log.segment.bytes', String(config.segmentBytes)],
    ['log.retention.bytes', String(config.retentionBytes)],
    ['log.retention.ms', String(config.retentionMs)],
    ['log.flush.interval.messages', finite(config.flushMessages, LONG_MAX)],
    ['log.retention.check.interval.ms', String(config.retentionCheckIntervalMs)],
    ['socket.request.max.bytes', String(config.socketRequestMaxBytes)],
    ['connections.max.idle.ms', String(config.connectionsMaxIdleMs)],
    ['max.connections', finite(config.maxConnections, INT_MAX)],
    ['max.connections.per.ip', finite(config.maxConnectionsPerIp, INT_MAX)],
    ['group.min.session.timeout.ms', String(config.groupMinSessionTimeoutMs)],
    ['group.max.session.timeout.ms', String(config.groupMaxSessionTimeoutMs)],
    ['replica.lag.time.max.ms', String(config.replicaLagTimeMaxMs)],
    ['replica.fetch.wait.max.ms', String(config.replicaFetchWaitMaxMs)],
    ['unclean.leader.election.enable', String(quorumConfig(config).uncleanLeaderElection)],
  ];
  const out = new Map<string, { value: string; alwaysStatic: boolean }>();
  for (const [name, value] of fixed) out.set(name, { value, alwaysStatic: true });
  for (const [name, value] of changed) out.set(name, { value, alwaysStatic: false });
  return out;
}

/**
 * The DescribeConfigs entries of this broker (`perBroker`, resource name = its id) or of the
 * cluster-wide default resource (empty name: only the dynamic cluster defaults, which here is
 * min.insync.replicas, as Kafka 4.4's controller records it at format time).
 */
export function describeBrokerConfigEntries(
  config: BrokerConfig,
  options: DescribeTopicOptions,
  perBroker: boolean,
): Entry[] {
  const wanted = options.keys && options.keys.length > 0 ? new Set(options.keys) : null;
  const values = brokerValues(config);
  const entries: Entry[] = [];
  for (const [name, dflt, configType, readOnly, isSensitive, doc] of BROKER_CONFIG_DEFS) {
    if (wanted && !wanted.has(name)) continue;
    const synonyms: Entry['synonyms'] = [];
    let value = dflt;
    if (name === 'min.insync.replicas') {
      value = String(config.minInsyncReplicas);
      synonyms.push({ name, value, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    } else if (!perBroker) continue;
    const own = values.get(name);
    if (perBroker && own && (own.alwaysStatic || own.value !== (EFFECTIVE_DEFAULTS[name] ?? dflt ?? ''))) {
      value = own.value;
      synonyms.push({ name, value, source: ConfigSource.STATIC_BROKER_CONFIG });
    }
    if (perBroker && dflt !== null) synonyms.push({ name, value: dflt, source: ConfigSource.DEFAULT_CONFIG });
    const hide = (v: string | null) => (isSensitive ? null : v);
    entries.push({
      name,
      value: hide(value),
      readOnly,
      configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive,
      synonyms: options.includeSynonyms ? synonyms.map((s) => ({ ...s, value: hide(s.value) })) : [],
      configType,
      documentation: options.includeDocumentation ? doc : null,
    });
  }
  return entries;
}
