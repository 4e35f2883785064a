import { describe, expect, it } from 'vitest';
import {
  clusterDefaults,
  controllerQuorumVoters,
  kraftClusterNodeProperties,
  zkClusterBrokerProperties,
} from './cluster-properties.ts';
import { parseKafkaVersion } from './kafka-version.ts';

const nodes = [1, 2, 3].map((id) => ({
  id,
  port: 9000 + id,
  controllerPort: 9100 + id,
  logDir: `/d/node-${id}/kafka-logs`,
}));
const input = (version: string, n = nodes) => ({ version: parseKafkaVersion(version), host: '127.0.0.1', nodes: n });

describe('clusterDefaults', () => {
  it('replicates internal topics as far as K allows: RF min(3,K), min.isr min(2,K)', () => {
    for (const [k, rf, isr] of [
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 2],
      [5, 3, 2],
    ] as const) {
      const p = clusterDefaults(parseKafkaVersion('4.4.0'), k);
      expect(p['default.replication.factor']).toBe(rf);
      expect(p['offsets.topic.replication.factor']).toBe(rf);
      expect(p['transaction.state.log.replication.factor']).toBe(rf);
      expect(p['transaction.state.log.min.isr']).toBe(isr);
      expect(p['share.coordinator.state.topic.replication.factor']).toBe(rf);
      expect(p['min.insync.replicas']).toBe(1);
      expect(p['group.initial.rebalance.delay.ms']).toBe(0);
    }
  });

  it('3.x and 2.x have no share coordinator settings', () => {
    expect(
      clusterDefaults(parseKafkaVersion('3.9.2'), 3)['share.coordinator.state.topic.replication.factor'],
    ).toBeUndefined();
  });
});

describe('kraftClusterNodeProperties', () => {
  it('every node names the same static voters and its own listeners', () => {
    const voters = '1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103';
    expect(controllerQuorumVoters('127.0.0.1', nodes)).toBe(voters);
    const p = kraftClusterNodeProperties(input('4.4.0'), 2);
    expect(p['node.id']).toBe(2);
    expect(p['process.roles']).toBe('broker,controller');
    expect(p['controller.quorum.voters']).toBe(voters);
    expect(p['controller.quorum.bootstrap.servers']).toBeUndefined();
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:9002,CONTROLLER://127.0.0.1:9102');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9002');
    expect(p['log.dirs']).toBe('/d/node-2/kafka-logs');
    expect(p['offsets.topic.replication.factor']).toBe(3);
  });

  it('lets overrides win, and rejects an unknown node or a node without a controller port', () => {
    expect(kraftClusterNodeProperties(input('3.9.2'), 1, { 'min.insync.replicas': 2 })['min.insync.replicas']).toBe(2);
    expect(() => kraftClusterNodeProperties(input('3.9.2'), 4)).toThrow(RangeError);
    expect(() => controllerQuorumVoters('127.0.0.1', [{ id: 1, port: 1, logDir: '/x' }])).toThrow(/no controller port/);
  });
});

describe('zkClusterBrokerProperties', () => {
  it('one ZooKeeper, a broker.id per node', () => {
    const p = zkClusterBrokerProperties({ ...input('2.7.0'), zookeeperConnect: '127.0.0.1:2181' }, 3);
    expect(p['broker.id']).toBe(3);
    expect(p['zookeeper.connect']).toBe('127.0.0.1:2181');
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:9003');
    expect(p['transaction.state.log.min.isr']).toBe(2);
    expect(p['process.roles']).toBeUndefined();
  });
});
