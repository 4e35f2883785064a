import { describe, expect, it } from 'vitest';
import { kraftClusterNodeProperties } from './cluster-properties.ts';
import { parseKafkaVersion } from './kafka-version.ts';
import {
  launchOn,
  NETWORK_BROKER_PORT,
  NETWORK_CONTROLLER_PORT,
  networkHosts,
  type NodeNetwork,
} from './node-network.ts';

/** A network of two hosts that runs commands through a fake `netns-exec`. */
const network: NodeNetwork = {
  node(id) {
    if (id !== 1 && id !== 2) throw new RangeError(`node ${id} is not in the lab`);
    return { address: `10.0.0.${10 + id}`, command: (cmd, args = []) => ['netns-exec', [`ns-${id}`, cmd, ...args]] };
  },
};

describe('launchOn', () => {
  it('wraps the command for the node host and keeps cwd and env', () => {
    const launch = { command: 'java', args: ['-cp', 'lib/*', 'kafka.Kafka'], cwd: '/d/node-2', env: { A: '1' } };
    expect(launchOn(network.node(2), launch)).toEqual({
      command: 'netns-exec',
      args: ['ns-2', 'java', '-cp', 'lib/*', 'kafka.Kafka'],
      cwd: '/d/node-2',
      env: { A: '1' },
    });
  });

  it('leaves a launch without a host alone', () => {
    const launch = { command: 'java', args: [], cwd: '/d' };
    expect(launchOn(undefined, launch)).toBe(launch);
  });
});

describe('networkHosts', () => {
  it('finds every node up front, and fails for one the network lacks', () => {
    expect([...networkHosts(network, [1, 2]).values()].map((h) => h.address)).toEqual(['10.0.0.11', '10.0.0.12']);
    expect(() => networkHosts(network, [1, 2, 3])).toThrow(RangeError);
  });
});

describe('KRaft properties of nodes on their own hosts', () => {
  it('each node listens and advertises on its own address; the voters name every address', () => {
    const nodes = [1, 2, 3].map((id) => ({
      id,
      host: `10.0.0.${10 + id}`,
      port: NETWORK_BROKER_PORT,
      controllerPort: NETWORK_CONTROLLER_PORT,
      logDir: `/d/${id}`,
    }));
    const p = kraftClusterNodeProperties({ version: parseKafkaVersion('4.4.0'), host: '127.0.0.1', nodes }, 2);
    expect(p['controller.quorum.voters']).toBe('1@10.0.0.11:9093,2@10.0.0.12:9093,3@10.0.0.13:9093');
    expect(p.listeners).toBe('PLAINTEXT://10.0.0.12:9092,CONTROLLER://10.0.0.12:9093');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://10.0.0.12:9092');
  });
});
