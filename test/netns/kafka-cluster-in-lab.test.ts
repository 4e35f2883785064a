/**
 * A 3-node KRaft cluster of the newest Kafka with every node in its own network namespace:
 * nodes listen, advertise and vote on their namespace addresses, so a partition really
 * separates them. Cutting the partition leader off from the other two makes the majority
 * elect a new leader while the old one can no longer take acks=all writes, and after healing
 * every acknowledged record is readable. Cutting the host off one node leaves the cluster
 * serving through the others. Stopping leaves no namespace and no JVM.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, resolveKafka } from '../../harness/kafka-dist/resolve-kafka.ts';
import { findActiveController, findPartitionLeader } from '../../harness/nemesis/node-roles.ts';
import { startKafkaClusterInLab, type ClusterInLab } from '../../harness/netns/lab-cluster.ts';
import type { StartedKafkaCluster } from '../../harness/kafka-dist/kafka-cluster.ts';
import { tcpConnects, tcpConnectsFrom } from '../../harness/netns/tcp-probe.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import {
  answersApiVersions,
  createTopic,
  patientKafka,
  processesMentioning,
  processRunning,
  produceAcknowledged,
} from '../targets/fault-checks.ts';
import { consumeInGroup, groupCoordinator, partitionSeenBy, pollUntil, rawProduce } from './cluster-checks.ts';
import { labLeftovers, netnsSkipReason } from './lab-support.ts';

const skip = netnsSkipReason();
const values = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
// Produce error codes that mean "not written with acks=all".
const REQUEST_TIMED_OUT = 7;
const NOT_ENOUGH_REPLICAS = 19;
const NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20;

describe.skipIf(skip)(`3-node Kafka ${LATEST_KAFKA_VERSION} cluster, one network namespace per node`, () => {
  let lc: ClusterInLab<StartedKafkaCluster>;
  const bootstrapOf = (ids: readonly number[]): string =>
    ids.map((id) => lc.cluster.nodes.find((n) => n.id === id)!.bootstrap).join(',');

  beforeAll(async () => {
    const dist = await resolveKafka(LATEST_KAFKA_VERSION);
    const t0 = performance.now();
    lc = await startKafkaClusterInLab({ version: LATEST_KAFKA_VERSION, brokers: 3, dist });
    console.log(
      `[kconform] ${lc.cluster.label} ready in ${Math.round(performance.now() - t0)} ms (lab ${lc.lab.subnet} included)`,
    );
  }, 300_000);

  afterAll(async () => {
    if (!lc) return;
    const pids = lc.cluster.nodes.map((n) => n.pid).filter((p) => p !== undefined);
    const dataDir = lc.cluster.dataDir;
    await lc.stop();
    for (const pid of pids) expect(processRunning(pid)).toBe(false);
    expect(processesMentioning('java', dataDir)).toEqual([]);
    expect(labLeftovers(lc.lab)).toEqual([]);
  }, 120_000);

  it('runs each node in its namespace, on its address, with the quorum on those addresses', async () => {
    const { cluster, lab } = lc;
    expect(cluster.nodes.map((n) => n.bootstrap)).toEqual(lab.nodes.map((n) => `${n.address}:9092`));
    expect(cluster.bootstrap).toBe(bootstrapOf([1, 2, 3]));
    const config = await readFile(cluster.nodes[1]!.configFile, 'utf8');
    expect(config).toContain(`controller.quorum.voters=${lab.nodes.map((n) => `${n.id}@${n.address}:9093`).join(',')}`);
    expect(config).toContain(`advertised.listeners=PLAINTEXT://${lab.node(2).address}:9092`);
    // Nothing on the host's loopback: the JVMs live in the namespaces.
    expect(await tcpConnects('127.0.0.1', 9092, 500)).toBe(false);
    // Node-to-node traffic crosses the bridge.
    expect(await tcpConnectsFrom(lab.node(1), lab.node(3).address, 9093)).toBe(true);
    const view = await cluster.waitReady(10_000);
    expect(view.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(cluster.nodes.map((n) => n.bootstrap));
    expect([...lc.faults.supported].sort()).toEqual(['clean-restart', 'kill', 'partition', 'pause', 'restart']);
  });

  it('partition leader cut off from the others: the majority elects a new leader, the old one takes no acks=all write, nothing acknowledged is lost', async () => {
    const { cluster, faults } = lc;
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('lab-partition');
    await createTopic(kafka, {
      topic,
      numPartitions: 1,
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
    const acknowledged = await produceAcknowledged(kafka, topic, values('before', 500));
    expect(acknowledged).toHaveLength(500);

    const leader = (await findPartitionLeader(cluster.nodes, topic, 0))!;
    const others = [1, 2, 3].filter((id) => id !== leader);
    const controller = await findActiveController(cluster.nodes);
    const t0 = performance.now();
    await faults.partition([[leader], others]);
    try {
      // The host still reaches every node; only node-to-node traffic across the split is dropped.
      const newLeader = await pollUntil(async () => {
        const seen = await Promise.all(others.map((id) => partitionSeenBy(bootstrapOf([id]), topic)));
        return seen.map((p) => p?.leaderId).find((l) => l !== undefined && l >= 0 && l !== leader);
      }, 30_000);
      const electedMs = Math.round(performance.now() - t0);
      console.log(
        `[kconform] partition [[${leader}],[${others}]] (controller was ${controller}): majority elected leader ${newLeader} in ${electedMs} ms`,
      );
      expect(others).toContain(newLeader);

      // The old leader still believes it leads, but cannot get its followers to acknowledge.
      const minority = await rawProduce(bootstrapOf([leader]), topic, ['minority'], 5_000);
      console.log(
        `[kconform] acks=all Produce to the isolated old leader ${leader}: ${minority instanceof Error ? minority.message : `error code ${minority}`}`,
      );
      // An error code that refuses the write, or no answer at all; never 0, never a refused connection.
      if (typeof minority === 'number')
        expect([REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND]).toContain(minority);
      else expect(minority.message).toMatch(/no response to 0 v9/);

      // The majority side keeps taking acks=all writes (ISR of 2 = min.insync.replicas).
      const during = await produceAcknowledged(patientKafka(bootstrapOf(others)), topic, values('during', 200));
      expect(during.length).toBeGreaterThan(0);
      acknowledged.push(...during);
    } finally {
      await faults.healNetwork();
    }

    const t1 = performance.now();
    const rejoined = await pollUntil(async () => {
      const p = await partitionSeenBy(bootstrapOf([others[0]!]), topic);
      return p && p.isr.length === 3 ? p : undefined;
    }, 90_000);
    console.log(`[kconform] healed: old leader ${leader} back in the ISR in ${Math.round(performance.now() - t1)} ms`);
    expect(rejoined?.isr).toHaveLength(3);

    const read = new Set(await consumeInGroup(cluster.bootstrap, topic, `lab-final-${topic}`, acknowledged));
    expect(acknowledged.filter((v) => !read.has(v))).toEqual([]);
  }, 240_000);

  it('cutClient: the host cannot reach the node, the cluster still serves through the others; heal restores it', async () => {
    const { cluster, faults, lab } = lc;
    const groupId = `lab-cut-${Date.now()}`;
    const coordinator = await groupCoordinator(cluster.nodes[0]!.bootstrap, groupId);
    const cut = [3, 2, 1].find((id) => id !== coordinator)!;
    const rest = [1, 2, 3].filter((id) => id !== cut);
    const topic = uniqueTopic('lab-cut');
    // Led by a node the host still reaches, replicated on the cut one too.
    await createTopic(patientKafka(cluster.bootstrap), {
      topic,
      replicaAssignment: [{ partition: 0, replicas: [...rest, cut] }],
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
    const pid = cluster.nodeProcess(cut).pid!;

    await faults.cutClient(cut);
    try {
      expect(await tcpConnects(lab.node(cut).address, 9092, 1_500)).toBe(false);
      expect(await answersApiVersions(bootstrapOf([cut]), 1_500)).toBe(false);
      expect(processRunning(pid)).toBe(true);
      // It is still a member of the cluster and a replica in sync: node-to-node traffic is up.
      const view = (await cluster.waitReady(10_000)).brokers.map((b) => b.nodeId);
      expect(view).toEqual([1, 2, 3]);

      const acked = await produceAcknowledged(patientKafka(bootstrapOf(rest)), topic, values('cut', 300));
      expect(acked).toHaveLength(300);
      expect((await partitionSeenBy(bootstrapOf([rest[0]!]), topic))?.isr).toHaveLength(3);
      const read = await consumeInGroup(bootstrapOf(rest), topic, groupId, acked);
      expect(new Set(read)).toEqual(new Set(acked));
    } finally {
      await faults.healNetwork();
    }
    expect(await answersApiVersions(bootstrapOf([cut]), 5_000)).toBe(true);
  }, 180_000);
});
