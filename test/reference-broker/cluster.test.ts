/**
 * The replicated reference cluster as three node processes: replication to every in-sync
 * replica, leader failover with no acknowledged write lost, a killed node truncating and
 * rejoining the ISR, NOT_ENOUGH_REPLICAS below min.insync.replicas, and committed offsets
 * surviving the loss of the group coordinator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { fetchClusterMetadata, type PartitionView } from '../../harness/kafka-dist/cluster-metadata.ts';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { produceBody } from '../../harness/drivers/request-bodies.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { consumeUntilSeen, createTopic, patientKafka, produceAcknowledged } from '../targets/fault-checks.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const LAG_MS = 2_000;
// As the failover scenarios: long enough that a node briefly starved of CPU on a loaded CI machine
// is not fenced (which would change the leader a test expects), short enough for quick failovers.
const SESSION_MS = 6_000;

/** The partition as the cluster's metadata describes it now. */
async function partitionView(
  cluster: StartedReferenceProcesses,
  topic: string,
  partition = 0,
): Promise<PartitionView | undefined> {
  for (const n of cluster.nodes) {
    const view = await fetchClusterMetadata(n.bootstrap, { topics: [topic], timeoutMs: 2_000 }).catch(() => undefined);
    const p = view?.topics.get(topic)?.partitions.find((x) => x.partition === partition);
    if (p) return p;
  }
  return undefined;
}

/** Polls until `check` holds for the partition, or fails with the last view after `timeoutMs`. */
async function waitForPartition(
  cluster: StartedReferenceProcesses,
  topic: string,
  what: string,
  check: (p: PartitionView) => boolean,
  timeoutMs = 30_000,
): Promise<PartitionView> {
  const deadline = Date.now() + timeoutMs;
  let last: PartitionView | undefined;
  while (Date.now() < deadline) {
    last = await partitionView(cluster, topic);
    if (last && check(last)) return last;
    await sleep(200);
  }
  throw new Error(`${topic}: ${what} did not happen within ${timeoutMs} ms; last view ${JSON.stringify(last)}`);
}

/**
 * A topic with one partition on replicas [1, 2, 3] and min.insync.replicas=2, led by node 1 with a
 * full ISR, holding 20 acknowledged records `first-0`…`first-19`.
 */
async function topicLedByNode1(
  cluster: StartedReferenceProcesses,
  kafka: Kafka,
  prefix: string,
): Promise<{ topic: string; first: string[] }> {
  const topic = uniqueTopic(prefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }],
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  await waitForPartition(cluster, topic, 'node 1 leading a full ISR', (x) => x.leaderId === 1 && x.isr.length === 3);
  return {
    topic,
    first: await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 20 }, (_, i) => `first-${i}`),
    ),
  };
}

describe('replicated reference cluster (3 node processes)', () => {
  let scratch: string;
  let cluster: StartedReferenceProcesses;
  let faults: ProcessFaultControl;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kconform-reference-cluster-test-'));
    const t0 = Date.now();
    cluster = await startReferenceProcesses({
      brokers: 3,
      dataDir: join(scratch, 'cluster'),
      extraArgs: ['--replica-lag-time-max-ms', String(LAG_MS), '--broker-session-timeout-ms', String(SESSION_MS)],
    });
    console.log(`[kconform] ${cluster.label} ready in ${Date.now() - t0} ms`);
    faults = new ProcessFaultControl(cluster);
  }, 60_000);
  // A test that fails half-way must not leave a node down or paused for the next one.
  afterEach(async () => {
    await faults?.healAll();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('lists every node and replicates a topic to all of them', async () => {
    const view = await fetchClusterMetadata(cluster.nodes[0]!.bootstrap, { timeoutMs: 5_000 });
    expect(view.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('cluster-rf3');
    await createTopic(kafka, {
      topic,
      numPartitions: 1,
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
    const p = await waitForPartition(cluster, topic, 'leader election', (x) => x.leaderId > 0);
    expect([...p.replicas].sort()).toEqual([1, 2, 3]);
    const acked = await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 300 }, (_, i) => `r-${i}`),
    );
    expect(acked).toHaveLength(300);
    expect(await consumeUntilSeen(kafka, topic, acked, 30_000)).toEqual(acked);
    const after = await waitForPartition(cluster, topic, 'a full ISR', (x) => x.isr.length === 3);
    expect([...after.isr].sort()).toEqual([1, 2, 3]);
  }, 90_000);

  it('CreatePartitions places the new partitions on the brokers and replicates them; a topic config change reaches every node', async () => {
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('cluster-grow');
    await createTopic(kafka, { topic, numPartitions: 1, replicationFactor: 2 });
    const c = await RawClient.connect(cluster.nodes[1]!.bootstrap);
    try {
      const grown = await c.request(ApiKey.CreatePartitions, 3, {
        topics: [{ name: topic, count: 3, assignments: null }],
        timeoutMs: 10_000,
        validateOnly: false,
      });
      expect(grown.results).toEqual([{ name: topic, errorCode: ErrorCode.NONE, errorMessage: null }]);
      for (const partition of [1, 2]) {
        const isFull = (x: PartitionView) => x.leaderId > 0 && x.isr.length === 2;
        const deadline = Date.now() + 30_000;
        let view = await partitionView(cluster, topic, partition);
        while (!(view && isFull(view)) && Date.now() < deadline) {
          await sleep(200);
          view = await partitionView(cluster, topic, partition);
        }
        expect(view?.replicas).toHaveLength(2);
        expect(new Set(view?.replicas).size).toBe(2);
        expect([...(view?.isr ?? [])].sort()).toEqual([...(view?.replicas ?? [])].sort());
      }
      const altered = await c.request(ApiKey.IncrementalAlterConfigs, 1, {
        resources: [
          {
            resourceType: 2,
            resourceName: topic,
            configs: [{ name: 'min.insync.replicas', configOperation: 0, value: '2' }],
          },
        ],
        validateOnly: false,
      });
      expect(altered.responses[0]?.errorCode).toBe(ErrorCode.NONE);
    } finally {
      c.close();
    }
    for (const node of cluster.nodes) {
      const d = await RawClient.connect(node.bootstrap);
      try {
        const deadline = Date.now() + 10_000;
        let value: string | null | undefined;
        do {
          const r = await d.request(ApiKey.DescribeConfigs, 4, {
            resources: [{ resourceType: 2, resourceName: topic, configurationKeys: ['min.insync.replicas'] }],
            includeSynonyms: false,
            includeDocumentation: false,
          });
          value = r.results[0]?.configs[0]?.value;
          if (value !== '2') await sleep(100);
        } while (value !== '2' && Date.now() < deadline);
        expect(value, node.bootstrap).toBe('2');
      } finally {
        d.close();
      }
    }
    const values = Array.from({ length: 60 }, (_, i) => `g-${i}`);
    const acked = await produceAcknowledged(kafka, topic, values);
    expect(await consumeUntilSeen(kafka, topic, acked, 30_000)).toEqual(expect.arrayContaining(acked));
  }, 120_000);

  it('fails over when the leader is killed, loses no acknowledged write, and the old leader rejoins the ISR', async () => {
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('cluster-failover');
    await createTopic(kafka, {
      topic,
      numPartitions: 1,
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
    const before = await waitForPartition(cluster, topic, 'a full ISR', (x) => x.leaderId > 0 && x.isr.length === 3);
    const first = await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 200 }, (_, i) => `a-${i}`),
    );

    await faults.kill(before.leaderId);
    const during = await waitForPartition(
      cluster,
      topic,
      'a new leader',
      (x) => x.leaderId > 0 && x.leaderId !== before.leaderId,
      30_000,
    );
    expect(during.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    expect(during.isr).not.toContain(before.leaderId);
    const second = await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 200 }, (_, i) => `b-${i}`),
    );

    await faults.restart(before.leaderId);
    await waitForPartition(
      cluster,
      topic,
      `node ${before.leaderId} back in the ISR`,
      (x) => x.isr.includes(before.leaderId),
      30_000,
    );
    const all = [...first, ...second];
    expect(await consumeUntilSeen(kafka, topic, all, 30_000)).toEqual(all);
  }, 120_000);

  it('answers NOT_ENOUGH_REPLICAS for acks=all when the ISR is below min.insync.replicas, and recovers', async () => {
    // min.insync.replicas=3 so that losing one follower is enough: pausing two of three nodes would
    // also take the controller quorum's majority away, and no ISR change could be committed.
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('cluster-min-isr');
    await createTopic(kafka, {
      topic,
      numPartitions: 1,
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '3' }],
    });
    const p = await waitForPartition(cluster, topic, 'a full ISR', (x) => x.leaderId > 0 && x.isr.length === 3);
    const follower = p.replicas.find((id) => id !== p.leaderId)!;
    await faults.pause(follower);
    try {
      await waitForPartition(
        cluster,
        topic,
        `follower ${follower} leaving the ISR`,
        (x) => x.isr.length === 2 && !x.isr.includes(follower),
        30_000,
      );
      const leader = cluster.nodes.find((n) => n.id === p.leaderId)!;
      const client = await RawClient.connect(leader.bootstrap);
      try {
        const answer = await client.request(
          ApiKey.Produce,
          9,
          produceBody(topic, buildRecordBatch([{ value: 'refused' }]), { acks: -1, timeoutMs: 5_000 }),
          10_000,
        );
        expect(answer.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
      } finally {
        client.close();
      }
    } finally {
      await faults.resume(follower);
    }
    await waitForPartition(cluster, topic, 'the follower rejoining the ISR', (x) => x.isr.length === 3, 30_000);
    const acked = await produceAcknowledged(kafka, topic, ['accepted']);
    expect(acked).toEqual(['accepted']);
  }, 120_000);

  it("truncates a divergent tail by leader epoch when the old leader rejoins, and serves only the new leader's records once it leads again", async () => {
    // Replicas [1, 2, 3]: node 1 leads. With both followers stopped, node 1 takes acks=1 records
    // no one else has, then dies. Node 2 (or 3) leads epoch 1 and takes acks=all records at the
    // same offsets. Node 1 comes back as a follower and must cut its tail where epoch 0 ended on
    // the new leader; a controlled shutdown of that leader then makes node 1 leader again, and a
    // reader must see exactly the acknowledged records, none of the cut ones.
    const kafka = patientKafka(cluster.bootstrap);
    const { topic, first } = await topicLedByNode1(cluster, kafka, 'cluster-truncate');

    await faults.pause(2);
    await faults.pause(3);
    // Follower fetches already parked at node 1 answer within replica.fetch.wait.max.ms (500 ms);
    // records appended before they do would legitimately reach the followers from the socket buffer.
    await sleep(1_500);
    const node1 = await RawClient.connect(cluster.nodes[0]!.bootstrap);
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await node1.request(
          ApiKey.Produce,
          9,
          produceBody(topic, buildRecordBatch([{ value: `divergent-${i}` }]), { acks: 1 }),
          10_000,
        );
        expect(answer.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
      }
    } finally {
      node1.close();
    }
    await faults.kill(1);
    await faults.resume(2);
    await faults.resume(3);
    const next = await waitForPartition(
      cluster,
      topic,
      'node 2 or 3 leading',
      (x) => x.leaderId === 2 || x.leaderId === 3,
      30_000,
    );
    const second = await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 20 }, (_, i) => `second-${i}`),
    );
    expect(second).toHaveLength(20);

    await faults.restart(1);
    await waitForPartition(cluster, topic, 'node 1 back in the ISR', (x) => x.isr.includes(1), 30_000);
    await faults.cleanRestart(next.leaderId);
    await waitForPartition(cluster, topic, 'node 1 leading again', (x) => x.leaderId === 1, 30_000);
    const acked = [...first, ...second];
    const seen = await consumeUntilSeen(kafka, topic, acked, 30_000);
    expect(seen.filter((v) => v.startsWith('divergent-'))).toEqual([]);
    expect(seen).toEqual(acked);
  }, 150_000);

  it('a replica that led an epoch without appending to it drops that epoch on rejoining, and catches up', async () => {
    // Replicas [1, 2, 3], node 1 leads epoch 0. Node 1 dies; another node leads the next epoch and
    // takes no record. Node 1 comes back; that leader dies, so its empty epoch exists only in its
    // own epoch file, at its log end. The next leader writes a later epoch. When the dead leader
    // rejoins it must drop its empty epoch (as Kafka's truncateTo does), or it names an epoch the
    // leader never had in every fetch and never catches up (found by the long failover schedule).
    const kafka = patientKafka(cluster.bootstrap);
    const { topic, first } = await topicLedByNode1(cluster, kafka, 'cluster-empty-epoch');
    await waitForPartition(cluster, topic, 'a full ISR', (x) => x.isr.length === 3);

    await faults.kill(1);
    await waitForPartition(cluster, topic, 'a new leader', (x) => x.leaderId > 1, 30_000);
    await faults.restart(1);
    // Whoever leads now has appended nothing in its epoch: no record was written since the kill.
    const empty = await waitForPartition(
      cluster,
      topic,
      'node 1 back in the ISR',
      (x) => x.leaderId > 0 && x.isr.includes(1),
      30_000,
    );
    await faults.kill(empty.leaderId);
    await waitForPartition(
      cluster,
      topic,
      'a leader after the empty epoch',
      (x) => x.leaderId > 0 && x.leaderId !== empty.leaderId && x.leaderEpoch > empty.leaderEpoch,
      30_000,
    );
    const second = await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 20 }, (_, i) => `second-${i}`),
    );

    await faults.restart(empty.leaderId);
    await waitForPartition(cluster, topic, `node ${empty.leaderId} back in the ISR`, (x) => x.isr.length === 3, 30_000);
    const acked = [...first, ...second];
    expect(await consumeUntilSeen(kafka, topic, acked, 30_000)).toEqual(acked);
  }, 180_000);

  it('keeps committed offsets when the group coordinator is killed', async () => {
    const kafka = patientKafka(cluster.bootstrap);
    const topic = uniqueTopic('cluster-offsets');
    const groupId = uniqueTopic('cluster-group');
    await createTopic(kafka, { topic, numPartitions: 1, replicationFactor: 3 });
    await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 10 }, (_, i) => `g-${i}`),
    );
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '7' }] });
      const coordinator = await findCoordinator(cluster, groupId);
      await faults.kill(coordinator);
      try {
        const deadline = Date.now() + 40_000;
        let committed: string | undefined;
        while (Date.now() < deadline) {
          committed = await admin
            .fetchOffsets({ groupId, topics: [topic] })
            .then((r) => r[0]?.partitions[0]?.offset)
            .catch(() => undefined);
          if (committed === '7') break;
          await sleep(500);
        }
        expect(committed).toBe('7');
        expect(await findCoordinator(cluster, groupId)).not.toBe(coordinator);
      } finally {
        await faults.restart(coordinator);
      }
    } finally {
      await admin.disconnect();
    }
  }, 120_000);
});

/** The node coordinating `groupId` (FindCoordinator v3 to any live node). */
async function findCoordinator(cluster: StartedReferenceProcesses, groupId: string): Promise<number> {
  for (const n of cluster.nodes) {
    const client = await RawClient.connect(n.bootstrap).catch(() => undefined);
    if (!client) continue;
    try {
      const r = (await client.request(
        ApiKey.FindCoordinator,
        3,
        { key: groupId, keyType: 0, coordinatorKeys: [] },
        5_000,
      )) as { errorCode: number; nodeId: number };
      if (r.errorCode === ErrorCode.NONE) return r.nodeId;
    } catch {
      // try the next node
    } finally {
      client.close();
    }
  }
  throw new Error(`no node names a coordinator for ${groupId}`);
}
