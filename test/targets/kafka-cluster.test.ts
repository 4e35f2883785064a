/**
 * A 3-node KRaft cluster of the newest Kafka under process faults: acknowledged writes survive a
 * kill -9 of the partition leader, pause/resume takes effect and heals, a clean restart keeps
 * the node's data, and stopping leaves no JVM behind.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaStartError, randomClusterId } from '../../harness/kafka-dist/kafka-process.ts';
import { freePorts } from '../../harness/kafka-dist/net-util.ts';
import { startKafkaCluster, type StartedKafkaCluster } from '../../harness/kafka-dist/kafka-cluster.ts';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import { findActiveController, findPartitionLeader } from '../../harness/nemesis/node-roles.ts';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import {
  answersApiVersions,
  consumeUntilSeen,
  createTopic,
  patientKafka,
  processesMentioning,
  processRunning,
  produceAcknowledged,
} from './fault-checks.ts';

const values = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe(`3-node KRaft cluster, Kafka ${LATEST_KAFKA_VERSION}`, () => {
  let cluster: StartedKafkaCluster;
  let faults: ProcessFaultControl;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await startKafkaCluster({ version: LATEST_KAFKA_VERSION, brokers: 3 });
    console.log(`[kconform] ${cluster.label} ready in ${Date.now() - t0} ms`);
    faults = new ProcessFaultControl(cluster);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it('lists its nodes, and names a partition leader and an active controller', async () => {
    expect(cluster.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(cluster.bootstrap.split(',')).toEqual(cluster.nodes.map((n) => n.bootstrap));
    for (const n of cluster.nodes) expect(processRunning(n.pid!)).toBe(true);
    const view = await cluster.waitReady(10_000);
    expect(view.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    expect([1, 2, 3]).toContain(await findActiveController(cluster.nodes));
    expect(faults.supported.has('partition')).toBe(false);
    await expect(faults.partition([[1], [2, 3]])).rejects.toThrow(/needs network namespaces/);
  });

  it('keeps every acknowledged record (acks=all, RF 3) through a kill -9 of the partition leader', async () => {
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('leader-kill');
    await createTopic(kafka, { topic, numPartitions: 1, replicationFactor: 3 });
    const before = await produceAcknowledged(kafka, topic, values('before', 500));
    expect(before).toHaveLength(500);

    const leader = (await findPartitionLeader(cluster.nodes, topic, 0))!;
    expect([1, 2, 3]).toContain(leader);
    const pid = cluster.nodeProcess(leader).pid!;
    await faults.kill(leader);
    expect(processRunning(pid)).toBe(false);
    expect(cluster.nodes.find((n) => n.id === leader)!.pid).toBeUndefined();

    // Written while the old leader is down: the controller moves leadership to a follower in the ISR.
    const during = await produceAcknowledged(kafka, topic, values('during', 500));
    expect(during.length).toBeGreaterThan(0);
    const newLeader = await findPartitionLeader(cluster.nodes, topic, 0);
    expect(newLeader).not.toBe(leader);

    const t0 = Date.now();
    await faults.restart(leader);
    console.log(`[kconform] node ${leader} restart -> serving in ${Date.now() - t0} ms`);
    expect(processRunning(cluster.nodeProcess(leader).pid!)).toBe(true);

    const acknowledged = [...before, ...during];
    const read = await consumeUntilSeen(kafka, topic, acknowledged);
    for (const v of acknowledged) expect(read).toContain(v);
  }, 240_000);

  it('pause stops a node answering; resume makes it answer again', async () => {
    const node = cluster.nodes[2]!;
    expect(await answersApiVersions(node.bootstrap, 3_000)).toBe(true);
    await faults.pause(node.id);
    try {
      expect(cluster.nodeProcess(node.id).state).toBe('paused');
      expect(await answersApiVersions(node.bootstrap, 1_500)).toBe(false);
    } finally {
      await faults.resume(node.id);
    }
    expect(await answersApiVersions(node.bootstrap, 5_000)).toBe(true);
    await cluster.waitReady(60_000);
  }, 60_000);

  it('a clean restart keeps the node data (a topic whose only replica is on it)', async () => {
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('clean-restart');
    await createTopic(kafka, { topic, replicaAssignment: [{ partition: 0, replicas: [2] }] });
    const acked = await produceAcknowledged(kafka, topic, values('kept', 100));
    expect(acked).toHaveLength(100);
    const pid = cluster.nodeProcess(2).pid!;
    await faults.cleanRestart(2);
    expect(processRunning(pid)).toBe(false);
    expect(cluster.nodeProcess(2).pid).not.toBe(pid);
    expect(await consumeUntilSeen(kafka, topic, acked)).toEqual(acked);
  }, 180_000);

  it('heals everything, then stops with no JVM left', async () => {
    await faults.kill(1);
    await faults.pause(3);
    await faults.healAll();
    expect(cluster.nodes.map((n) => cluster.nodeProcess(n.id).state)).toEqual(['running', 'running', 'running']);
    await cluster.waitReady(60_000);

    const pids = cluster.nodes.map((n) => n.pid!);
    expect(processesMentioning('java', cluster.dataDir)).toHaveLength(3);
    await cluster.stop();
    for (const pid of pids) expect(processRunning(pid)).toBe(false);
    expect(processesMentioning('java', cluster.dataDir)).toEqual([]);
  }, 180_000);
});

describe(`a Kafka ${LATEST_KAFKA_VERSION} cluster that cannot start`, () => {
  it("fails with the node's log and leaves no JVM behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kconform-cluster-fail-'));
    const blocker: Server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      // A kept directory names the ports the cluster reuses; node 2's is taken.
      const [p1, c1, c2] = await freePorts(3);
      const taken = (blocker.address() as AddressInfo).port;
      const state = {
        mode: 'kraft',
        brokers: 2,
        clusterId: randomClusterId(),
        nodes: [
          { id: 1, port: p1, controllerPort: c1 },
          { id: 2, port: taken, controllerPort: c2 },
        ],
      };
      await writeFile(join(dir, 'kconform-cluster.json'), JSON.stringify(state));
      const err = await startKafkaCluster({
        version: LATEST_KAFKA_VERSION,
        brokers: 2,
        dataDir: dir,
        startTimeoutMs: 90_000,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KafkaStartError);
      expect((err as Error).message).toMatch(/node 2 on 127\.0\.0\.1:\d+ exited with code \d+ while starting/);
      expect((err as KafkaStartError).firstErrors).toMatch(/Address already in use/);
      expect(processesMentioning('java', dir)).toEqual([]);
      expect((await readdir(dir)).sort()).toEqual(['kconform-cluster.json', 'node-1', 'node-2']);
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
    await expect(startKafkaCluster({ version: LATEST_KAFKA_VERSION, brokers: 0 })).rejects.toThrow(RangeError);
  }, 120_000);
});
