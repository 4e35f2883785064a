import { describe, expect, it } from 'vitest';
import { parseKafkaVersion } from './kafka-version.ts';
import {
  formatProperties,
  kraftServerProperties,
  zkServerProperties,
  zooKeeperProperties,
} from './server-properties.ts';

const layout = (version: string) => ({
  version: parseKafkaVersion(version),
  nodeId: 1,
  host: '127.0.0.1',
  port: 9092,
  logDir: '/d/logs',
});

describe('kraftServerProperties', () => {
  it('4.x: combined node on a dynamic quorum (format --standalone)', () => {
    const p = kraftServerProperties({ ...layout('4.4.0'), controllerPort: 9093 });
    expect(p['process.roles']).toBe('broker,controller');
    expect(p['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:9093');
    expect(p['controller.quorum.voters']).toBeUndefined();
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(p['controller.listener.names']).toBe('CONTROLLER');
    expect(p['share.coordinator.state.topic.replication.factor']).toBe(1);
    expect(p['offsets.topic.replication.factor']).toBe(1);
    expect(p['transaction.state.log.min.isr']).toBe(1);
    expect(p['group.initial.rebalance.delay.ms']).toBe(0);
    expect(p['log.dirs']).toBe('/d/logs');
  });

  it('3.x: static voters, no share coordinator settings', () => {
    const p = kraftServerProperties({ ...layout('3.9.2'), controllerPort: 9093 });
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:9093');
    expect(p['share.coordinator.state.topic.replication.factor']).toBeUndefined();
  });

  it('lets overrides win', () => {
    const p = kraftServerProperties({ ...layout('4.4.0'), controllerPort: 9093 }, { 'num.partitions': 3 });
    expect(p['num.partitions']).toBe(3);
  });
});

describe('zkServerProperties / zooKeeperProperties', () => {
  it('points the broker at its ZooKeeper', () => {
    const p = zkServerProperties({ ...layout('2.7.0'), zookeeperConnect: '127.0.0.1:2181' });
    expect(p['zookeeper.connect']).toBe('127.0.0.1:2181');
    expect(p['broker.id']).toBe(1);
    expect(p['process.roles']).toBeUndefined();
  });

  it('keeps ZooKeeper on loopback without its HTTP admin server', () => {
    const z = zooKeeperProperties({ host: '127.0.0.1', port: 2181, dataDir: '/d/zk' });
    expect(z.clientPortAddress).toBe('127.0.0.1');
    expect(z['admin.enableServer']).toBe(false);
  });
});

describe('formatProperties', () => {
  it('writes key=value lines and escapes backslashes and newlines', () => {
    expect(formatProperties({ a: 1, b: true, 'c.d': 'x\\y\nz' })).toBe('a=1\nb=true\nc.d=x\\\\y\\nz\n');
  });
});
