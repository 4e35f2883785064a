/**
 * The role look-ups against the in-process reference broker (single node, no KRaft quorum):
 * leader and controller are node 1, a dead address is skipped, an unknown topic has no leader.
 * The Kafka cluster suites check them on real clusters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchClusterMetadata, fetchQuorumLeader } from '../../harness/kafka-dist/cluster-metadata.ts';
import { freePort } from '../../harness/kafka-dist/net-util.ts';
import { chooseNode, findActiveController, findPartitionLeader } from '../../harness/nemesis/node-roles.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, testKafka, uniqueTopic } from '../helpers/reference.ts';

describe('node roles on the reference broker', () => {
  let broker: RunningBroker;
  let dead: string;
  beforeAll(async () => {
    broker = await startTestBroker();
    dead = `127.0.0.1:${await freePort()}`;
  });
  afterAll(async () => {
    await broker.close();
  });

  it('finds the partition leader and the controller, skipping a node that does not answer', async () => {
    const topic = uniqueTopic('roles');
    const admin = testKafka(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const nodes = [
      { id: 7, bootstrap: dead },
      { id: 1, bootstrap: broker.bootstrap },
    ];

    const view = await fetchClusterMetadata(broker.bootstrap, { topics: [topic] });
    expect(view.brokers.map((b) => b.nodeId)).toEqual([1]);
    expect(view.topics.get(topic)!.partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(await fetchQuorumLeader(broker.bootstrap)).toBeUndefined();

    expect(await findPartitionLeader(nodes, topic, 1, { timeoutMs: 1_000 })).toBe(1);
    expect(await findPartitionLeader(nodes, 'no-such-topic', 0, { timeoutMs: 1_000 })).toBeUndefined();
    expect(await findActiveController(nodes, { timeoutMs: 1_000 })).toBe(1);
    expect(await chooseNode(nodes, { kind: 'leader', topic }, Math.random)).toBe(1);
    expect(await chooseNode(nodes, { kind: 'random' }, () => 0.99)).toBe(1);
    expect(await chooseNode(nodes, { kind: 'random' }, () => 0)).toBe(7);
    expect(await chooseNode(nodes, { kind: 'node', id: 7 }, Math.random)).toBe(7);
  });
});
