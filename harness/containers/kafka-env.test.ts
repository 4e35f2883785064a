import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaContainerEnv, propertyEnvName, quorumVoters } from './kafka-env.ts';

const layout = {
  nodeId: 2,
  clientPort: 41234,
  internalHost: 'kafka-2',
  voters: quorumVoters(3, (n) => `kafka-${n}`),
  brokers: 3,
  clusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
};

describe('propertyEnvName', () => {
  it('follows the apache/kafka image convention', () => {
    expect(propertyEnvName('advertised.listeners')).toBe('KAFKA_ADVERTISED_LISTENERS');
    expect(propertyEnvName('listener.name.internal.ssl_thing')).toBe('KAFKA_LISTENER_NAME_INTERNAL_SSL__THING');
    expect(propertyEnvName('some-dashed.key')).toBe('KAFKA_SOME___DASHED_KEY');
  });
});

describe('kafkaContainerEnv', () => {
  it('advertises the host-published client port on 127.0.0.1 and the network name inside', () => {
    const env = kafkaContainerEnv(layout);
    expect(env.CLUSTER_ID).toBe(layout.clusterId);
    expect(env.KAFKA_NODE_ID).toBe('2');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toBe('EXTERNAL://127.0.0.1:41234,INTERNAL://kafka-2:9092');
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('3');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('2');
  });

  it('lets overrides win', () => {
    expect(kafkaContainerEnv(layout, { 'min.insync.replicas': 2, 'num.partitions': 4 })).toMatchObject({
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_NUM_PARTITIONS: '4',
    });
  });

  it('round-trips through the entrypoint: every variable becomes its property again', () => {
    // The entrypoint's own name mapping, run by sh on exactly these variables.
    const script = readFileSync(join(import.meta.dirname, 'kafka-entrypoint.sh'), 'utf8');
    const fn = /property_name\(\) \{\n([\s\S]*?)\n\}/.exec(script)![1]!;
    const env = kafkaContainerEnv({ ...layout, clientPort: 5000 }, { 'some-dashed.key_x': 1 });
    const names = Object.keys(env).filter(
      (k) => k.startsWith('KAFKA_') && k !== 'KAFKA_HEAP_OPTS' && k !== 'KAFKA_OPTS',
    );
    const out = execFileSync(
      'sh',
      ['-c', `property_name() {\n${fn}\n}\nfor n in "$@"; do property_name "$n"; echo; done`, 'sh', ...names],
      { encoding: 'utf8' },
    );
    const props = out.trim().split('\n');
    expect(props).toContain('advertised.listeners');
    expect(props).toContain('controller.quorum.voters');
    expect(props).toContain('some-dashed.key_x');
    expect(props.map((p) => propertyEnvName(p))).toEqual(names);
  });
});
