import type { LogConfig } from '../log/index.ts';

/** Kafka's topic-level config names (TopicConfig in Kafka 4.x). Others are INVALID_CONFIG, as in Kafka. */
const KAFKA_TOPIC_CONFIGS = new Set([
  'cleanup.policy', 'compression.type', 'compression.gzip.level', 'compression.lz4.level', 'compression.zstd.level',
  'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas',
  'index.interval.bytes', 'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
  'max.compaction.lag.ms', 'max.message.bytes', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms',
  'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate',
  'remote.storage.enable', 'remote.log.copy.disable', 'remote.log.delete.on.disable', 'retention.bytes', 'retention.ms',
  'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
]);

/** The topic configs the reference broker applies, and the LogConfig field each sets. */
const LOG_SETTINGS: Record<string, { field: keyof LogConfig; min: number }> = {
  'segment.bytes': { field: 'segmentBytes', min: 14 },
  'retention.bytes': { field: 'retentionBytes', min: -1 },
  'retention.ms': { field: 'retentionMs', min: -1 },
  'index.interval.bytes': { field: 'indexIntervalBytes', min: 0 },
  'flush.messages': { field: 'flushMessages', min: 1 },
  'flush.ms': { field: 'flushMs', min: 0 },
};

/** Why a topic config is refused (Kafka's INVALID_CONFIG message), or null. */
export function topicConfigProblem(name: string, value: string): string | null {
  if (!KAFKA_TOPIC_CONFIGS.has(name)) return `Unknown topic config name: ${name}`;
  const numeric = LOG_SETTINGS[name] ?? (name === 'max.message.bytes' ? { min: 0 } : name === 'min.insync.replicas' ? { min: 1 } : undefined);
  if (numeric) {
    if (!/^-?\d+$/.test(value)) return `Invalid value ${value} for configuration ${name}: Not a number of type LONG`;
    if (Number(value) < numeric.min) return `Invalid value ${value} for configuration ${name}: Value must be at least ${numeric.min}`;
  }
  return null;
}

/** The log settings a topic's configs override (the rest come from the broker). */
export function logOverrides(configs: ReadonlyMap<string, string>): Partial<LogConfig> {
  const out: Partial<Record<keyof LogConfig, number>> = {};
  for (const [name, s] of Object.entries(LOG_SETTINGS)) {
    const v = configs.get(name);
    if (v !== undefined) out[s.field] = Number(v);
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
