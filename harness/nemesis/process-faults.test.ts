import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeProcess, type NodeProcess } from '../kafka-dist/node-process.ts';
import type { ProcessCluster } from '../kafka-dist/process-cluster.ts';
import { FaultUnavailableError, type PartitionGroups } from './fault-control.ts';
import { ProcessFaultControl, type NetworkFaults } from './process-faults.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kconform-process-faults-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two sleeping shell processes standing in for broker nodes. */
async function fakeCluster(name: string): Promise<ProcessCluster & { stop(): Promise<void> }> {
  const procs = new Map<number, NodeProcess>();
  for (const id of [1, 2]) {
    const logFile = join(dir, `${name}-${id}.log`);
    procs.set(
      id,
      createNodeProcess({
        id,
        label: `fake node ${id}`,
        logFile,
        launch: () => ({ command: '/bin/sh', args: ['-c', 'echo ready; exec sleep 600'], cwd: dir }),
        waitReady: async (ctx) => {
          while (!(await readFile(logFile)).subarray(ctx.logOffset).includes('ready')) await sleep(20);
        },
      }),
    );
  }
  await Promise.all([...procs.values()].map((p) => p.start(Date.now() + 5_000)));
  return {
    label: `fake cluster ${name}`,
    bootstrap: '',
    restartTimeoutMs: 5_000,
    nodes: [...procs.values()].map((p) => ({
      id: p.id,
      bootstrap: '',
      logFile: p.logFile,
      get pid() {
        return p.pid;
      },
    })),
    nodeProcess: (id) => {
      const p = procs.get(id);
      if (!p) throw new RangeError(`no node ${id}`);
      return p;
    },
    stop: async () => void (await Promise.all([...procs.values()].map((p) => p.stop()))),
  };
}

describe('ProcessFaultControl', () => {
  it('kills, restarts, cleanly restarts, pauses and heals nodes', async () => {
    const cluster = await fakeCluster('cycle');
    const faults = new ProcessFaultControl(cluster);
    try {
      expect([...faults.supported].sort()).toEqual(['clean-restart', 'kill', 'pause', 'restart']);
      const pid1 = cluster.nodes[0]!.pid;
      await faults.kill(1);
      expect(cluster.nodeProcess(1).state).toBe('stopped');
      await faults.restart(1);
      expect(cluster.nodeProcess(1).state).toBe('running');
      expect(cluster.nodes[0]!.pid).not.toBe(pid1);

      const pid2 = cluster.nodes[1]!.pid;
      await faults.restart(2); // running: left alone
      expect(cluster.nodes[1]!.pid).toBe(pid2);
      await faults.cleanRestart(2);
      expect(cluster.nodes[1]!.pid).not.toBe(pid2);

      await faults.pause(1);
      await faults.kill(2);
      expect(cluster.nodes.map((n) => cluster.nodeProcess(n.id).state)).toEqual(['paused', 'stopped']);
      await faults.healAll();
      expect(cluster.nodes.map((n) => cluster.nodeProcess(n.id).state)).toEqual(['running', 'running']);
      await expect(faults.kill(3)).rejects.toThrow(RangeError);
    } finally {
      await cluster.stop();
    }
  });

  it('reports network faults unavailable without a network, and forwards them to one', async () => {
    const cluster = await fakeCluster('net');
    try {
      const bare = new ProcessFaultControl(cluster);
      await expect(bare.partition([[1], [2]])).rejects.toBeInstanceOf(FaultUnavailableError);
      await expect(bare.cutClient(1)).rejects.toThrow(/needs network namespaces \(harness\/netns\)/);
      await bare.healNetwork(); // nothing was cut

      const calls: string[] = [];
      const network: NetworkFaults = {
        partition: async (g: PartitionGroups) => void calls.push(`partition ${JSON.stringify(g)}`),
        cutClient: async (id) => void calls.push(`cut ${id}`),
        healNetwork: async () => void calls.push('heal'),
      };
      const faults = new ProcessFaultControl(cluster, { network });
      expect(faults.supported.has('partition')).toBe(true);
      await faults.partition([[1], [2]]);
      await faults.cutClient(2);
      await faults.healAll();
      expect(calls).toEqual(['partition [[1],[2]]', 'cut 2', 'heal']);
    } finally {
      await cluster.stop();
    }
  });
});
