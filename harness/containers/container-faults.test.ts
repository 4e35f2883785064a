import { describe, expect, it } from 'vitest';
import { FaultUnavailableError } from '../nemesis/fault-control.ts';
import { containerFaults, type ContainerOps } from './container-faults.ts';

function setup(clustered = false) {
  const calls: string[] = [];
  const ops: ContainerOps = {
    kill: async (c) => void calls.push(`kill ${c}`),
    start: async (c) => void calls.push(`start ${c}`),
    stop: async (c, t) => void calls.push(`stop ${c} ${t}`),
    pause: async (c) => void calls.push(`pause ${c}`),
    unpause: async (c) => void calls.push(`unpause ${c}`),
    disconnect: async (n, c) => void calls.push(`disconnect ${n} ${c}`),
    connect: async (n, c, a) => void calls.push(`connect ${n} ${c} ${a.join('+')}`),
    createNetwork: async (suffix) => {
      calls.push(`create ${suffix}`);
      return `net-${suffix}`;
    },
    removeNetwork: async (n) => void calls.push(`remove ${n}`),
  };
  const cluster = (id: number) => (clustered ? { clusterNetwork: { id: 'cluster', aliases: [`kafka-${id}`] } } : {});
  const faults = containerFaults({
    nodes: [
      { id: 1, containerId: 'c1', clientNetworks: [{ id: 'podman', aliases: ['c1short'] }], ...cluster(1) },
      { id: 2, containerId: 'c2', clientNetworks: [{ id: 'podman', aliases: [] }], ...cluster(2) },
      { id: 3, containerId: 'c3', clientNetworks: [{ id: 'podman', aliases: [] }], ...cluster(3) },
    ],
    ops,
    waitReady: async (id) => void calls.push(`ready ${id}`),
    stopTimeoutS: 7,
  });
  return { calls, faults };
}

describe('containerFaults', () => {
  it('kills and starts the same container, waiting until it serves', async () => {
    const { calls, faults } = setup();
    await faults.kill(1);
    await faults.restart(1);
    expect(calls).toEqual(['kill c1', 'start c1', 'ready 1']);
  });

  it('clean restart stops with the grace period, then starts', async () => {
    const { calls, faults } = setup();
    await faults.cleanRestart(2);
    expect(calls).toEqual(['stop c2 7', 'start c2', 'ready 2']);
  });

  it('thaws a paused node before killing it', async () => {
    const { calls, faults } = setup();
    await faults.pause(1);
    await faults.kill(1);
    expect(calls).toEqual(['pause c1', 'unpause c1', 'kill c1']);
  });

  it('cuts a client off by disconnecting, and connects back with the aliases', async () => {
    const { calls, faults } = setup();
    await faults.cutClient(1);
    await faults.cutClient(1);
    await faults.healNetwork();
    expect(calls).toEqual(['disconnect podman c1', 'connect podman c1 c1short', 'ready 1']);
  });

  it('healAll resumes, reconnects, then restarts, in that order', async () => {
    const { calls, faults } = setup();
    await faults.pause(2);
    await faults.cutClient(1);
    await faults.kill(1);
    calls.length = 0;
    await faults.healAll();
    expect(calls).toEqual(['unpause c2', 'connect podman c1 c1short', 'start c1', 'ready 1']);
    calls.length = 0;
    await faults.healAll();
    expect(calls).toEqual([]);
  });

  it('a single group is no partition; nodes on no cluster network cannot be split', async () => {
    const { calls, faults } = setup();
    await faults.partition([[1, 2]]);
    expect(calls).toEqual([]);
    await expect(faults.partition([[1], [2]])).rejects.toBeInstanceOf(FaultUnavailableError);
    await expect(faults.kill(9)).rejects.toThrow(/no node 9/);
  });

  it('partitions a cluster by moving every group but the first to a network of its own, keeping names', async () => {
    const { calls, faults } = setup(true);
    await faults.partition([[1], [2, 3]]);
    expect(calls).toEqual([
      'create p1',
      'disconnect cluster c2',
      'connect net-p1 c2 kafka-2',
      'disconnect cluster c3',
      'connect net-p1 c3 kafka-3',
    ]);
    calls.length = 0;
    await faults.healNetwork();
    expect(calls).toEqual([
      'disconnect net-p1 c2',
      'connect cluster c2 kafka-2',
      'disconnect net-p1 c3',
      'connect cluster c3 kafka-3',
      'remove net-p1',
    ]);
  });

  it('a new partition heals the previous one first; a cluster node cannot have only its client path cut', async () => {
    const { calls, faults } = setup(true);
    await faults.partition([[1, 2], [3]]);
    calls.length = 0;
    await faults.partition([[1], [2], [3]]);
    expect(calls.slice(0, 3)).toEqual(['disconnect net-p1 c3', 'connect cluster c3 kafka-3', 'remove net-p1']);
    expect(calls.filter((c) => c.startsWith('create'))).toEqual(['create p1', 'create p2']);
    await expect(faults.cutClient(1)).rejects.toThrow(/TCP proxy/);
  });
});
