import { describe, expect, it } from 'vitest';
import { defaultBrokerConfig } from '../config.ts';
import {
  brokerTopicDefaults,
  ConfigSource,
  describeTopicConfigs,
  logOverrides,
  maxMessageBytes,
  topicConfigProblem,
  topicConfigsProblem,
} from './topic-config.ts';

/**
 * What Kafka 4.4.0 answered to a validateOnly CreateTopics with one config (40 = INVALID_CONFIG),
 * recorded against a real broker while writing topic-config.ts.
 */
const KAFKA_4_4_VERDICTS: [string, string, 'ok' | 'invalid'][] = [
  ['cleanup.policy', 'compact,delete', 'ok'],
  ['cleanup.policy', 'delete, compact', 'ok'],
  ['cleanup.policy', '', 'ok'],
  ['cleanup.policy', 'lots', 'invalid'],
  ['cleanup.policy', '60000', 'invalid'],
  ['cleanup.policy', 'DELETE', 'invalid'],
  ['compression.gzip.level', '-1', 'ok'],
  ['compression.gzip.level', '0', 'invalid'],
  ['compression.gzip.level', '9', 'ok'],
  ['compression.gzip.level', '10', 'invalid'],
  ['compression.lz4.level', '0', 'invalid'],
  ['compression.lz4.level', '17', 'ok'],
  ['compression.lz4.level', '18', 'invalid'],
  ['compression.type', 'uncompressed', 'ok'],
  ['compression.type', 'none', 'invalid'],
  ['compression.type', 'GZIP', 'invalid'],
  ['compression.zstd.level', '-131073', 'invalid'],
  ['compression.zstd.level', '-131072', 'ok'],
  ['compression.zstd.level', '23', 'invalid'],
  ['delete.retention.ms', '-1', 'invalid'],
  ['delete.retention.ms', ' 5 ', 'ok'],
  ['errors.deadletterqueue.group.enable', 'TRUE', 'ok'],
  ['errors.deadletterqueue.group.enable', 'yes', 'invalid'],
  ['errors.deadletterqueue.group.enable', '', 'invalid'],
  ['flush.messages', '0', 'invalid'],
  ['flush.ms', '0', 'ok'],
  ['follower.replication.throttled.replicas', '*', 'ok'],
  ['follower.replication.throttled.replicas', '0:1,1:2', 'ok'],
  ['follower.replication.throttled.replicas', '0', 'invalid'],
  ['index.interval.bytes', '2147483648', 'invalid'],
  ['index.interval.bytes', '0', 'ok'],
  ['local.retention.ms', '-3', 'invalid'],
  ['local.retention.ms', '-2', 'ok'],
  ['max.decompressed.message.bytes', '0', 'invalid'],
  ['max.message.bytes', '0', 'ok'],
  ['message.timestamp.type', 'LogAppendTime', 'ok'],
  ['message.timestamp.type', 'createtime', 'invalid'],
  ['min.cleanable.dirty.ratio', '1', 'ok'],
  ['min.cleanable.dirty.ratio', '1.1', 'invalid'],
  ['min.cleanable.dirty.ratio', 'x', 'invalid'],
  ['min.insync.replicas', '0', 'invalid'],
  ['min.insync.replicas', '5', 'ok'],
  ['remote.copy.lag.ms', '-1', 'ok'],
  ['remote.copy.lag.bytes', '-2', 'invalid'],
  ['remote.storage.enable', 'true', 'invalid'],
  ['remote.storage.enable', 'false', 'ok'],
  ['retention.bytes', '-2', 'ok'],
  ['retention.ms', '-2', 'invalid'],
  ['retention.ms', 'lots', 'invalid'],
  ['retention.ms', '9223372036854775808', 'invalid'],
  ['segment.bytes', '1048575', 'invalid'],
  ['segment.bytes', '1048576', 'ok'],
  ['segment.index.bytes', '3', 'invalid'],
  ['segment.ms', '0', 'invalid'],
  ['unclean.leader.election.enable', 'x', 'invalid'],
  ['no.such.config', '1', 'invalid'],
  ['message.format.version', '3.0', 'invalid'],
];

describe('topic configs', () => {
  it.each(KAFKA_4_4_VERDICTS)('%s=%j is %s, as in Kafka 4.4', (name, value, verdict) => {
    const problem = topicConfigProblem(name, value);
    if (verdict === 'ok') expect(problem).toBeNull();
    else expect(problem).not.toBeNull();
  });

  it("words refusals as Kafka's ConfigDef does", () => {
    expect(topicConfigProblem('no.such.config', '1')).toBe('Unknown topic config name: no.such.config');
    expect(topicConfigProblem('segment.bytes', 'lots')).toBe(
      'Invalid value lots for configuration segment.bytes: Not a number of type INT',
    );
    expect(topicConfigProblem('compression.gzip.level', '0')).toBe(
      'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1',
    );
    expect(topicConfigProblem('cleanup.policy', 'lots')).toBe(
      'Invalid value lots for configuration cleanup.policy: String must be one of: compact, delete',
    );
  });

  it('refuses a min compaction lag above the max one', () => {
    expect(
      topicConfigsProblem(
        new Map([
          ['min.compaction.lag.ms', '10'],
          ['max.compaction.lag.ms', '5'],
        ]),
      ),
    ).toMatch(/min.compaction.lag.ms \(10\) > max.compaction.lag.ms \(5\)/);
    expect(
      topicConfigsProblem(
        new Map([
          ['min.compaction.lag.ms', '5'],
          ['max.compaction.lag.ms', '10'],
        ]),
      ),
    ).toBeNull();
  });

  it('describes a new topic as Kafka 4.4.0 does: every config, sorted, defaults from LogConfig', () => {
    const described = describeTopicConfigs(
      new Map([['retention.ms', '60000']]),
      brokerTopicDefaults(defaultBrokerConfig()),
    );
    expect(described.map((c) => c.name)).toEqual([...described.map((c) => c.name)].sort());
    expect(described).toHaveLength(37);
    const byName = new Map(described.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toEqual({
      name: 'retention.ms',
      value: '60000',
      readOnly: false,
      configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      isSensitive: false,
    });
    expect(byName.get('segment.bytes')).toMatchObject({
      value: '1073741824',
      configSource: ConfigSource.DEFAULT_CONFIG,
    });
    expect(byName.get('flush.messages')).toMatchObject({
      value: '9223372036854775807',
      configSource: ConfigSource.DEFAULT_CONFIG,
    });
    expect(byName.get('max.message.bytes')).toMatchObject({
      value: '1048588',
      configSource: ConfigSource.DEFAULT_CONFIG,
    });
    expect(byName.get('follower.replication.throttled.replicas')).toMatchObject({ value: '' });
    // Kafka 4.4 reports min.insync.replicas as a cluster-wide dynamic default
    expect(byName.get('min.insync.replicas')).toMatchObject({
      value: '1',
      configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    });
  });

  it('reports a broker setting changed from Kafka default as a static broker config', () => {
    const described = describeTopicConfigs(
      new Map(),
      brokerTopicDefaults(defaultBrokerConfig({ retentionMs: 1000, minInsyncReplicas: 2 })),
    );
    const byName = new Map(described.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({
      value: '1000',
      configSource: ConfigSource.STATIC_BROKER_CONFIG,
    });
    expect(byName.get('min.insync.replicas')).toMatchObject({
      value: '2',
      configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    });
  });

  it('maps the applied ones to log settings', () => {
    const configs = new Map([
      ['retention.ms', '60000'],
      ['segment.bytes', '1048576'],
      ['max.message.bytes', '2048'],
      ['cleanup.policy', 'delete'],
    ]);
    expect(logOverrides(configs)).toEqual({ retentionMs: 60000, segmentBytes: 1048576 });
    // any negative retention.bytes means no limit in Kafka
    expect(logOverrides(new Map([['retention.bytes', '-2']]))).toEqual({ retentionBytes: -1 });
    expect(maxMessageBytes(configs, 1)).toBe(2048);
    expect(maxMessageBytes(new Map(), 7)).toBe(7);
  });
});
