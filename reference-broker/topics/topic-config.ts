/**
 * Kafka's topic-level configs (LogConfig of Kafka 4.4): their names, types, defaults and validators,
 * so the reference broker refuses what Kafka refuses (INVALID_CONFIG, with Kafka's message) and
 * describes a topic's effective configs the way Kafka's CreateTopics v5+ answer does (KIP-525).
 * The defaults and limits were read off Kafka 4.4.0 (its CreateTopics answer and a validateOnly
 * request per limit); `topic-config.test.ts` pins them.
 */
import { quorumConfig, type BrokerConfig } from '../config.ts';
import type { LogConfig } from '../log/index.ts';

type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list' | 'throttled-replicas';

/** One topic config as Kafka's ConfigDef defines it. */
export interface TopicConfigDef {
  readonly name: string;
  readonly type: ConfigType;
  /** Kafka's default, as Kafka prints it. */
  readonly defaultValue: string;
  readonly min?: number;
  readonly max?: number;
  /** Allowed values of a string (or of each item of a list), case-sensitive. */
  readonly oneOf?: readonly string[];
  /** compression.gzip.level: 1-9, or -1 for the codec's default. */
  readonly orMinusOne?: boolean;
}

const LONG_MAX = '9223372036854775807';
const MiB = 1024 * 1024;

/** Kafka 4.4's topic configs, sorted by name (the order Kafka answers them in). */
export const TOPIC_CONFIG_DEFS: readonly TopicConfigDef[] = [
  { name: 'cleanup.policy', type: 'list', defaultValue: 'delete', oneOf: ['compact', 'delete'] },
  { name: 'compression.gzip.level', type: 'int', defaultValue: '-1', min: 1, max: 9, orMinusOne: true },
  { name: 'compression.lz4.level', type: 'int', defaultValue: '9', min: 1, max: 17 },
  {
    name: 'compression.type',
    type: 'string',
    defaultValue: 'producer',
    oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
  },
  { name: 'compression.zstd.level', type: 'int', defaultValue: '3', min: -131072, max: 22 },
  { name: 'delete.retention.ms', type: 'long', defaultValue: '86400000', min: 0 },
  { name: 'errors.deadletterqueue.group.enable', type: 'boolean', defaultValue: 'false' },
  { name: 'file.delete.delay.ms', type: 'long', defaultValue: '60000', min: 0 },
  { name: 'flush.messages', type: 'long', defaultValue: LONG_MAX, min: 1 },
  { name: 'flush.ms', type: 'long', defaultValue: LONG_MAX, min: 0 },
  { name: 'follower.replication.throttled.replicas', type: 'throttled-replicas', defaultValue: '' },
  { name: 'index.interval.bytes', type: 'int', defaultValue: '4096', min: 0 },
  { name: 'leader.replication.throttled.replicas', type: 'throttled-replicas', defaultValue: '' },
  { name: 'local.retention.bytes', type: 'long', defaultValue: '-2', min: -2 },
  { name: 'local.retention.ms', type: 'long', defaultValue: '-2', min: -2 },
  { name: 'max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX, min: 1 },
  { name: 'max.decompressed.message.bytes', type: 'int', defaultValue: '2147483639', min: 1 },
  { name: 'max.message.bytes', type: 'int', defaultValue: '1048588', min: 0 },
  { name: 'message.timestamp.after.max.ms', type: 'long', defaultValue: '3600000', min: 0 },
  { name: 'message.timestamp.before.max.ms', type: 'long', defaultValue: LONG_MAX, min: 0 },
  {
    name: 'message.timestamp.type',
    type: 'string',
    defaultValue: 'CreateTime',
    oneOf: ['CreateTime', 'LogAppendTime'],
  },
  { name: 'min.cleanable.dirty.ratio', type: 'double', defaultValue: '0.5', min: 0, max: 1 },
  { name: 'min.compaction.lag.ms', type: 'long', defaultValue: '0', min: 0 },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', min: 1 },
  { name: 'preallocate', type: 'boolean', defaultValue: 'false' },
  { name: 'remote.copy.lag.bytes', type: 'long', defaultValue: '-1', min: -1 },
  { name: 'remote.copy.lag.ms', type: 'long', defaultValue: '0', min: -1 },
  { name: 'remote.log.copy.disable', type: 'boolean', defaultValue: 'false' },
  { name: 'remote.log.delete.on.disable', type: 'boolean', defaultValue: 'false' },
  { name: 'remote.storage.enable', type: 'boolean', defaultValue: 'false' },
  { name: 'retention.bytes', type: 'long', defaultValue: '-1' },
  { name: 'retention.ms', type: 'long', defaultValue: '604800000', min: -1 },
  { name: 'segment.bytes', type: 'int', defaultValue: String(1024 * MiB), min: MiB },
  { name: 'segment.index.bytes', type: 'int', defaultValue: String(10 * MiB), min: 4 },
  { name: 'segment.jitter.ms', type: 'long', defaultValue: '0', min: 0 },
  { name: 'segment.ms', type: 'long', defaultValue: '604800000', min: 1 },
  { name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: 'false' },
];

const DEFS = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

/** Whether `name` is a LIST config (IncrementalAlterConfigs may APPEND to and SUBTRACT from it). */
export function isListConfig(name: string): boolean {
  const t = DEFS.get(name)?.type;
  return t === 'list' || t === 'throttled-replicas';
}

/** Kafka's default of a topic config, undefined for a name Kafka does not know. */
export function topicConfigDefault(name: string): string | undefined {
  return DEFS.get(name)?.defaultValue;
}

/** Kafka's ConfigSource ids as DescribeConfigs and CreateTopics answer them. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** The topic configs the reference broker applies, and the LogConfig field each sets. */
const LOG_SETTINGS: Record<string, keyof LogConfig> = {
  'segment.bytes': 'segmentBytes',
  'retention.bytes': 'retentionBytes',
  'retention.ms': 'retentionMs',
  'index.interval.bytes': 'indexIntervalBytes',
  'flush.messages': 'flushMessages',
  'flush.ms': 'flushMs',
};

const INT_RANGE = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const LONG_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;

/** Java's Integer/Long.parseLong of a trimmed value, or undefined. */
function parseInteger(value: string, range: readonly [bigint, bigint]): number | undefined {
  const v = value.trim();
  if (!/^[+-]?\d+$/.test(v)) return undefined;
  const n = BigInt(v);
  return n < range[0] || n > range[1] ? undefined : Number(n);
}

/** Java's Double.parseDouble, near enough: a decimal or exponent number, optional d/f suffix. */
function parseDouble(value: string): number | undefined {
  const v = value.trim().replace(/[dDfF]$/, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) && !/^[+-]?(NaN|Infinity)$/.test(v)) return undefined;
  return Number(v);
}

/** Kafka's ConfigDef LIST parsing: trimmed, split on commas with the spaces around them; '' is the empty list. */
function parseList(value: string): string[] {
  const v = value.trim();
  return v === '' ? [] : v.split(/\s*,\s*/);
}

function invalid(name: string, value: string, why: string): string {
  return `Invalid value ${value} for configuration ${name}: ${why}`;
}

function rangeProblem(def: TopicConfigDef, value: string, n: number): string | null {
  if (def.orMinusOne && (n === -1 || (n >= def.min! && n <= def.max!))) return null;
  if (def.orMinusOne) return invalid(def.name, value, `Value must be between ${def.min} and ${def.max} or equal to -1`);
  if (def.min !== undefined && n < def.min) return invalid(def.name, value, `Value must be at least ${def.min}`);
  if (def.max !== undefined && n > def.max) return invalid(def.name, value, `Value must be no more than ${def.max}`);
  return null;
}

/** Why a topic config is refused (Kafka's INVALID_CONFIG message), or null. */
export function topicConfigProblem(name: string, value: string): string | null {
  const def = DEFS.get(name);
  if (!def) return `Unknown topic config name: ${name}`;
  switch (def.type) {
    case 'int':
    case 'long': {
      const n = parseInteger(value, def.type === 'int' ? INT_RANGE : LONG_RANGE);
      if (n === undefined) return invalid(name, value, `Not a number of type ${def.type.toUpperCase()}`);
      return rangeProblem(def, value, n);
    }
    case 'double': {
      const n = parseDouble(value);
      if (n === undefined) return invalid(name, value, 'Not a number of type DOUBLE');
      return rangeProblem(def, value, n);
    }
    case 'boolean': {
      const v = value.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') return invalid(name, value, 'Expected value to be either true or false');
      // Kafka's controller refuses remote storage when the broker has no tiered storage, as here.
      if (name === 'remote.storage.enable' && v === 'true')
        return 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.';
      return null;
    }
    case 'string':
      return def.oneOf!.includes(value.trim())
        ? null
        : invalid(name, value, `String must be one of: ${def.oneOf!.join(', ')}`);
    case 'list':
      return parseList(value).every((item) => def.oneOf!.includes(item))
        ? null
        : invalid(name, value, `String must be one of: ${def.oneOf!.join(', ')}`);
    case 'throttled-replicas': {
      const items = parseList(value);
      const ok = (items.length === 1 && items[0] === '*') || items.every((item) => /^\d+:\d+$/.test(item));
      return ok
        ? null
        : invalid(
            name,
            `[${items.join(', ')}]`,
            `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`,
          );
    }
  }
}

/** Why a topic's configs are refused as a whole (each one, then Kafka's checks across configs), or null. */
export function topicConfigsProblem(configs: ReadonlyMap<string, string>): string | null {
  for (const [name, value] of configs) {
    const bad = topicConfigProblem(name, value);
    if (bad) return bad;
  }
  const minLag = configs.get('min.compaction.lag.ms');
  const maxLag = configs.get('max.compaction.lag.ms');
  if (minLag !== undefined && maxLag !== undefined && Number(minLag) > Number(maxLag)) {
    return `conflict topic config setting min.compaction.lag.ms (${minLag.trim()}) > max.compaction.lag.ms (${maxLag.trim()})`;
  }
  return null;
}

/** A topic config as CreateTopics v5+ answers it. */
export interface DescribedTopicConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}

/** A broker-level value of a topic config and where it comes from. */
export interface BrokerTopicDefault {
  value: string;
  source: number;
}

/**
 * The broker settings that stand in for topic config defaults (log.segment.bytes for
 * segment.bytes and so on). One the operator left at Kafka's default is reported as Kafka's
 * default; one changed is a static broker config. min.insync.replicas is always a cluster-wide
 * dynamic default, as Kafka 4.4 reports it (its controller writes a cluster-level record for it).
 */
export function brokerTopicDefaults(config: BrokerConfig): Map<string, BrokerTopicDefault> {
  const settings: [string, string][] = [
    ['segment.bytes', String(config.segmentBytes)],
    ['retention.bytes', String(config.retentionBytes)],
    ['retention.ms', String(config.retentionMs)],
    ['flush.messages', Number.isFinite(config.flushMessages) ? String(config.flushMessages) : LONG_MAX],
    ['max.message.bytes', String(config.messageMaxBytes)],
    ['unclean.leader.election.enable', String(quorumConfig(config).uncleanLeaderElection)],
  ];
  const out = new Map<string, BrokerTopicDefault>();
  for (const [name, value] of settings) {
    if (value !== DEFS.get(name)!.defaultValue) out.set(name, { value, source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  out.set('min.insync.replicas', {
    value: String(config.minInsyncReplicas),
    source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
  });
  return out;
}

/**
 * The effective configs of a topic created with `configs`, sorted by name, as Kafka's
 * ReplicationControlManager puts them in a CreateTopics answer: the topic's own values as given,
 * else the broker's, else Kafka's defaults.
 */
export function describeTopicConfigs(
  configs: ReadonlyMap<string, string>,
  brokerDefaults: ReadonlyMap<string, BrokerTopicDefault> = new Map(),
): DescribedTopicConfig[] {
  return TOPIC_CONFIG_DEFS.map((def) => {
    const own = configs.get(def.name);
    const broker = brokerDefaults.get(def.name);
    const [value, configSource] =
      own !== undefined
        ? [own, ConfigSource.DYNAMIC_TOPIC_CONFIG]
        : broker
          ? [broker.value, broker.source]
          : [def.defaultValue, ConfigSource.DEFAULT_CONFIG];
    return { name: def.name, value, readOnly: false, configSource, isSensitive: false };
  });
}

/** The log settings a topic's configs override (the rest come from the broker). */
export function logOverrides(configs: ReadonlyMap<string, string>): Partial<LogConfig> {
  const out: Partial<Record<keyof LogConfig, number>> = {};
  for (const [name, field] of Object.entries(LOG_SETTINGS)) {
    const v = configs.get(name);
    if (v === undefined) continue;
    const n = Number(v.trim());
    // Kafka takes any negative retention.bytes as "no limit"; the log knows that as -1.
    out[field] = field === 'retentionBytes' && n < 0 ? -1 : n;
  }
  return out as Partial<LogConfig>;
}

/** min.insync.replicas of a topic, else the broker's. */
export function minInsyncReplicas(configs: ReadonlyMap<string, string>, brokerDefault: number): number {
  const v = configs.get('min.insync.replicas');
  return v === undefined ? brokerDefault : Number(v);
}

/** max.message.bytes of a topic, else the broker's message.max.bytes. */
export function maxMessageBytes(configs: ReadonlyMap<string, string>, brokerDefault: number): number {
  const v = configs.get('max.message.bytes');
  return v === undefined ? brokerDefault : Number(v);
}
