import { describe, expect, it } from 'vitest';
import { defaultBrokerConfig } from '../config.ts';
import { brokerTopicDefaults } from './topic-config.ts';
import { describeTopicConfigEntries } from './topic-config-describe.ts';

const all = { keys: null, includeSynonyms: true, includeDocumentation: false };

describe('a topic in DescribeConfigs (as Kafka 4.4.0 answers with its defaults)', () => {
  const own = new Map([
    ['retention.ms', '60000'],
    ['cleanup.policy', 'compact,delete'],
  ]);
  const entries = describeTopicConfigEntries(own, brokerTopicDefaults(defaultBrokerConfig()), all);
  const entry = (name: string) => entries.find((e) => e.name === name);

  it('lists all 37 topic configs, own values first among the synonyms, then the broker config and its default', () => {
    expect(entries).toHaveLength(37);
    expect(entry('cleanup.policy')).toEqual({
      name: 'cleanup.policy',
      value: 'compact,delete',
      readOnly: false,
      configSource: 1,
      isSensitive: false,
      synonyms: [
        { name: 'cleanup.policy', value: 'compact,delete', source: 1 },
        { name: 'log.cleanup.policy', value: 'delete', source: 5 },
      ],
      configType: 7,
      documentation: null,
    });
    // log.retention.ms has no default of its own in Kafka: no broker synonym
    expect(entry('retention.ms')?.synonyms).toEqual([{ name: 'retention.ms', value: '60000', source: 1 }]);
    expect(entry('segment.ms')).toMatchObject({ value: '604800000', configSource: 5, synonyms: [], configType: 5 });
    expect(entry('min.insync.replicas')).toMatchObject({
      value: '1',
      configSource: 3,
      synonyms: [
        { name: 'min.insync.replicas', value: '1', source: 3 },
        { name: 'min.insync.replicas', value: '1', source: 4 },
        { name: 'min.insync.replicas', value: '1', source: 5 },
      ],
    });
    expect(entry('errors.deadletterqueue.group.enable')).toMatchObject({ synonyms: [], configType: 1 });
  });

  it('a broker setting that differs from Kafka is a static broker config; keys filter; documentation on request', () => {
    const defaults = brokerTopicDefaults(defaultBrokerConfig({ segmentBytes: 2_000_000 }));
    const [segment] = describeTopicConfigEntries(new Map(), defaults, {
      keys: ['segment.bytes', 'no.such'],
      includeSynonyms: true,
      includeDocumentation: true,
    });
    expect(segment).toMatchObject({
      name: 'segment.bytes',
      value: '2000000',
      configSource: 4,
      synonyms: [
        { name: 'log.segment.bytes', value: '2000000', source: 4 },
        { name: 'log.segment.bytes', value: '1073741824', source: 5 },
      ],
    });
    expect(segment?.documentation).toMatch(/segment file size/);
    expect(describeTopicConfigEntries(new Map(), defaults, { ...all, keys: ['no.such'] })).toEqual([]);
    expect(describeTopicConfigEntries(own, defaults, { ...all, includeSynonyms: false })[0]?.synonyms).toEqual([]);
  });
});
