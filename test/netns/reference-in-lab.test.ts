/**
 * The reference broker as a faultable process inside a lab namespace (one node until the
 * replicated reference cluster exists): it serves on its namespace address, a client cut makes
 * it unreachable from the host while it keeps running, healing brings it back with its data,
 * a kill and restart bring it back at the same address, and stopping leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterInLab, type ClusterInLab } from '../../harness/netns/lab-cluster.ts';
import { tcpConnects } from '../../harness/netns/tcp-probe.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import {
  answersApiVersions,
  consumeUntilSeen,
  createTopic,
  patientKafka,
  processRunning,
  produceAcknowledged,
} from '../targets/fault-checks.ts';
import { labLeftovers, netnsSkipReason } from './lab-support.ts';

const skip = netnsSkipReason();

describe.skipIf(skip)('reference broker process in a network namespace', () => {
  let lc: ClusterInLab<StartedReferenceProcesses>;

  beforeAll(async () => {
    const t0 = performance.now();
    lc = await startClusterInLab({ nodes: 1 }, (lab) => startReferenceProcesses({ brokers: 1, network: lab }));
    console.log(`[kconform] ${lc.cluster.label} ready in ${Math.round(performance.now() - t0)} ms (lab included)`);
  }, 60_000);

  afterAll(async () => {
    if (!lc) return;
    const pid = lc.cluster.nodes[0]!.pid;
    await lc.stop();
    if (pid) expect(processRunning(pid)).toBe(false);
    expect(labLeftovers(lc.lab)).toEqual([]);
  }, 60_000);

  it('serves on its namespace address, port 9092, and offers partition faults', async () => {
    expect(lc.cluster.bootstrap).toBe(`${lc.lab.node(1).address}:9092`);
    expect(await answersApiVersions(lc.cluster.bootstrap, 3_000)).toBe(true);
    expect(lc.faults.supported.has('partition')).toBe(true);
  });

  it('cutClient: unreachable from the host but still running; heal brings it back with its data', async () => {
    const kafka = patientKafka(lc.cluster.bootstrap);
    const topic = uniqueTopic('ref-lab');
    await createTopic(kafka, { topic, numPartitions: 1, replicationFactor: 1 });
    const acked = await produceAcknowledged(kafka, topic, ['a', 'b', 'c']);
    expect(acked).toHaveLength(3);

    await lc.faults.cutClient(1);
    try {
      expect(await tcpConnects(lc.lab.node(1).address, 9092, 1_500)).toBe(false);
      expect(await answersApiVersions(lc.cluster.bootstrap, 1_500)).toBe(false);
      expect(processRunning(lc.cluster.nodes[0]!.pid!)).toBe(true);
    } finally {
      await lc.faults.healNetwork();
    }
    expect(await answersApiVersions(lc.cluster.bootstrap, 5_000)).toBe(true);
    expect(await consumeUntilSeen(kafka, topic, acked, 30_000)).toEqual(acked);
  }, 60_000);

  it('kill and restart: back at the same address inside the namespace', async () => {
    const before = lc.cluster.bootstrap;
    const pid = lc.cluster.nodes[0]!.pid!;
    await lc.faults.kill(1);
    expect(processRunning(pid)).toBe(false);
    await lc.faults.restart(1);
    expect(lc.cluster.bootstrap).toBe(before);
    expect(await answersApiVersions(before, 3_000)).toBe(true);
  }, 60_000);
});
