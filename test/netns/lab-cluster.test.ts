/**
 * startClusterInLab without any broker: the cluster gets the lab as its network and the faults
 * reach the lab; a cluster that fails to start takes its lab with it; a network that lacks a
 * node, or ZooKeeper mode, is refused before anything starts.
 */
import { describe, expect, it } from 'vitest';
import { startKafkaCluster } from '../../harness/kafka-dist/kafka-cluster.ts';
import { startClusterInLab, startKafkaClusterInLab } from '../../harness/netns/lab-cluster.ts';
import type { NetworkLab } from '../../harness/netns/network-lab.ts';
import { labLeftovers, netnsSkipReason } from './lab-support.ts';

const skip = netnsSkipReason();

/** A cluster of no processes: enough for the lab and the fault wiring. */
const emptyCluster = (stopped: string[]) => ({
  label: 'empty',
  bootstrap: '',
  nodes: [],
  restartTimeoutMs: 1_000,
  nodeProcess: (id: number): never => {
    throw new RangeError(`no node ${id}`);
  },
  stop: async () => void stopped.push('cluster'),
});

describe.skipIf(skip)('startClusterInLab', () => {
  it('hands the lab to the cluster and to the faults, and stops the cluster before the lab', async () => {
    const stopped: string[] = [];
    let seen: NetworkLab | undefined;
    const lc = await startClusterInLab({ nodes: 2 }, async (lab) => {
      seen = lab;
      return emptyCluster(stopped);
    });
    expect(seen).toBe(lc.lab);
    expect(lc.faults.supported.has('partition')).toBe(true);
    await lc.faults.partition([[1], [2]]);
    await lc.faults.cutClient(2);
    await lc.faults.healNetwork();
    await lc.stop();
    await lc.stop();
    expect(stopped).toEqual(['cluster']);
    expect(labLeftovers(lc.lab)).toEqual([]);
    await expect(lc.lab.partition([[1], [2]])).rejects.toThrow(/destroyed/);
  });

  it('removes the lab when the cluster fails to start', async () => {
    let lab: NetworkLab | undefined;
    await expect(
      startClusterInLab({ nodes: 1 }, async (l) => {
        lab = l;
        throw new Error('no cluster today');
      }),
    ).rejects.toThrow('no cluster today');
    expect(labLeftovers(lab!)).toEqual([]);
  });

  it('refuses ZooKeeper mode and a network without a host for every node, before starting anything', async () => {
    await expect(startKafkaClusterInLab({ version: '3.9.2', brokers: 1, mode: 'zookeeper' })).rejects.toThrow(
      /KRaft mode only/,
    );
    const lc = await startClusterInLab({ nodes: 2 }, async () => emptyCluster([]));
    try {
      await expect(startKafkaCluster({ version: '4.4.0', brokers: 3, network: lc.lab })).rejects.toThrow(
        /node 3 is not in the lab/,
      );
    } finally {
      await lc.stop();
    }
  });
});
