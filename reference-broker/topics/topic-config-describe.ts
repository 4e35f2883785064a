/**
 * A topic's configs as DescribeConfigs answers them (Kafka 4.4's ConfigHelper.createTopicConfigEntry):
 * every topic config with its effective value, where that value comes from, its synonyms (the
 * topic's own value, then the broker configs that stand in for it, highest priority first), its
 * type and, on request, its documentation. Checked against Kafka 4.4.0's answers (conform's
 * DescribeConfigs cases).
 */
import type { DescribeConfigsResponse } from '../../protocol/messages/generated/index.ts';
import { TOPIC_CONFIG_DOCS } from './generated/topic-config-docs.ts';
import { ConfigSource, TOPIC_CONFIG_DEFS, type BrokerTopicDefault, type TopicConfigDef } from './topic-config.ts';

type Entry = DescribeConfigsResponse['results'][number]['configs'][number];
type Synonym = Entry['synonyms'][number];

/** DescribeConfigsResponse.ConfigType ids. */
const CONFIG_TYPE: Record<TopicConfigDef['type'], number> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
  'throttled-replicas': 7,
};

/**
 * The broker config standing in for each topic config (Kafka's ServerTopicConfigSynonyms, the
 * first of each list), and whether Kafka has a default for it: a broker config without a default
 * (log.retention.ms, log.roll.ms...) is listed only when the broker sets it.
 */
const BROKER_SYNONYMS: Readonly<Record<string, { name: string; hasDefault: boolean }>> = {
  'cleanup.policy': { name: 'log.cleanup.policy', hasDefault: true },
  'compression.gzip.level': { name: 'compression.gzip.level', hasDefault: true },
  'compression.lz4.level': { name: 'compression.lz4.level', hasDefault: true },
  'compression.type': { name: 'compression.type', hasDefault: true },
  'compression.zstd.level': { name: 'compression.zstd.level', hasDefault: true },
  'delete.retention.ms': { name: 'log.cleaner.delete.retention.ms', hasDefault: true },
  'file.delete.delay.ms': { name: 'log.segment.delete.delay.ms', hasDefault: true },
  'flush.messages': { name: 'log.flush.interval.messages', hasDefault: true },
  'flush.ms': { name: 'log.flush.interval.ms', hasDefault: false },
  'index.interval.bytes': { name: 'log.index.interval.bytes', hasDefault: true },
  'local.retention.bytes': { name: 'log.local.retention.bytes', hasDefault: true },
  'local.retention.ms': { name: 'log.local.retention.ms', hasDefault: true },
  'max.compaction.lag.ms': { name: 'log.cleaner.max.compaction.lag.ms', hasDefault: true },
  'max.decompressed.message.bytes': { name: 'max.decompressed.message.bytes', hasDefault: true },
  'max.message.bytes': { name: 'message.max.bytes', hasDefault: true },
  'message.timestamp.after.max.ms': { name: 'log.message.timestamp.after.max.ms', hasDefault: true },
  'message.timestamp.before.max.ms': { name: 'log.message.timestamp.before.max.ms', hasDefault: true },
  'message.timestamp.type': { name: 'log.message.timestamp.type', hasDefault: true },
  'min.cleanable.dirty.ratio': { name: 'log.cleaner.min.cleanable.ratio', hasDefault: true },
  'min.compaction.lag.ms': { name: 'log.cleaner.min.compaction.lag.ms', hasDefault: true },
  'min.insync.replicas': { name: 'min.insync.replicas', hasDefault: true },
  preallocate: { name: 'log.preallocate', hasDefault: true },
  'remote.copy.lag.bytes': { name: 'log.remote.copy.lag.bytes', hasDefault: true },
  'remote.copy.lag.ms': { name: 'log.remote.copy.lag.ms', hasDefault: true },
  'retention.bytes': { name: 'log.retention.bytes', hasDefault: true },
  'retention.ms': { name: 'log.retention.ms', hasDefault: false },
  'segment.bytes': { name: 'log.segment.bytes', hasDefault: true },
  'segment.index.bytes': { name: 'log.index.size.max.bytes', hasDefault: true },
  'segment.jitter.ms': { name: 'log.roll.jitter.ms', hasDefault: false },
  'segment.ms': { name: 'log.roll.ms', hasDefault: false },
  'unclean.leader.election.enable': { name: 'unclean.leader.election.enable', hasDefault: true },
};

/**
 * The order Kafka 4.4.0 lists topic configs in (its LogConfig's values as a Scala hash map
 * iterates them; the same for every topic). kafka-topics --describe prints a topic's configs in
 * the order of the answer, so this order is observable.
 */
const KAFKA_ORDER: readonly string[] = [
  'compression.type',
  'errors.deadletterqueue.group.enable',
  'remote.copy.lag.bytes',
  'remote.log.delete.on.disable',
  'leader.replication.throttled.replicas',
  'remote.storage.enable',
  'min.insync.replicas',
  'segment.jitter.ms',
  'remote.log.copy.disable',
  'local.retention.ms',
  'cleanup.policy',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'compression.lz4.level',
  'segment.bytes',
  'retention.ms',
  'compression.gzip.level',
  'remote.copy.lag.ms',
  'flush.messages',
  'compression.zstd.level',
  'max.compaction.lag.ms',
  'file.delete.delay.ms',
  'max.message.bytes',
  'min.compaction.lag.ms',
  'message.timestamp.type',
  'local.retention.bytes',
  'preallocate',
  'index.interval.bytes',
  'min.cleanable.dirty.ratio',
  'unclean.leader.election.enable',
  'retention.bytes',
  'delete.retention.ms',
  'message.timestamp.after.max.ms',
  'max.decompressed.message.bytes',
  'message.timestamp.before.max.ms',
  'segment.ms',
  'segment.index.bytes',
];

const DEFS_IN_KAFKA_ORDER: readonly TopicConfigDef[] = [...TOPIC_CONFIG_DEFS].sort(
  (a, b) => KAFKA_ORDER.indexOf(a.name) - KAFKA_ORDER.indexOf(b.name),
);

/** What a DescribeConfigs resource asks for. */
export interface DescribeTopicOptions {
  /** Only these keys (unknown ones are left out); null or empty: every config. */
  keys: readonly string[] | null;
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

function synonymsOf(def: TopicConfigDef, own: string | undefined, broker: BrokerTopicDefault | undefined): Synonym[] {
  const list: Synonym[] = [];
  if (own !== undefined) list.push({ name: def.name, value: own, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
  const synonym = BROKER_SYNONYMS[def.name];
  if (!synonym) return list;
  if (broker) list.push({ name: synonym.name, value: broker.value, source: broker.source });
  // kconform's Kafka start sets min.insync.replicas in server.properties; the reference broker
  // has it from its own start options, so it reports the same static broker config under the
  // dynamic cluster default Kafka 4.4's format writes.
  if (def.name === 'min.insync.replicas' && broker)
    list.push({ name: synonym.name, value: broker.value, source: ConfigSource.STATIC_BROKER_CONFIG });
  if (synonym.hasDefault)
    list.push({ name: synonym.name, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
  return list;
}

/** The DescribeConfigs entries of a topic with `own` configs on a broker whose topic defaults are `brokerDefaults`. */
export function describeTopicConfigEntries(
  own: ReadonlyMap<string, string>,
  brokerDefaults: ReadonlyMap<string, BrokerTopicDefault>,
  options: DescribeTopicOptions,
): Entry[] {
  const wanted = options.keys && options.keys.length > 0 ? new Set(options.keys) : null;
  return DEFS_IN_KAFKA_ORDER.filter((def) => !wanted || wanted.has(def.name)).map((def) => {
    const value = own.get(def.name);
    const broker = brokerDefaults.get(def.name);
    const synonyms = synonymsOf(def, value, broker);
    return {
      name: def.name,
      value: value ?? broker?.value ?? def.defaultValue,
      readOnly: false,
      configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive: false,
      synonyms: options.includeSynonyms ? synonyms : [],
      configType: CONFIG_TYPE[def.type],
      documentation: options.includeDocumentation ? (TOPIC_CONFIG_DOCS.get(def.name) ?? null) : null,
    };
  });
}
